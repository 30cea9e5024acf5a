/**
 * `npm start` runs an esbuild bundle, not the TypeScript the other tests load through tsx: some
 * packages are compiled into it and its non-ASCII characters are rewritten as \u escapes
 * (src/build.mjs). This builds the parsers the same way and checks that the compiled code reads
 * every corpus message, the seeds' plans and agenda, and commands exactly as the sources do; then
 * builds the service itself and drives it over HTTP (the inlined Hono, zod and Kysely).
 */
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundle, startScript } from '../../src/build.mjs';
import { parseAttendeeReply } from '../../src/core/attendees/parse';
import { classifyReportText, reportSubjects } from '../../src/core/reports/recognize';
import { parseAgendaText } from '../../src/core/agenda/parse';
import { parseCommand } from '../../src/core/inbound/command';
import { extractPlan } from '../../src/core/plans/extract';
import { SEED000_AGENDA_TEXT } from '../../src/demo/seed000';
import { attendeeCorpus, chatterCorpus } from '../fixtures/attendee-corpus';
import { reportCorpus } from '../fixtures/report-corpus';
import { freePort } from '../helpers/processes';

type Sources = {
  parseAttendeeReply: typeof parseAttendeeReply;
  classifyReportText: typeof classifyReportText;
  reportSubjects: typeof reportSubjects;
  parseAgendaText: typeof parseAgendaText;
  parseCommand: typeof parseCommand;
  extractPlan: typeof extractPlan;
};

const root = join(import.meta.dirname, '..', '..');
// Inside node_modules, so that the bundle's package imports resolve as the service's do.
const dir = join(root, 'node_modules', '.cache', 'dieu-phoi', `bundle-test-${process.pid}`);
let compiled: Sources;
let rewritten: string[];
let output: string;

beforeAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'in'), { recursive: true });
  const entry = join(dir, 'in', 'parsers.ts');
  const src = (p: string) => JSON.stringify(join(root, 'src', p));
  writeFileSync(
    entry,
    [
      `export { parseAttendeeReply } from ${src('core/attendees/parse')};`,
      `export { classifyReportText, reportSubjects } from ${src('core/reports/recognize')};`,
      `export { parseAgendaText } from ${src('core/agenda/parse')};`,
      `export { parseCommand } from ${src('core/inbound/command')};`,
      `export { extractPlan } from ${src('core/plans/extract')};`,
    ].join('\n'),
  );
  rewritten = await bundle([entry], join(dir, 'out'));
  output = readFileSync(join(dir, 'out', 'parsers.js'), 'utf8');
  compiled = (await import(pathToFileURL(join(dir, 'out', 'parsers.js')).href)) as Sources;
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const same = (a: unknown, b: unknown) => expect(JSON.stringify(a)).toBe(JSON.stringify(b));

describe('the compiled bundle', () => {
  it('is plain ASCII, so V8 keeps its source as one-byte text', () => {
    expect(rewritten).toContain('parsers.js');
    expect(output).toMatch(/\\u1ea1/); // "ạ" in the parsers' patterns, escaped
    expect(/[^\x00-\x7f]/.test(output)).toBe(false);
  });

  it('reads every attendee reply and every chatter message as the sources do', () => {
    const texts = [...attendeeCorpus.map((c) => c.text), ...chatterCorpus];
    expect(texts.length).toBeGreaterThan(300);
    let attendees = 0;
    for (const text of texts) {
      const fromSource = parseAttendeeReply(text);
      same(compiled.parseAttendeeReply(text), fromSource);
      same(compiled.parseCommand(text, 'dieuphoi_bot'), parseCommand(text, 'dieuphoi_bot'));
      attendees += JSON.stringify(fromSource).split('"name"').length - 1;
    }
    expect(attendees).toBeGreaterThan(300);
  });

  it('reads every report message as the sources do', () => {
    const kinds = new Set<string>();
    for (const { text } of reportCorpus) {
      const kind = classifyReportText(text);
      kinds.add(kind);
      expect(compiled.classifyReportText(text)).toBe(kind);
      same(compiled.reportSubjects(text), reportSubjects(text));
    }
    expect([...kinds].sort()).toEqual(['maybe', 'none', 'report']);
  });

  it('reads the seeds’ plans and agenda as the sources do', () => {
    const seeds = join(root, 'tests', 'fixtures', 'seeds');
    const opts = { now: new Date('2024-10-01T03:00:00Z'), tz: 'Asia/Ho_Chi_Minh' };
    const files = readdirSync(seeds).filter((f) => f.endsWith('.txt'));
    expect(files.length).toBe(3);
    for (const f of files) {
      const text = readFileSync(join(seeds, f), 'utf8');
      same(compiled.extractPlan(text, opts), extractPlan(text, opts));
    }
    const agenda = parseAgendaText(SEED000_AGENDA_TEXT);
    expect(agenda.length).toBeGreaterThan(5);
    same(compiled.parseAgendaText(SEED000_AGENDA_TEXT), agenda);
  });
});

describe('the compiled service', () => {
  it('starts on PGlite and answers: health, the OpenAPI document, a validation error in Vietnamese', async () => {
    const out = join(dir, 'svc');
    await bundle([join(root, 'src', 'main.node.ts')], out);
    const port = await freePort();
    const admin = 'bundle-test-admin-token-0123456789';
    const child = spawn(process.execPath, [...startScript(root).flags, join(out, 'main.node.js')], {
      cwd: root,
      env: {
        ...startScript(root).env,
        PATH: process.env.PATH,
        PORT: String(port),
        DATA_DIR: join(dir, 'data'),
        ADMIN_TOKEN: admin,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    const base = `http://127.0.0.1:${port}`;
    const auth = { authorization: `Bearer ${admin}` };
    try {
      let health: Response | null = null;
      for (let i = 0; i < 300 && !health?.ok; i++) {
        health = await fetch(`${base}/healthz`).catch(() => null);
        if (!health?.ok) await new Promise((r) => setTimeout(r, 50));
      }
      expect(health?.status, log).toBe(200);
      expect(await health!.json()).toMatchObject({ ok: true, db: 'pglite' });

      const spec = (await (await fetch(`${base}/api/openapi.json`, { headers: auth })).json()) as {
        openapi: string;
        paths: Record<string, unknown>;
      };
      expect(spec.openapi).toBe('3.1.0');
      expect(Object.keys(spec.paths)).toEqual(
        expect.arrayContaining(['/api/units', '/api/events']),
      );

      const bad = await fetch(`${base}/api/units`, {
        method: 'PUT',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ units: 'không phải danh sách' }),
      });
      expect(bad.status).toBe(400);
      const body = (await bad.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('invalid_body');
      expect(body.error.message).toMatch(/không hợp lệ/);

      const units = (await (
        await fetch(`${base}/api/units`, { headers: auth })
      ).json()) as unknown[];
      expect(units.length).toBeGreaterThan(100); // the seed's Phụ lục 1, written through Kysely
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  }, 60_000);
});
