/**
 * How the service is compiled for `npm start` (src/start.mjs), in one place so the test of the
 * compiled output (tests/build/bundle.test.ts) builds exactly the same way.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * esbuild escapes non-ASCII in strings but leaves it in regular expressions and String.raw
 * templates (the Vietnamese parsers are full of both). One such character makes V8 hold the whole
 * file's source as two-byte text: 2 MiB instead of 1 for the service's bundle, for the life of the
 * process. A `\uXXXX` escape means the same character in both places (String.raw here only builds
 * RegExp sources). Returns whether the file changed.
 */
export function asciiOnly(file) {
  const text = readFileSync(file, 'utf8');
  const ascii = text.replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  if (ascii === text) return false;
  writeFileSync(file, ascii);
  return true;
}

/**
 * The packages compiled into the bundle: pure ES modules the service loads at every start. Kysely
 * alone is 258 files and zod 95; as separate modules each keeps a module record, its own top-level
 * code and its whole source, ≈ 10 MiB of heap for the lot. Inlined, esbuild keeps only what the
 * service uses. Every other package (CommonJS, native, WebAssembly, or loaded on demand) stays in
 * node_modules.
 */
const INLINED = new Set(['kysely', 'zod', 'hono', '@hono/node-server', 'hono-openapi']);

const packageName = (spec) =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');

const onlyInlined = {
  name: 'only-inlined-packages',
  setup(build) {
    // What an inlined package imports comes along (it may sit in that package's own node_modules).
    build.onResolve({ filter: /^[^./]/ }, (args) =>
      INLINED.has(packageName(args.path)) || args.importer.includes('/node_modules/')
        ? undefined
        : { path: args.path, external: true },
    );
  },
};

/** Bundles `entryPoints` into `outdir` as ESM for Node: the INLINED packages compiled in, the rest left to node_modules. */
export async function bundle(entryPoints, outdir) {
  const { build } = await import('esbuild');
  await build({
    entryPoints,
    outdir,
    outExtension: { '.js': '.js' },
    bundle: true,
    // Chunks, so that what the code imports on demand (telegraf, zca-js, exports) is loaded on demand.
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    // Half the text for V8 to parse at every start (≈ 0.15 s here) and to keep in memory. Names stay,
    // so a stack trace still names its functions; positions become columns of long lines.
    minifyWhitespace: true,
    plugins: [onlyInlined],
    logLevel: 'warning',
  });
  return readdirSync(outdir).filter((f) => asciiOnly(join(outdir, f)));
}

/**
 * package.json's start script as the shell runs it (`exec env NAME=value … node <flags>
 * src/start.mjs`): the environment it sets and node's flags, for whoever runs the service the
 * same way without npm (the footprint bench, the test of the compiled service).
 */
export function startScript(root) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const words = pkg.scripts.start.split(/\s+/);
  const node = words.indexOf('node');
  const script = words.indexOf('src/start.mjs');
  if (node < 0 || script < node)
    throw new Error(`package.json start does not run node src/start.mjs: ${pkg.scripts.start}`);
  const env = words
    .slice(0, node)
    .filter((w) => /^[A-Z_][A-Z0-9_]*=/.test(w))
    .map((w) => [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)]);
  return { env: Object.fromEntries(env), flags: words.slice(node + 1, script) };
}
