/**
 * Small helpers shared by the bench sections: percentiles, machine facts, CPU accounting from
 * /proc, a stderr logger (stdout carries the JSON only) and database/schema plumbing.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type as osType, platform, arch } from 'node:os';
import { sql } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import type { Logger } from '../src/log';
import { openPostgres, type DbHandle } from '../src/db/client';
import type { Db } from '../src/db/types';
import { migrateToLatest } from '../src/db/migrate';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Progress lines go to stderr so stdout stays one JSON document. */
export function note(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** The service's logger at warn, on stderr. */
export function benchLogger(level = process.env.BENCH_LOG_LEVEL ?? 'warn'): Logger {
  return pino({ level, base: undefined }, pino.destination(2));
}

export const round = (n: number, digits = 1): number => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

/** Nearest-rank percentiles of a sample (sorted copy). */
export function summarize(values: ArrayLike<number>): {
  n: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  min: number;
} {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  if (n === 0) return { n, mean: 0, p50: 0, p90: 0, p99: 0, max: 0, min: 0 };
  const at = (p: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))]!;
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    n,
    mean: round(sum / n, 2),
    p50: round(at(50), 2),
    p90: round(at(90), 2),
    p99: round(at(99), 2),
    max: round(sorted[n - 1]!, 2),
    min: round(sorted[0]!, 2),
  };
}

// ------------------------------------------------------------------ machine

export interface Machine {
  os: string;
  kernel: string;
  arch: string;
  cpuModel: string;
  cpuCount: number;
  memoryGiB: number;
  node: string;
  loadAverageAtStart: number[];
  postgres?: { version: string; host: string; settings: Record<string, string> };
}

export function machine(): Machine {
  let os = `${osType()} ${release()}`;
  try {
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1];
    if (pretty) os = `${pretty} (${platform()})`;
  } catch {
    // not Linux
  }
  const list = cpus();
  return {
    os,
    kernel: release(),
    arch: arch(),
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cpuCount: list.length,
    memoryGiB: round(totalmem() / 1024 ** 3, 1),
    node: process.version,
    loadAverageAtStart: loadavg().map((x) => round(x, 2)),
  };
}

// ------------------------------------------------------------------ CPU accounting (Linux /proc)

const TICK_MS = 10; // CLK_TCK = 100 on Linux

/** utime + stime of a process, ms; 0 when it is gone or unreadable. */
export function procCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); utime is field 14, stime field 15.
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/**
 * Pids of the local Postgres server's processes (same host only), with the database a backend
 * serves when its title names one ("postgres: 15/main: user db 127.0.0.1(…) idle").
 */
export function postgresPids(): Array<{ pid: number; database: string | null }> {
  const out: Array<{ pid: number; database: string | null }> = [];
  try {
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        if (readFileSync(`/proc/${d}/comm`, 'utf8').trim() !== 'postgres') continue;
        const title = readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
        const m = /^postgres: [^:]+: \S+ (\S+) (?:\d|\[|localhost|\S+\()/.exec(title);
        out.push({ pid: Number(d), database: m ? m[1]! : null });
      } catch {
        // exited meanwhile
      }
    }
  } catch {
    // no /proc
  }
  return out;
}

/** The bench's database name: backends serving it count as ours, others as the machine's other load. */
let benchDatabase = '';
export function setBenchDatabase(name: string): void {
  benchDatabase = name;
}

/** Whole-machine busy and total CPU time, ms (all cores). */
export function machineCpuMs(): { busy: number; total: number } {
  try {
    const line = readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]!
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const idle = (line[3] ?? 0) + (line[4] ?? 0);
    const total = line.reduce((s, x) => s + x, 0);
    return { busy: (total - idle) * TICK_MS, total: total * TICK_MS };
  } catch {
    return { busy: 0, total: 0 };
  }
}

export interface CpuSnapshot {
  at: number;
  self: number;
  others: Map<number, number>;
  postgres: Map<number, { ms: number; kind: 'bench' | 'server' | 'otherDb' }>;
  machine: { busy: number; total: number };
}

export function cpuSnapshot(otherPids: number[]): CpuSnapshot {
  const u = process.cpuUsage();
  const kind = (db: string | null) =>
    db === null ? 'server' : db === benchDatabase ? 'bench' : 'otherDb';
  return {
    at: performance.now(),
    self: (u.user + u.system) / 1000,
    others: new Map(otherPids.map((p) => [p, procCpuMs(p)])),
    postgres: new Map(
      postgresPids().map((p) => [p.pid, { ms: procCpuMs(p.pid), kind: kind(p.database) }]),
    ),
    machine: machineCpuMs(),
  };
}

/**
 * CPU used between two snapshots, as "cores busy" (1.0 = one core fully used) for this process,
 * the other named processes and all local Postgres processes; plus the whole machine.
 */
export function cpuBetween(
  a: CpuSnapshot,
  b: CpuSnapshot,
  names: Record<number, string>,
): Record<string, number> {
  const wall = b.at - a.at;
  const cores = (ms: number) => round(ms / wall, 2);
  const out: Record<string, number> = { thisProcessCores: cores(b.self - a.self) };
  for (const [pid, ms] of b.others)
    out[`${names[pid] ?? pid}Cores`] = cores(ms - (a.others.get(pid) ?? 0));
  const pg = { bench: 0, server: 0, otherDb: 0 };
  for (const [pid, v] of b.postgres) pg[v.kind] += v.ms - (a.postgres.get(pid)?.ms ?? 0);
  out.postgresBackendsOfBenchDbCores = cores(pg.bench);
  out.postgresServerProcessesCores = cores(pg.server);
  out.postgresOtherDatabasesCores = cores(pg.otherDb);
  const busy = b.machine.busy - a.machine.busy;
  let mine = b.self - a.self + pg.bench + pg.server;
  for (const [pid, ms] of b.others) mine += ms - (a.others.get(pid) ?? 0);
  out.machineBusyCores = cores(busy);
  out.machineCores = round((b.machine.total - a.machine.total) / wall, 2);
  /** CPU taken by everything else on the machine (other work sharing the host during the run). */
  out.otherLoadCores = cores(Math.max(0, busy - mine));
  return out;
}

// ------------------------------------------------------------------ database

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** A pool on one schema of the bench database, migrated; the service's own pool size (10) unless told. */
export async function openSchema(url: string, schema: string, max?: number): Promise<DbHandle> {
  const admin = await openPostgres(url, { max: 1 });
  await admin.db.schema.createSchema(schema).ifNotExists().execute();
  await admin.close();
  const handle = await openPostgres(url, { searchPath: schema, ...(max ? { max } : {}) });
  await migrateToLatest(handle.db, schema);
  return handle;
}

export function isLoopback(url: string): boolean {
  const host = new URL(url).hostname;
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || host === '[::1]';
}

/** Counts every statement sent through node-postgres (BEGIN/COMMIT/SAVEPOINT included) until restored. */
export function countQueries(): { read(): number; restore(): void } {
  const proto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
  const original = proto.query;
  let n = 0;
  proto.query = function (this: unknown, ...a: unknown[]) {
    n++;
    return original.apply(this, a);
  };
  return { read: () => n, restore: () => void (proto.query = original) };
}

/**
 * BENCH_PROCESSED_ROWS=N: fill processed_updates with N rows (spread over the last 30 days, as
 * retention leaves it) before a section measures, to show the hot path and the tick do not
 * depend on that table's size. 10,000,000 rows take about a minute on Postgres.
 */
export async function prefillProcessedUpdates(db: Db): Promise<number> {
  const n = Number(process.env.BENCH_PROCESSED_ROWS ?? 0);
  if (!Number.isInteger(n) || n <= 0) return 0;
  note(`processed_updates: inserting ${n.toLocaleString('en')} rows`);
  await sql`
    INSERT INTO processed_updates (platform, update_key, processed_at)
    SELECT 'telegram', 'prefill:' || g, now() - (g % 2592000) * interval '1 second'
    FROM generate_series(1, ${n}::int) AS g
    ON CONFLICT DO NOTHING`.execute(db);
  await sql`ANALYZE processed_updates`.execute(db);
  return n;
}
