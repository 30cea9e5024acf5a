/**
 * Figure 4 — footprint: the service started the way `npm start` starts it (the command is read from
 * package.json); time from spawn until GET /healthz answers 200, and the resident memory of the
 * whole process tree (the service and any child it spawns), sampled every 25 ms from spawn (peak)
 * and after 5 s idle. npm's own wrapper process (≈ 65 MiB) is not counted. On PGlite
 * (no DATABASE_URL, fresh DATA_DIR) and on Postgres (DATABASE_URL to the bench database). The
 * first start on empty storage includes creating the database files (PGlite) and migrating;
 * a restart on the same storage is measured the same way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { note, round, sleep } from './lib';
import { startScript } from '../src/build.mjs';

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

/** The pid and its descendants, from /proc. */
function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length) {
    const pid = queue.pop()!;
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

function treeRssMiB(root: number): number {
  let kb = 0;
  for (const pid of processTree(root)) {
    try {
      kb += Number(
        /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0,
      );
    } catch {
      // gone meanwhile
    }
  }
  return kb / 1024;
}

/** The start script as the bench runs it: its environment, then node with its flags. */
function commandLine(): string {
  const { env, flags } = startScript(ROOT);
  const vars = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  return [...vars, 'node', ...flags, 'src/start.mjs'].join(' ');
}

interface Started {
  child: ChildProcess;
  startMs: number;
  output: () => string;
  /** Largest whole-tree RSS seen so far (MiB). */
  peak: () => number;
  stopSampling: () => void;
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
  const start = startScript(ROOT);
  const child = spawn(process.execPath, [...start.flags, 'src/start.mjs'], {
    cwd: ROOT,
    env: { ...clean, ...start.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, treeRssMiB(child.pid!))), 25);
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
  return {
    child,
    startMs: performance.now() - t0,
    output: () => out,
    peak: () => Math.max(peak, treeRssMiB(child.pid!)),
    stopSampling: () => clearInterval(sampler),
  };
}

async function stop(s: Started): Promise<number> {
  s.stopSampling();
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
  const idle = treeRssMiB(first.child.pid!);
  const peak = first.peak();
  const stopMs = await stop(first);
  const again = await start(env);
  await sleep(IDLE_MS);
  const idleAgain = treeRssMiB(again.child.pid!);
  const peakAgain = again.peak();
  await stop(again);
  return {
    firstStartMs: round(first.startMs, 0),
    idleRssMiBAfter5s: round(idle, 1),
    peakRssMiB: round(peak, 1),
    restartMs: round(again.startMs, 0),
    idleRssMiBAfter5sOnRestart: round(idleAgain, 1),
    peakRssMiBOnRestart: round(peakAgain, 1),
    gracefulStopMs: round(stopMs, 0),
  };
}

/** Issue 18's aims. */
export const FOOTPRINT_AIMS = {
  pgliteFirstStartMs: 2_500,
  pgliteRestartMs: 1_200,
  pgliteIdleMiB: 150,
  pglitePeakMiB: 300,
  postgresIdleMiB: 100,
};

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
    const a = FOOTPRINT_AIMS;
    const met = {
      pgliteFirstStart: pglite.firstStartMs <= a.pgliteFirstStartMs,
      pgliteRestart: pglite.restartMs <= a.pgliteRestartMs,
      pgliteIdle:
        Math.max(pglite.idleRssMiBAfter5s, pglite.idleRssMiBAfter5sOnRestart) <= a.pgliteIdleMiB,
      pglitePeak: Math.max(pglite.peakRssMiB, pglite.peakRssMiBOnRestart) <= a.pglitePeakMiB,
      postgresIdle:
        Math.max(postgres.idleRssMiBAfter5s, postgres.idleRssMiBAfter5sOnRestart) <=
        a.postgresIdleMiB,
    };
    return {
      aim: `PGlite first start ≤ ${a.pgliteFirstStartMs / 1000} s, restart ≤ ${a.pgliteRestartMs / 1000} s, idle ≤ ${a.pgliteIdleMiB} MiB, peak ≤ ${a.pglitePeakMiB} MiB; Postgres idle ≤ ${a.postgresIdleMiB} MiB (whole process tree)`,
      met: Object.values(met).every(Boolean),
      metEach: met,
      summary:
        `PGlite: start ${pglite.firstStartMs} ms, idle ${pglite.idleRssMiBAfter5s} MiB, peak ${pglite.peakRssMiB} MiB (restart ${pglite.restartMs} ms, ${pglite.idleRssMiBAfter5sOnRestart} MiB, peak ${pglite.peakRssMiBOnRestart} MiB); ` +
        `Postgres: start ${postgres.firstStartMs} ms, idle ${postgres.idleRssMiBAfter5s} MiB (restart ${postgres.restartMs} ms, ${postgres.idleRssMiBAfter5sOnRestart} MiB)`,
      command: `${commandLine()} (package.json start, without npm's wrapper; no platform token; sandbox on), LOG_LEVEL=warn`,
      pglite,
      postgres,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
