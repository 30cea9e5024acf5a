/**
 * A fresh PGlite data directory costs an initdb (≈ 3.5 s here). `npm install` runs it once into
 * node_modules/.cache/dieu-phoi/pglite-<version>/, and a first start copies that directory: the
 * database then opens exactly as on a restart. (Loading a dump through PGlite's `loadDataDir`
 * instead unpacked it inside the WebAssembly heap, which grew by ~200 MiB and never gave it back.)
 * The template is keyed by PGlite's version, so an upgrade makes a new one.
 */
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { readdir, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

function pgliteVersion(): string {
  try {
    // Its exports map hides package.json from require(); read it next to the resolved entry.
    const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
    let dir = dirname(entry);
    while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
    return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string })
      .version;
  } catch {
    return 'unknown';
  }
}

export function templatePath(): string {
  return join(process.cwd(), 'node_modules', '.cache', 'dieu-phoi', `pglite-${pgliteVersion()}`);
}

const isDataDir = (dir: string) => existsSync(join(dir, 'PG_VERSION'));

/** Fills an empty data directory from the template; without one, PGlite runs initdb there. */
export function seedFromTemplate(dataDir: string): void {
  const template = templatePath();
  if (isDataDir(dataDir) || !isDataDir(template)) return;
  // Synchronously: ~970 small files, and fs.promises.cp's round trips per file took 0.5 s of the
  // first start where cpSync takes 40 ms (nothing else runs yet).
  cpSync(template, dataDir, { recursive: true, errorOnExist: false });
}

/** Makes the template with `init` (an initdb into the directory it is given), once per version. */
export async function makeTemplate(init: (dir: string) => Promise<void>): Promise<string | null> {
  const path = templatePath();
  if (isDataDir(path)) return null;
  const tmp = `${path}.${process.pid}.tmp`;
  await rm(tmp, { recursive: true, force: true });
  await init(tmp);
  await rm(path, { recursive: true, force: true });
  await rename(tmp, path);
  // Earlier versions kept the template as a dump; nothing reads those any more.
  const dir = dirname(path);
  for (const f of await readdir(dir))
    if (/^pglite-.*\.tar\.gz$/.test(f)) await rm(join(dir, f), { force: true });
  return path;
}
