/**
 * `npm run bench`: four figures against a real Postgres, in a fresh database that is dropped at
 * the end. Prints a table of each figure against issue 18's aims, with the machine's other load, on
 * stdout (progress on stderr), and writes the whole JSON to bench/results/<ISO time>.json and
 * bench/results/latest.json; older result files are removed (git keeps the history). See
 * bench/README.md.
 *
 * Environment:
 *   BENCH_DATABASE_URL   server to use (default postgres://postgres@127.0.0.1:5432/postgres);
 *                        a database dieu_phoi_bench_<ts> is created there and dropped afterwards
 *   BENCH_ONLY           comma list of sections (inbound,broadcast,scheduler,footprint); default all
 *   BENCH_UPDATES        inbound updates measured (default 20000), BENCH_WARMUP (default 2000)
 *   BENCH_PROFILE        auto (default: profile the inbound path when its aim is missed) | on | off
 *   BENCH_KEEP_DB=1      keep the database for inspection
 *   BENCH_PROCESSED_ROWS fill processed_updates with this many rows before inbound and scheduler
 *   BENCH_JSON=1         print the JSON on stdout instead of the table
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { execFileSync, spawn } from 'node:child_process';
import { startScript } from '../src/build.mjs';
import pg from 'pg';
import { benchBroadcast } from './broadcast';
import { benchFootprint } from './footprint';
import { benchInbound } from './inbound';
import { benchScheduler } from './scheduler';
import { isLoopback, machine, note, round, setBenchDatabase, withDatabase } from './lib';

const SECTIONS = ['inbound', 'broadcast', 'scheduler', 'footprint'] as const;
type Section = (typeof SECTIONS)[number];

function intEnv(name: string, fallback: number): number {
  const v = process.env[name];
  if (!v) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer`);
  return n;
}

function git(): { commit: string | null; dirty: boolean | null } {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    const dirty =
      execFileSync('git', ['status', '--porcelain'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim().length > 0;
    return { commit, dirty };
  } catch {
    return { commit: null, dirty: null };
  }
}

async function main(serviceProcess: { flags: string[]; env: Record<string, string> }) {
  const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const only = (process.env.BENCH_ONLY ?? SECTIONS.join(','))
    .split(',')
    .map((s) => s.trim()) as Section[];
  for (const s of only)
    if (!SECTIONS.includes(s)) throw new Error(`BENCH_ONLY: unknown section ${s}`);
  const profile = (process.env.BENCH_PROFILE ?? 'auto') as 'auto' | 'on' | 'off';
  const started = new Date();
  const stamp = started
    .toISOString()
    .replace(/:/g, '-')
    .replace(/\.\d+Z$/, 'Z');
  const resultsDir = new URL('./results/', import.meta.url).pathname;
  await mkdir(resultsDir, { recursive: true });

  const dbName = `dieu_phoi_bench_${started.getTime()}`;
  setBenchDatabase(dbName);
  const admin = new pg.Pool({ connectionString: serverUrl, max: 1 });
  const m = machine();
  const version = await admin.query<{ v: string }>('SELECT version() AS v');
  const settings = await admin.query<{ name: string; setting: string; unit: string | null }>(
    `SELECT name, setting, unit FROM pg_settings WHERE name IN ('shared_buffers','synchronous_commit','fsync','max_connections','work_mem','wal_level','full_page_writes')`,
  );
  m.postgres = {
    version: version.rows[0]!.v,
    host: isLoopback(serverUrl)
      ? 'same machine (loopback): shares the CPUs with the service and the load generator'
      : new URL(serverUrl).hostname,
    settings: Object.fromEntries(
      settings.rows.map((r) => [r.name, r.unit ? `${r.setting} ${r.unit}` : r.setting]),
    ),
  };
  note(`creating database ${dbName}`);
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = withDatabase(serverUrl, dbName);

  let dropped = false;
  const drop = async () => {
    if (dropped || process.env.BENCH_KEEP_DB === '1') return;
    dropped = true;
    note(`dropping database ${dbName}`);
    await admin
      .query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)
      .catch((e: unknown) => note(`could not drop ${dbName}: ${String(e)}`));
  };
  process.once('SIGINT', () => {
    void drop().finally(() => process.exit(130));
  });

  const result: Record<string, unknown> = {
    bench: 'dieu-phoi',
    startedAt: started.toISOString(),
    git: git(),
    machine: m,
    serviceProcess,
    database: { name: dbName, dropped: process.env.BENCH_KEEP_DB !== '1' },
  };
  const aims: Array<{ figure: string; aim: string; value: string; met: boolean | null }> = [];
  try {
    // First, on a quiet machine: after the other sections Postgres (on the same cores) is still
    // vacuuming and checkpointing their millions of rows, which slows the starts being timed.
    if (only.includes('footprint')) {
      const r = await benchFootprint({ url });
      result.footprint = r;
      aims.push({ figure: 'footprint', aim: r.aim, value: r.summary, met: r.met });
    }
    if (only.includes('inbound')) {
      const r = await benchInbound({
        url,
        groups: 500,
        updates: intEnv('BENCH_UPDATES', 20_000),
        warmup: intEnv('BENCH_WARMUP', 2_000),
        concurrency: 32,
        profile,
        profileUpdates: 3_000,
        resultsDir,
        stamp,
      });
      result.inbound = r;
      aims.push({
        figure: 'inbound',
        aim: r.aim,
        value: `${r.updatesPerSecond} updates/s, p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms (raw inserts ${r.raw.servicePoolSize.insertsPerSecond}/s, ratio ${r.ratioServiceToRaw})`,
        met: r.met,
      });
    }
    if (only.includes('broadcast')) {
      const r = await benchBroadcast({ url, groups: 1000 });
      result.broadcast = r;
      aims.push({
        figure: 'broadcast',
        aim: r.aim,
        value: `${r.seconds} s for ${r.groups} groups = ${r.ratioToBound}× the bound; lost ${r.lost}, twice ${r.duplicated}, violations ${r.violations}`,
        met: r.met,
      });
    }
    if (only.includes('scheduler')) {
      const r = await benchScheduler({ url, profile });
      result.scheduler = r;
      aims.push({ figure: 'scheduler', aim: r.aim, value: r.summary, met: r.met });
    }
  } finally {
    await drop();
    await admin.end();
  }
  result.aims = aims;
  result.allAimsMet = aims.filter((a) => a.met !== null).every((a) => a.met);
  result.durationSeconds = round((Date.now() - started.getTime()) / 1000, 1);
  result.machine = { ...m, loadAverageAtEnd: loadavg().map((x) => round(x, 2)) };
  const json = JSON.stringify(result, null, 2);
  for (const f of await readdir(resultsDir))
    if (/^(inbound-)?\d{4}-.*\.(json|cpuprofile)$/.test(f) && !f.includes(stamp))
      await rm(`${resultsDir}${f}`, { force: true });
  await writeFile(`${resultsDir}${stamp}.json`, json + '\n');
  await writeFile(`${resultsDir}latest.json`, json + '\n');
  process.stdout.write(process.env.BENCH_JSON === '1' ? json + '\n' : glance(result, stamp));
}

type Row = [
  figure: string,
  value: number | null,
  unit: string,
  aim: number,
  better: 'low' | 'high',
];

/** One line per figure of issue 18's table: what was measured here, the aim, met or not. */
function glance(r: Record<string, any>, stamp: string): string {
  const fp = r.footprint;
  const inbound = r.inbound;
  const sched = r.scheduler;
  const max = (...xs: Array<number | undefined>) =>
    xs.some((x) => typeof x === 'number')
      ? Math.max(...xs.filter((x) => typeof x === 'number'))
      : null;
  const rows: Row[] = [
    ['PGlite first start → /healthz', fp?.pglite.firstStartMs ?? null, 'ms', 2_500, 'low'],
    ['PGlite restart → /healthz', fp?.pglite.restartMs ?? null, 'ms', 1_200, 'low'],
    [
      'PGlite idle RSS, process tree',
      max(fp?.pglite.idleRssMiBAfter5s, fp?.pglite.idleRssMiBAfter5sOnRestart),
      'MiB',
      150,
      'low',
    ],
    [
      'PGlite peak RSS, process tree',
      max(fp?.pglite.peakRssMiB, fp?.pglite.peakRssMiBOnRestart),
      'MiB',
      300,
      'low',
    ],
    [
      'Postgres idle RSS, process tree',
      max(fp?.postgres.idleRssMiBAfter5s, fp?.postgres.idleRssMiBAfter5sOnRestart),
      'MiB',
      100,
      'low',
    ],
    ['inbound ÷ raw inserts (same run)', inbound?.ratioServiceToRaw ?? null, '×', 0.2, 'high'],
    ['inbound p99 at 32 in flight', inbound?.latencyMs.p99 ?? null, 'ms', 50, 'low'],
    ['tick with 100 due jobs', sched?.due100?.ms ?? null, 'ms', 100, 'low'],
    [
      'tick with 10,000 due reminders',
      sched?.due10000?.ms ?? sched?.due10k?.ms ?? null,
      'ms',
      5_000,
      'low',
    ],
  ];
  const cells = rows.map(([figure, value, unit, aim, better]) => [
    figure,
    value === null ? 'not measured' : `${value} ${unit}`,
    `${better === 'low' ? '≤' : '≥'} ${aim} ${unit}`,
    value === null ? '—' : (better === 'low' ? value <= aim : value >= aim) ? 'met' : 'MISSED',
  ]);
  const head = ['figure (issue 18)', 'here', 'aim', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c
      .map((x, i) => x.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const m = r.machine;
  const other = inbound?.cpuDuringMeasure?.otherLoadCores;
  return [
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...cells.map(line),
    '',
    `machine: ${cpus().length} CPUs (${m.cpuModel}), load average ${m.loadAverageAtStart.join(' ')} at start, ${m.loadAverageAtEnd.join(' ')} at end` +
      (typeof other === 'number'
        ? `; other work used ${other} cores while inbound was measured`
        : ''),
    ...(inbound?.ceiling ? [ceilingLine(inbound.ceiling)] : []),
    `processed_updates rows before measuring: ${inbound?.setup?.processedUpdatesRows ?? sched?.processedUpdatesRows ?? 0}`,
    `full results: bench/results/${stamp}.json (and latest.json)`,
    '',
  ].join('\n');
}

/** What the inbound ratio could reach on this machine at today's CPU cost per update. */
function ceilingLine(c: {
  cpuMsPerUpdate: { service: number; postgres: number };
  ratioToRaw: Record<string, number | null>;
}): string {
  const r = c.ratioToRaw;
  return (
    `inbound ceiling here (× raw inserts): one service process at a full core ${r.oneServiceProcessAtFullCore}, ` +
    `every core busy ${r.allCoresBusy} (service ${c.cpuMsPerUpdate.service} ms + Postgres ${c.cpuMsPerUpdate.postgres} ms CPU per update); ` +
    `database side alone ${r.databaseSideAloneToday ?? '—'} today, ${r.databaseSideAloneOneWrite ?? '—'} in one write; ` +
    `web layer alone ${r.webLayerAlone ?? '—'}; web layer + one write, every core busy ${r.webLayerPlusOneWriteAllCoresBusy ?? '—'}`
  );
}

/**
 * The inbound, broadcast and scheduler sections run the service inside this process, so this
 * process runs as `npm start` runs it: with the start script's V8 flags (a small young
 * generation, which keeps the idle footprint in its aim and costs the webhook CPU) and its
 * allocator settings. Without them the bench measured a faster process than the one users run.
 */
function asStarted(): { flags: string[]; env: Record<string, string> } | null {
  const start = startScript(new URL('../', import.meta.url).pathname);
  if (process.env.BENCH_AS_STARTED === '1') return start;
  const child = spawn(
    process.execPath,
    [...start.flags, ...process.execArgv, ...process.argv.slice(1)],
    { stdio: 'inherit', env: { ...process.env, ...start.env, BENCH_AS_STARTED: '1' } },
  );
  // Ctrl-C reaches the child too (same process group); it drops its database before exiting.
  process.on('SIGINT', () => {});
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  return null;
}

const started = asStarted();
if (started)
  main(started).then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
