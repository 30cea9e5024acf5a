/**
 * A fresh PGlite data directory costs an initdb (≈ 3.5 s here); loading a dump of one made at
 * `npm install` takes ≈ 1 s. The template is keyed by PGlite's version, so an upgrade makes a new one.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
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
  return join(
    process.cwd(),
    'node_modules',
    '.cache',
    'dieu-phoi',
    `pglite-${pgliteVersion()}.tar.gz`,
  );
}

/** The dump to start an empty data directory from, or undefined (then PGlite runs initdb). */
export async function loadTemplate(dataDir: string): Promise<Blob | undefined> {
  if (existsSync(join(dataDir, 'PG_VERSION'))) return undefined;
  const path = templatePath();
  if (!existsSync(path)) return undefined;
  return new Blob([new Uint8Array(await readFile(path))]);
}

export async function writeTemplate(dump: Blob): Promise<string> {
  const path = templatePath();
  await mkdir(dirname(path), { recursive: true });
  await writeFile(`${path}.tmp`, new Uint8Array(await dump.arrayBuffer()));
  await rename(`${path}.tmp`, path);
  return path;
}
