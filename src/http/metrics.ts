import type { Db } from '../db/types';

export interface MetricsSources {
  db: Db;
  workers: () => Array<{
    platform: string;
    holder: boolean;
    stats: { sent: number; failed: number; retried: number; rateLimited: number };
  }>;
  tick: () => { ms: number | null };
  channels: () => Record<string, Record<string, unknown>>;
}

const line = (name: string, labels: Record<string, string>, value: number) =>
  `${name}{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v.replace(/"/g, '')}"`)
    .join(',')}} ${value}`;

/** Prometheus text: outbox depth by state, sends and 429s per platform, tick duration, listener state. */
export async function renderMetrics(src: MetricsSources): Promise<string> {
  const depth = await src.db
    .selectFrom('outbox')
    .select(['platform', 'state', (eb) => eb.fn.countAll<number>().as('n')])
    .where('state', 'in', ['queued', 'sending', 'failed'])
    .groupBy(['platform', 'state'])
    .execute();
  const out: string[] = [
    '# HELP dieuphoi_outbox_rows Outbox rows by platform and state',
    '# TYPE dieuphoi_outbox_rows gauge',
  ];
  for (const d of depth)
    out.push(line('dieuphoi_outbox_rows', { platform: d.platform, state: d.state }, Number(d.n)));
  out.push(
    '# HELP dieuphoi_sends_total Deliveries by this instance',
    '# TYPE dieuphoi_sends_total counter',
  );
  for (const w of src.workers()) {
    out.push(line('dieuphoi_sends_total', { platform: w.platform, result: 'sent' }, w.stats.sent));
    out.push(
      line('dieuphoi_sends_total', { platform: w.platform, result: 'failed' }, w.stats.failed),
    );
    out.push(
      line('dieuphoi_sends_total', { platform: w.platform, result: 'retried' }, w.stats.retried),
    );
    out.push(line('dieuphoi_rate_limited_total', { platform: w.platform }, w.stats.rateLimited));
    out.push(line('dieuphoi_outbox_lease_held', { platform: w.platform }, w.holder ? 1 : 0));
  }
  const tick = src.tick().ms;
  if (tick !== null)
    out.push('# TYPE dieuphoi_tick_duration_ms gauge', line('dieuphoi_tick_duration_ms', {}, tick));
  const zalo = src.channels().zalo;
  if (zalo) out.push(line('dieuphoi_zalo_listener_connected', {}, zalo.connectedSince ? 1 : 0));
  return out.join('\n') + '\n';
}
