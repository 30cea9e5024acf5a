/**
 * Platform problems the organizers must hear about instead of a silent failure: a Zalo session
 * that needs a new QR login, sending paused because Zalo throttled the account. Kept in the
 * settings row `platform.alerts` (so every instance sees them: dashboard banner, /healthz) and
 * told once per episode to the organizer chats on the other platforms.
 */
import { sql } from 'kysely';
import type { AppContext } from '../app-context';
import type { Trx } from '../db/types';
import { ops } from '../messages/ops';
import type { Platform } from './channel';
import { enqueue } from './outbox/enqueue';

export type PlatformAlertKind = 'login-needed' | 'sending-paused';

export interface PlatformAlert {
  platform: Platform;
  kind: PlatformAlertKind;
  /** ISO instant the episode began. */
  since: string;
  /** ISO instant a pause ends. */
  until?: string;
  reason?: string;
}

const KEY = 'platform.alerts';
/**
 * Pauses that follow one another within this long are one episode: the organizers heard of the
 * first and are not told again at each doubling.
 */
const PAUSE_EPISODE_MS = 24 * 3_600_000;
let cache: PlatformAlert[] = [];

function live(alerts: PlatformAlert[], now: Date): PlatformAlert[] {
  return alerts.filter((a) => !a.until || new Date(a.until) > now);
}

/** Alerts still worth keeping: live ones, and ended pauses still inside their episode. */
function kept(alerts: PlatformAlert[], now: Date): PlatformAlert[] {
  return alerts.filter(
    (a) => !a.until || new Date(a.until).getTime() + PAUSE_EPISODE_MS > now.getTime(),
  );
}

/** The alerts this process knows of (refreshed by loadAlerts); read by the dashboard layout. */
export function currentAlerts(): readonly PlatformAlert[] {
  return live(cache, new Date());
}

export async function loadAlerts(db: Trx, now: Date): Promise<PlatformAlert[]> {
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', KEY)
    .executeTakeFirst();
  cache = Array.isArray(row?.value) ? (row.value as PlatformAlert[]) : [];
  return live(cache, now);
}

async function lockAlerts(trx: Trx): Promise<PlatformAlert[]> {
  await trx
    .insertInto('settings')
    .values({ key: KEY, value: '[]' })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const row = await sql<{
    value: unknown;
  }>`SELECT value FROM settings WHERE key = ${KEY} FOR UPDATE`.execute(trx);
  const v = row.rows[0]?.value;
  return Array.isArray(v) ? (v as PlatformAlert[]) : [];
}

async function saveAlerts(trx: Trx, alerts: PlatformAlert[]): Promise<void> {
  await trx
    .updateTable('settings')
    .set({ value: JSON.stringify(alerts), updated_at: sql`now()` })
    .where('key', '=', KEY)
    .execute();
  cache = alerts;
}

function noticeText(ctx: AppContext, a: PlatformAlert): string {
  return a.kind === 'login-needed'
    ? ops.zaloLoginNeeded()
    : ops.zaloSendingPaused(new Date(a.until!), ctx.timezone);
}

/**
 * Records an alert and, the first time in its episode, tells the active organizer chats on the
 * other platforms (the troubled one may not deliver it). Returns whether this was news.
 */
export async function raiseAlert(
  ctx: AppContext,
  alert: Omit<PlatformAlert, 'since'>,
): Promise<boolean> {
  const now = ctx.clock();
  return ctx.db.transaction().execute(async (trx) => {
    const alerts = kept(await lockAlerts(trx), now);
    const existing = alerts.find((a) => a.platform === alert.platform && a.kind === alert.kind);
    if (existing) {
      // A longer pause within the same episode is recorded, not announced again.
      if (alert.until && (!existing.until || alert.until > existing.until)) {
        existing.until = alert.until;
        if (alert.reason) existing.reason = alert.reason;
      }
      await saveAlerts(trx, alerts);
      return false;
    }
    const added: PlatformAlert = { ...alert, since: now.toISOString() };
    await saveAlerts(trx, [...alerts, added]);
    const chats = await trx
      .selectFrom('chats')
      .select(['id', 'platform', 'external_id'])
      .where('role', '=', 'organizer')
      .where('active', '=', true)
      .where('platform', '!=', alert.platform)
      .execute();
    await enqueue(
      trx,
      chats.map((c) => ({ platform: c.platform, chatExternalId: c.external_id, chatId: c.id })),
      { text: noticeText(ctx, added) },
      { purpose: 'ops', ref: `ops:${alert.platform}:${alert.kind}`, priority: 0 },
    );
    return true;
  });
}

export async function clearAlert(
  ctx: AppContext,
  platform: Platform,
  kind: PlatformAlertKind,
): Promise<void> {
  const now = ctx.clock();
  await ctx.db.transaction().execute(async (trx) => {
    const alerts = kept(await lockAlerts(trx), now);
    const rest = alerts.filter((a) => !(a.platform === platform && a.kind === kind));
    await saveAlerts(trx, rest);
  });
}

/** The pause recorded for a platform, if it has not ended. */
export async function recordedPause(
  ctx: AppContext,
  platform: Platform,
): Promise<{ until: Date; reason: string } | null> {
  const a = (await loadAlerts(ctx.db, ctx.clock())).find(
    (x) => x.platform === platform && x.kind === 'sending-paused' && x.until,
  );
  return a ? { until: new Date(a.until!), reason: a.reason ?? '' } : null;
}
