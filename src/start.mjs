/**
 * `npm start` (and postinstall): runs the service as plain JavaScript. The TypeScript sources are
 * bundled once with esbuild into node_modules/.cache/dieu-phoi/ and rebuilt only when a file under
 * src/, bots/ or migrations/ (or package.json) changes, so a start no longer pays for tsx's
 * transpiler (its esbuild child process and the transforms: seconds and ~60 MiB on a small server).
 * How it is bundled is in ./build.mjs: a few pure ES packages are compiled in, the others load from
 * node_modules, and the ones the code imports on demand (zca-js, exceljs, mammoth…) stay on demand.
 * `tsx` remains the tool for dev and tests.
 *
 *   node src/start.mjs           build if needed, then run the service
 *   node src/start.mjs --build   build if needed and exit (postinstall)
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cacheDir = join(root, 'node_modules', '.cache', 'dieu-phoi');

/** Paths, sizes and modification times of every source file: cheap, and any edit changes it. */
function sourceHash() {
  const hash = createHash('sha256');
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) {
        const s = statSync(path);
        hash.update(`${relative(root, path)}\0${s.size}\0${s.mtimeMs}\n`);
      }
    }
  };
  for (const dir of ['src', 'bots', 'migrations']) walk(join(root, dir));
  const pkg = statSync(join(root, 'package.json'));
  hash.update(`package.json\0${pkg.size}\0${pkg.mtimeMs}\n`);
  return hash.digest('hex').slice(0, 16);
}

async function build(name) {
  const { bundle } = await import('./build.mjs');
  mkdirSync(cacheDir, { recursive: true });
  const tmp = join(cacheDir, `${name}.${process.pid}.tmp`);
  await bundle([join(root, 'src', 'main.node.ts')], tmp);
  // Older builds are of no use once the sources moved on.
  for (const f of readdirSync(cacheDir))
    if (f.startsWith('build-') && !f.endsWith('.tmp'))
      rmSync(join(cacheDir, f), { recursive: true, force: true });
  renameSync(tmp, join(cacheDir, name));
}

const name = `build-${sourceHash()}`;
const main = join(cacheDir, name, 'main.node.js');
if (process.argv.includes('--build')) {
  if (!existsSync(main)) await build(name);
} else {
  // Sources changed since the last build (a pull, an edit): build in a process of its own, so the
  // service never holds esbuild, its service process or the bundling's heap (~90 MiB kept).
  if (!existsSync(main)) {
    const built = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--build'], {
      stdio: 'inherit',
    });
    if (built.status !== 0) process.exit(built.status ?? 1);
  }
  await import(pathToFileURL(main).href);
}
