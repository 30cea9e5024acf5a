/**
 * Nothing missed during gaps. The listener's socket is down for seconds every minute (and longer
 * when a process restarts or another instance takes over), and Zalo does not push what was posted
 * meanwhile. After every (re)connect the history of each linked group is fetched back to the last
 * message seen there and handed to the same idempotent inbound path as live messages: the core's
 * update key (processed_updates) makes anything seen twice harmless.
 *
 * Two sources, both from zca-js (bots/zalo/README.md): the socket's `requestOldMessages` (recent
 * group messages of the whole account, paged back with its `lastId`), and the HTTP
 * `getGroupChatHistory` per group, which Zalo removed in 2026 (404): it is tried, and left alone
 * for a few hours after a 404.
 */
import { sql } from 'kysely';
import type { Timers } from '../../src/core/leases/keeper';
import type { Db } from '../../src/db/types';
import type { Logger } from '../../src/log';
import type { ZaloGroupMessage, ZaloSession } from './zca-port';

export interface LinkedGroup {
  groupId: string;
  /** The last message seen there (ms epoch), or null when none ever was. */
  lastTs: number | null;
}

/** Where each group's history was last seen, kept in zalo_group_cursors (migration 0005). */
export class GroupCursors {
  private readonly dirty = new Map<string, { msgId: string; ts: number }>();
  private readonly latest = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly accountKey: string,
  ) {}

  /** A message of this group reached the core. */
  note(groupId: string, msgId: string, ts: number): void {
    if (ts < (this.latest.get(groupId) ?? -Infinity)) return;
    this.latest.set(groupId, ts);
    this.dirty.set(groupId, { msgId, ts });
  }

  async flush(): Promise<void> {
    if (this.dirty.size === 0) return;
    const rows = [...this.dirty].map(([groupId, c]) => ({
      account_key: this.accountKey,
      group_id: groupId,
      last_msg_id: c.msgId,
      last_ts: new Date(c.ts),
    }));
    this.dirty.clear();
    try {
      await this.db
        .insertInto('zalo_group_cursors')
        .values(rows)
        .onConflict((oc) =>
          oc
            .columns(['account_key', 'group_id'])
            .doUpdateSet({
              last_msg_id: sql`excluded.last_msg_id`,
              last_ts: sql`excluded.last_ts`,
              updated_at: sql`now()`,
            })
            .where('zalo_group_cursors.last_ts', '<=', sql<Date>`excluded.last_ts`),
        )
        .execute();
    } catch (e) {
      for (const r of rows)
        if (!this.dirty.has(r.group_id))
          this.dirty.set(r.group_id, { msgId: r.last_msg_id, ts: r.last_ts.getTime() });
      throw e;
    }
  }

  /** Active linked groups of this platform with the last message seen in each. */
  async linked(): Promise<LinkedGroup[]> {
    const rows = await this.db
      .selectFrom('chats')
      .leftJoin('zalo_group_cursors as c', (j) =>
        j.onRef('c.group_id', '=', 'chats.external_id').on('c.account_key', '=', this.accountKey),
      )
      .select(['chats.external_id as groupId', 'c.last_ts as lastTs'])
      .where('chats.platform', '=', 'zalo')
      .where('chats.role', 'is not', null)
      .where('chats.active', '=', true)
      .execute();
    return rows.map((r) => {
      const stored = r.lastTs ? new Date(r.lastTs).getTime() : null;
      const mem = this.latest.get(r.groupId) ?? null;
      const lastTs = stored === null ? mem : mem === null ? stored : Math.max(stored, mem);
      return { groupId: r.groupId, lastTs };
    });
  }
}

export interface CatchUpOptions {
  timers: Timers;
  log: Logger;
  /** Socket history pages asked for at most. Default 5. */
  maxPages?: number;
  /** Never look further back than this. Default 7 days (Zalo keeps about two weeks). */
  maxAgeMs?: number;
  /** Messages per group from the HTTP history. Default 50. */
  historyCount?: number;
  /** After a 404 from the HTTP history, leave it alone this long. Default 6 h. */
  historyRetryMs?: number;
}

export class CatchUp {
  private historyOffUntil = 0;
  /** What the last run found and handed over (health, tests). */
  recovered = 0;
  runs = 0;

  constructor(private readonly opts: CatchUpOptions) {}

  get historyAvailable(): boolean {
    return this.opts.timers.now() >= this.historyOffUntil;
  }

  /**
   * Messages of linked groups posted since the last one seen in each, oldest first. Groups never
   * seen are skipped: their history before the bot knew them is not the bot's business.
   */
  async missed(session: ZaloSession, groups: LinkedGroup[]): Promise<ZaloGroupMessage[]> {
    this.runs++;
    const now = this.opts.timers.now();
    const maxAge = this.opts.maxAgeMs ?? 7 * 86_400_000;
    const since = new Map<string, number>();
    for (const g of groups)
      if (g.lastTs !== null) since.set(g.groupId, Math.max(g.lastTs, now - maxAge));
    if (since.size === 0) return [];
    const floor = Math.min(...since.values());
    const found = new Map<string, ZaloGroupMessage>();
    const keep = (m: ZaloGroupMessage) => {
      const from = since.get(m.groupId);
      if (from !== undefined && m.ts >= from) found.set(m.msgId, m);
    };

    let before: string | null = null;
    let oldestSeen = Infinity;
    for (let page = 0; page < (this.opts.maxPages ?? 5); page++) {
      let batch: ZaloGroupMessage[];
      try {
        batch = await session.oldGroupMessages(before);
      } catch (err) {
        this.opts.log.warn({ err, platform: 'zalo' }, 'zalo: old messages request failed');
        break;
      }
      if (batch.length === 0) break;
      batch.forEach(keep);
      const oldest = batch.reduce((a, b) => (b.ts < a.ts ? b : a));
      // No progress means Zalo ignores the page cursor: everything it has was in this batch.
      if (oldest.ts >= oldestSeen || oldest.ts <= floor) break;
      oldestSeen = oldest.ts;
      before = oldest.msgId;
    }

    if (this.historyAvailable) {
      for (const groupId of since.keys()) {
        try {
          (await session.groupHistory(groupId, this.opts.historyCount ?? 50)).forEach(keep);
        } catch (err) {
          const gone = err instanceof Error && /\b404\b/.test(err.message);
          if (gone) this.historyOffUntil = now + (this.opts.historyRetryMs ?? 6 * 3_600_000);
          this.opts.log.info(
            { err, platform: 'zalo', gone },
            'zalo: group history over HTTP unavailable; using the socket history only',
          );
          if (gone) break;
        }
      }
    }
    const out = [...found.values()].sort((a, b) => a.ts - b.ts);
    this.recovered += out.length;
    return out;
  }
}
