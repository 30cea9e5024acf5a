/**
 * In-process CPU profile (node:inspector, the same sampler as `node --cpu-prof`) and a summary
 * of where the time went: self time by package/area and by function, inclusive time of our own
 * functions, and how much of the wall time the event loop was idle (waiting on Postgres).
 */
import { Session } from 'node:inspector/promises';
import { writeFile } from 'node:fs/promises';
import { round } from './lib';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export class Profiler {
  private session = new Session();

  async start(intervalUs = 250): Promise<void> {
    this.session.connect();
    await this.session.post('Profiler.enable');
    await this.session.post('Profiler.setSamplingInterval', { interval: intervalUs });
    await this.session.post('Profiler.start');
  }

  async stop(): Promise<CpuProfile> {
    const { profile } = (await this.session.post('Profiler.stop')) as unknown as {
      profile: CpuProfile;
    };
    await this.session.post('Profiler.disable');
    this.session.disconnect();
    return profile;
  }
}

const ROOT = new URL('../', import.meta.url).href;

/** Which area a frame belongs to: a package, a folder of ours, node's internals, or V8's pseudo-frames. */
export function areaOf(f: CallFrame): string {
  const url = f.url;
  if (!url) {
    if (f.functionName.startsWith('(')) return f.functionName; // (garbage collector), (idle), (program)
    return 'v8/native';
  }
  if (url.startsWith('node:')) {
    const m = /^node:(?:internal\/)?([a-z_]+)/.exec(url);
    return `node:${m?.[1] ?? url.slice(5)}`;
  }
  const rel = url.startsWith(ROOT) ? url.slice(ROOT.length) : url;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(rel);
  if (pkg) return `npm:${pkg[1]}`;
  const ours = /^(src\/[a-z-]+(?:\/[a-z-]+)?|bots\/[a-z-]+|bench|tests\/[a-z]+)/.exec(rel);
  if (ours) return ours[1]!.replace(/\.ts$/, '');
  return rel;
}

function frameKey(f: CallFrame): string {
  const rel = f.url.startsWith(ROOT)
    ? f.url.slice(ROOT.length)
    : f.url.replace(/^.*node_modules\//, '');
  return rel ? `${f.functionName || '(anonymous)'} ${rel}` : f.functionName || '(native)';
}

/** Our code or a package: the level at which a sample is charged in `byOwner`. */
const isOwner = (area: string) =>
  area.startsWith('npm:') || area.startsWith('src/') || area.startsWith('bots/');

export interface ProfileSummary {
  wallMs: number;
  sampledMs: number;
  idleShare: number;
  gcShare: number;
  byArea: Array<{ area: string; selfMs: number; share: number }>;
  /** Each sample charged to the nearest frame of our code or of a package (so socket writes, JSON, GC-free natives count for their caller). */
  byOwner: Array<{ owner: string; ms: number; share: number }>;
  topSelf: Array<{ fn: string; area: string; selfMs: number; share: number }>;
  /** Inclusive (self + callees) time of our own functions: src/ and bots/. */
  topInclusiveOurs: Array<{ fn: string; inclusiveMs: number; share: number }>;
}

export function summarizeProfile(p: CpuProfile, top = 15): ProfileSummary {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  // timeDeltas[i] is the time before sample i; attribute it to sample i's node (as DevTools does).
  let sampled = 0;
  const inclusive = new Map<string, number>();
  const owners = new Map<string, number>();
  for (let i = 0; i < p.samples.length; i++) {
    const id = p.samples[i]!;
    const dt = (p.timeDeltas[i + 1] ?? p.timeDeltas[i] ?? 0) / 1000;
    sampled += dt;
    self.set(id, (self.get(id) ?? 0) + dt);
    const seen = new Set<string>();
    let owner: string | null = null;
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)!.callFrame;
      const area = areaOf(f);
      if (owner === null && isOwner(area)) owner = area;
      if (!(area.startsWith('src/') || area.startsWith('bots/'))) continue;
      const k = frameKey(f);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + dt);
    }
    const o = owner ?? areaOf(byId.get(id)!.callFrame);
    owners.set(o, (owners.get(o) ?? 0) + dt);
  }
  const areas = new Map<string, number>();
  const fns = new Map<string, { area: string; ms: number }>();
  for (const [id, ms] of self) {
    const f = byId.get(id)!.callFrame;
    const area = areaOf(f);
    areas.set(area, (areas.get(area) ?? 0) + ms);
    const k = frameKey(f);
    const cur = fns.get(k) ?? { area, ms: 0 };
    cur.ms += ms;
    fns.set(k, cur);
  }
  const share = (ms: number) => round(ms / sampled, 3);
  const idle = areas.get('(idle)') ?? 0;
  const gc = areas.get('(garbage collector)') ?? 0;
  return {
    wallMs: round((p.endTime - p.startTime) / 1000, 0),
    sampledMs: round(sampled, 0),
    idleShare: share(idle),
    gcShare: share(gc),
    byArea: [...areas]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 25)
      .map(([area, ms]) => ({ area, selfMs: round(ms, 0), share: share(ms) })),
    byOwner: [...owners]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 20)
      .map(([owner, ms]) => ({ owner, ms: round(ms, 0), share: share(ms) })),
    topSelf: [...fns]
      .filter(([k]) => !k.startsWith('(idle)'))
      .sort((a, b) => b[1].ms - a[1].ms)
      .slice(0, top)
      .map(([fn, v]) => ({ fn, area: v.area, selfMs: round(v.ms, 0), share: share(v.ms) })),
    topInclusiveOurs: [...inclusive]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([fn, ms]) => ({ fn, inclusiveMs: round(ms, 0), share: share(ms) })),
  };
}

export async function saveProfile(path: string, p: CpuProfile): Promise<void> {
  await writeFile(path, JSON.stringify(p));
}
