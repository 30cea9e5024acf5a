/**
 * Figure 4 — footprint: `node --import tsx src/main.node.ts` as an operator starts it; time from
 * spawn until GET /healthz answers 200, and resident memory (VmRSS) after 5 s idle. On PGlite
 * (no DATABASE_URL, fresh DATA_DIR) and on Postgres (DATABASE_URL to the bench database). The
 * first start on empty storage includes creating the database files (PGlite) and migrating;
 * a restart on the same storage is measured the same way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { note, round, sleep } from './lib';

const ROOT = new URL('../', import.meta.url).pathname;
const IDLE_MS = 5_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function memory(pid: number): Promise<{ rssMiB: number; peakRssMiB: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rssMiB: round(kb('VmRSS') / 1024, 1), peakRssMiB: round(kb('VmHWM') / 1024, 1) };
}

interface Started {
  child: ChildProcess;
  startMs: number;
  output: () => string;
}

async function start(env: Record<string, string>): Promise<Started> {
  const port = await freePort();
  const clean = { ...process.env };
  for (const k of Object.keys(clean))
    if (
      /^(DATABASE_URL|TELEGRAM_|ZALO|PUBLIC_URL|PORT|DATA_DIR|ADMIN_TOKEN|SCHEDULER_TICK|LOG_LEVEL)/.test(
        k,
      )
    )
      delete clean[k];
  let out = '';
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.node.ts'], {
    cwd: ROOT,
    env: { ...clean, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`service exited during start (code ${child.exitCode}):\n${out.slice(-2000)}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`, {
        signal: AbortSignal.timeout(1000),
      });
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`service did not answer /healthz within 60 s:\n${out.slice(-2000)}`);
    }
    await sleep(20);
  }
  return { child, startMs: performance.now() - t0, output: () => out };
}

async function stop(s: Started): Promise<number> {
  const t0 = performance.now();
  const exited = new Promise<void>((r) => s.child.once('exit', () => r()));
  s.child.kill('SIGTERM');
  await Promise.race([exited, sleep(20_000)]);
  if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
  return performance.now() - t0;
}

async function measure(engine: 'pglite' | 'postgres', env: Record<string, string>) {
  note(`footprint: ${engine} — first start, ${IDLE_MS / 1000} s idle, restart`);
  const first = await start(env);
  await sleep(IDLE_MS);
  const mem = await memory(first.child.pid!);
  const stopMs = await stop(first);
  const again = await start(env);
  await sleep(IDLE_MS);
  const memAgain = await memory(again.child.pid!);
  await stop(again);
  return {
    firstStartMs: round(first.startMs, 0),
    idleRssMiBAfter5s: mem.rssMiB,
    peakRssMiB: mem.peakRssMiB,
    restartMs: round(again.startMs, 0),
    idleRssMiBAfter5sOnRestart: memAgain.rssMiB,
    peakRssMiBOnRestart: memAgain.peakRssMiB,
    gracefulStopMs: round(stopMs, 0),
  };
}

export async function benchFootprint(o: { url: string }) {
  const dir = await mkdtemp(join(tmpdir(), 'dieu-phoi-footprint-'));
  try {
    const base = { ADMIN_TOKEN: 'bench-admin-token-0123456789', LOG_LEVEL: 'warn' };
    const pglite = await measure('pglite', { ...base, DATA_DIR: join(dir, 'pglite') });
    const postgres = await measure('postgres', {
      ...base,
      DATA_DIR: join(dir, 'pg'),
      DATABASE_URL: o.url,
    });
    const ref = { startMs: 5_000, rssMiB: 256 };
    const within = (r: typeof pglite) => ({
      start: r.firstStartMs <= ref.startMs && r.restartMs <= ref.startMs,
      idleRss: r.idleRssMiBAfter5s <= ref.rssMiB && r.idleRssMiBAfter5sOnRestart <= ref.rssMiB,
    });
    return {
      aim: `none set by issue 9 (reported only); for orientation the bench compares with start ≤ ${ref.startMs / 1000} s and idle RSS ≤ ${ref.rssMiB} MiB`,
      met: null,
      withinReference: { pglite: within(pglite), postgres: within(postgres) },
      summary:
        `PGlite: start ${pglite.firstStartMs} ms, idle RSS ${pglite.idleRssMiBAfter5s} MiB (restart ${pglite.restartMs} ms, ${pglite.idleRssMiBAfter5sOnRestart} MiB); ` +
        `Postgres: start ${postgres.firstStartMs} ms, idle RSS ${postgres.idleRssMiBAfter5s} MiB (restart ${postgres.restartMs} ms, ${postgres.idleRssMiBAfter5sOnRestart} MiB)`,
      command: 'node --import tsx src/main.node.ts (no platform token; sandbox on), LOG_LEVEL=warn',
      pglite,
      postgres,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
