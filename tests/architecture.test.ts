/**
 * The core and the Vietnamese texts stay platform- and runtime-free: nothing under src/core or
 * src/messages imports a chat library, the HTTP framework, a database driver, the cron library,
 * or anything under bots/. (Kysely itself is allowed: it is the query builder, not a driver.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCANNED = ['src/core', 'src/messages'];
const BOTS = join(ROOT, 'bots') + sep;

const FORBIDDEN_PACKAGES = new Set([
  'telegraf',
  'zca-js',
  'hono',
  'pg',
  '@electric-sql/pglite',
  'node-cron',
]);
const FORBIDDEN_SCOPES = ['@hono/'];

/** Every module specifier of static imports/exports, side-effect imports, import() and require(). */
export function importSpecifiers(source: string): string[] {
  const re =
    /\b(?:import|export)\s+(?:type\s+)?[^'";]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g;
  const out: string[] = [];
  for (const m of source.matchAll(re)) {
    const spec = m[1] ?? m[2] ?? m[3] ?? m[4];
    if (spec) out.push(spec);
  }
  return out;
}

function packageName(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** Why this import is not allowed from `file`, or null when it is fine. */
export function violation(file: string, spec: string): string | null {
  if (spec.startsWith('.') || spec.startsWith('/')) {
    const target = resolve(dirname(file), spec);
    return target.startsWith(BOTS) || target === BOTS.slice(0, -1)
      ? 'imports platform code under bots/'
      : null;
  }
  if (spec === 'bots' || spec.startsWith('bots/')) return 'imports platform code under bots/';
  const name = packageName(spec.replace(/^node:/, ''));
  if (FORBIDDEN_PACKAGES.has(name)) return `imports ${name}`;
  if (FORBIDDEN_SCOPES.some((scope) => spec.startsWith(scope))) return `imports ${spec}`;
  return null;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(?:[cm]?[jt]sx?)$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
      out.push(path);
  }
  return out;
}

describe('architecture', () => {
  it('the import scanner sees every form of import (so the check below is not vacuous)', () => {
    const sample = [
      `import { Telegraf } from 'telegraf';`,
      `import type {\n  API,\n  Message,\n} from "zca-js";`,
      `export { x } from './y';`,
      `export * from '@hono/node-server';`,
      `import 'node-cron';`,
      `const pg = (await import('pg')).default;`,
      `const p = require("@electric-sql/pglite");`,
    ].join('\n');
    expect(importSpecifiers(sample)).toEqual([
      'telegraf',
      'zca-js',
      './y',
      '@hono/node-server',
      'node-cron',
      'pg',
      '@electric-sql/pglite',
    ]);
    const file = join(ROOT, 'src/core/x/y.ts');
    expect(violation(file, '../../../bots/telegram/index')).toMatch(/bots/);
    expect(violation(file, 'hono/utils')).toMatch(/hono/);
    expect(violation(file, 'pg')).toMatch(/pg/);
    expect(violation(file, 'kysely')).toBeNull();
    expect(violation(file, 'pgvector')).toBeNull();
    expect(violation(file, '../../db/client')).toBeNull();
  });

  it('src/core and src/messages import no platform, HTTP, driver or cron code, nor bots/', () => {
    const files = SCANNED.flatMap((d) => sourceFiles(join(ROOT, d)));
    expect(files.length).toBeGreaterThan(10);
    const offences: string[] = [];
    for (const file of files) {
      for (const spec of importSpecifiers(readFileSync(file, 'utf8'))) {
        const why = violation(file, spec);
        if (why) offences.push(`${relative(ROOT, file)}: import '${spec}' (${why})`);
      }
    }
    expect(offences, offences.join('\n')).toEqual([]);
  });
});
