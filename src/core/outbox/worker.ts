import { sql } from 'kysely';
import { t } from '../../messages/vi';
import type { AppContext } from '../../app-context';
import type { OutboxRow } from '../../db/schema';
import type { ChannelSender, OutboundMessage, SendResult } from '../channel';
import { markChatInactive, migrateChat } from '../inbound/handle';
import { releaseLease, tryAcquireLease } from '../leases/lease';
import { Pacer } from './pacer';

export interface OutboxWorkerOptions {
  instanceId: string;
  /** How long the platform lease lives without renewal; a dead holder is replaced after this. */
  leaseMs?: number;
  /** How long a claimed row stays ours before another holder may retry it. */
  rowLeaseMs?: number;
  batchSize?: number;
  maxInFlight?: number;
  idleMs?: number;
  maxAttempts?: number;
  /** Called after each batch (broadcast progress, metrics). */
  afterBatch?: (delivered: DeliveredRow[]) => Promise<void>;
  random?: () => number;
}

export interface DeliveredRow {
  row: OutboxRow;
  result: SendResult;
}

export interface OutboxStats {
  sent: number;
  failed: number;
  retried: number;
  rateLimited: number;
}

/** What a sensitive row's payload becomes once sent: the secret is not kept at rest. */
export const REDACTED: OutboundMessage = { text: t.redactedAfterSend() };

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

/**
 * Delivers one platform's outbox rows. Only the holder of the lease `outbox:<platform>` sends,
 * so the platform's overall limit holds however many instances run; others wait to take over.
 *
 * Crash window: a row is marked sent in its own statement right after the platform answers.
 * A crash between that answer and the commit (or while a request is in flight) leaves the row
 * 'sending'; after its row lease expires the next holder sends it again. Duplicates are thus
 * bounded by the requests in flight at the crash (≤ maxInFlight).
 */
export class OutboxWorker {
  readonly stats: OutboxStats = { sent: 0, failed: 0, retried: 0, rateLimited: 0 };
  private readonly pacer: Pacer;
  private readonly leaseName: string;
  private running = false;
  private loop: Promise<void> | null = null;
  private holding = false;
  private wake: (() => void) | null = null;
  private readonly opts: Required<Omit<OutboxWorkerOptions, 'afterBatch' | 'random'>> &
    Pick<OutboxWorkerOptions, 'afterBatch'>;

  constructor(
    private readonly ctx: AppContext,
    private readonly channel: ChannelSender,
    options: OutboxWorkerOptions,
  ) {
    this.opts = {
      leaseMs: 15_000,
      rowLeaseMs: 60_000,
      batchSize: 60,
      maxInFlight: 16,
      idleMs: 200,
      maxAttempts: 12,
      ...options,
    };
    this.pacer = new Pacer(channel.limits, options.random);
    this.leaseName = `outbox:${channel.platform}`;
  }

  get isHolder(): boolean {
    return this.holding;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Wakes an idle worker early (a message was just queued). */
  poke(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.poke();
    await this.loop;
    if (this.holding)
      await releaseLease(this.ctx.db, this.leaseName, this.opts.instanceId).catch(() => {});
    this.holding = false;
  }

  private async run(): Promise<void> {
    let lastRenew = 0;
    while (this.running) {
      try {
        if (!this.holding || Date.now() - lastRenew > this.opts.leaseMs / 3) {
          const had = this.holding;
          this.holding = await tryAcquireLease(
            this.ctx.db,
            this.leaseName,
            this.opts.instanceId,
            this.opts.leaseMs,
            new Date(),
          );
          lastRenew = Date.now();
          if (this.holding && !had) await this.seedPacer();
        }
        if (!this.holding) {
          await this.idle(1000);
          continue;
        }
        const n = await this.runBatch();
        if (n === 0) await this.idle(this.opts.idleMs);
      } catch (e) {
        this.ctx.log.warn(
          { err: e, platform: this.channel.platform },
          'outbox loop error; retrying',
        );
        await this.idle(1000);
      }
    }
  }

  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  /** A new holder learns the last minute's sends so per-chat limits survive a takeover. */
  private async seedPacer(): Promise<void> {
    const rows = await this.ctx.db
      .selectFrom('outbox')
      .select(['chat_external_id', 'sent_at'])
      .where('platform', '=', this.channel.platform)
      .where('state', '=', 'sent')
      .where('sent_at', '>', new Date(Date.now() - 60_000))
      .execute();
    const today = await this.ctx.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('platform', '=', this.channel.platform)
      .where('state', '=', 'sent')
      .where('sent_at', '>', sql<Date>`date_trunc('day', now())`)
      .executeTakeFirstOrThrow();
    this.pacer.seedHistory(
      rows.map((r) => ({ chatId: r.chat_external_id, at: new Date(r.sent_at!).getTime() })),
      Number(today.n),
      new Date().toISOString().slice(0, 10),
    );
  }

  private async claim(limit: number): Promise<OutboxRow[]> {
    const leaseUntil = new Date(Date.now() + this.opts.rowLeaseMs);
    const result = await sql<OutboxRow>`
      UPDATE outbox SET state = 'sending', lease_until = ${leaseUntil}, locked_by = ${this.opts.instanceId}, attempts = attempts + 1
      WHERE id IN (
        SELECT id FROM outbox
        WHERE platform = ${this.channel.platform}
          AND state IN ('queued', 'sending')
          AND ((state = 'queued' AND not_before <= now()) OR (state = 'sending' AND lease_until < now()))
        ORDER BY priority, not_before, id
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED)
      RETURNING *`.execute(this.ctx.db);
    return result.rows.sort((a, b) => a.priority - b.priority || Number(a.id) - Number(b.id));
  }

  /** Claims and sends one batch; returns how many rows it handled. Also used by Workers' scheduled(). */
  async runBatch(): Promise<number> {
    const day = new Date().toISOString().slice(0, 10);
    if (this.pacer.dailyCapReached(day)) return 0;
    const rows = await this.claim(this.opts.batchSize);
    if (rows.length === 0) return 0;
    const delivered: DeliveredRow[] = [];
    const inFlight = new Set<Promise<void>>();
    for (const row of rows) {
      if (!this.running && this.loop) {
        await this.requeue(row, new Date());
        continue;
      }
      const now = Date.now();
      const chatReady = this.pacer.chatAvailableAt(row.chat_external_id, now);
      if (chatReady > now) {
        await this.requeue(row, new Date(chatReady));
        continue;
      }
      if (this.pacer.dailyCapReached(day)) {
        await this.requeue(row, new Date(Date.now() + 60 * 60_000));
        continue;
      }
      await sleep(this.pacer.reserve(Date.now()));
      // A 429 may have arrived while this send waited for its slot: honour the pause it ordered.
      while (this.pacer.pausedFor(Date.now()) > 0) await sleep(this.pacer.reserve(Date.now()));
      this.pacer.sentAt(Date.now());
      while (inFlight.size >= this.opts.maxInFlight) await Promise.race(inFlight);
      this.pacer.recordChat(row.chat_external_id, Date.now());
      this.pacer.recordSent();
      const p: Promise<void> = this.deliver(row)
        .then((result) => {
          delivered.push({ row, result });
        })
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await Promise.all(inFlight);
    if (this.opts.afterBatch && delivered.length) await this.opts.afterBatch(delivered);
    return rows.length;
  }

  /** Sends one row and records the outcome; never throws. */
  private async deliver(row: OutboxRow): Promise<SendResult> {
    let result: SendResult;
    try {
      result = await this.channel.send(row.chat_external_id, row.payload as OutboundMessage);
    } catch (e) {
      result = { ok: false, kind: 'retry', reason: e instanceof Error ? e.message : String(e) };
    }
    // The platform has answered: losing this write would send the message again later, so a
    // database blip gets a few tries before the row is left to its lease (the crash window).
    for (let attempt = 0; ; attempt++) {
      try {
        await this.record(row, result);
        break;
      } catch (e) {
        if (attempt >= 4) {
          this.ctx.log.error({ err: e, outbox: row.id }, 'could not record delivery');
          break;
        }
        await sleep(200 * 2 ** attempt);
      }
    }
    return result;
  }

  private async record(row: OutboxRow, result: SendResult): Promise<void> {
    const db = this.ctx.db;
    if (result.ok) {
      this.stats.sent++;
      await db
        .updateTable('outbox')
        .set({
          state: 'sent',
          ...(row.sensitive ? { payload: JSON.stringify(REDACTED) } : {}),
          sent_at: new Date(),
          platform_message_id: result.messageId ?? null,
          lease_until: null,
          error: null,
        })
        .where('id', '=', row.id)
        .execute();
      return;
    }
    if (result.kind === 'retry') {
      const now = Date.now();
      if (result.retryAfterMs !== undefined) {
        this.stats.rateLimited++;
        // A 429 does not say whether the bot or the chat hit the limit: pause the bot unless the
        // chat is at its own per-minute limit. The margin covers the time the answer took to arrive.
        const until = now + Math.ceil(result.retryAfterMs * 1.05) + 50;
        const chatFull =
          this.channel.limits.perChatPerMinute > 0 &&
          this.pacer.recentToChat(row.chat_external_id, now) >=
            this.channel.limits.perChatPerMinute - 1;
        const scope = result.scope ?? (chatFull ? 'chat' : 'bot');
        if (scope === 'bot') this.pacer.pauseAll(until);
        else this.pacer.pauseChat(row.chat_external_id, until);
      }
      // A rate-limit answer is the platform pacing us, not a failed attempt.
      const attempts = result.retryAfterMs !== undefined ? row.attempts - 1 : row.attempts;
      if (attempts >= this.opts.maxAttempts) {
        this.stats.failed++;
        await db
          .updateTable('outbox')
          .set({ state: 'failed', error: result.reason, lease_until: null })
          .where('id', '=', row.id)
          .execute();
        return;
      }
      this.stats.retried++;
      const backoff =
        result.retryAfterMs ?? Math.min(600_000, 500 * 2 ** Math.min(row.attempts, 10));
      await db
        .updateTable('outbox')
        .set({
          state: 'queued',
          not_before: new Date(now + backoff),
          error: result.reason,
          lease_until: null,
          attempts,
        })
        .where('id', '=', row.id)
        .execute();
      return;
    }
    if (result.migratedTo) {
      await db.transaction().execute(async (trx) => {
        await migrateChat(trx, row.platform, row.chat_external_id, result.migratedTo!);
        await trx
          .updateTable('outbox')
          .set({ state: 'queued', chat_external_id: result.migratedTo!, lease_until: null })
          .where('id', '=', row.id)
          .execute();
      });
      return;
    }
    this.stats.failed++;
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('outbox')
        .set({ state: 'failed', error: result.reason, lease_until: null })
        .where('id', '=', row.id)
        .execute();
      if (result.chatGone) await markChatInactive(trx, row.platform, row.chat_external_id);
    });
  }

  /** Gives a claimed row back unsent (pacing, shutdown); that was not an attempt. */
  private async requeue(row: OutboxRow, at: Date): Promise<void> {
    await this.ctx.db
      .updateTable('outbox')
      .set({ state: 'queued', not_before: at, lease_until: null, attempts: row.attempts - 1 })
      .where('id', '=', row.id)
      .execute();
  }

  /** Runs batches until nothing is due or the time budget is spent (Workers' scheduled(), tests). */
  async drain(budgetMs: number): Promise<number> {
    const until = Date.now() + budgetMs;
    this.running = true;
    let total = 0;
    try {
      if (
        !(await tryAcquireLease(
          this.ctx.db,
          this.leaseName,
          this.opts.instanceId,
          Math.max(this.opts.leaseMs, budgetMs + 5000),
          new Date(),
        ))
      )
        return 0;
      this.holding = true;
      await this.seedPacer();
      while (Date.now() < until) {
        const n = await this.runBatch();
        total += n;
        if (n === 0) {
          const next = await this.nextDueInMs();
          if (next === null || Date.now() + next > until) break;
          await sleep(Math.min(next, 1000));
        }
      }
    } finally {
      this.running = false;
      if (this.holding)
        await releaseLease(this.ctx.db, this.leaseName, this.opts.instanceId).catch(() => {});
      this.holding = false;
    }
    return total;
  }

  private async nextDueInMs(): Promise<number | null> {
    const row = await this.ctx.db
      .selectFrom('outbox')
      .select(
        sql<number>`extract(epoch from (min(coalesce(case when state = 'sending' then lease_until end, not_before)) - now())) * 1000`.as(
          'ms',
        ),
      )
      .where('platform', '=', this.channel.platform)
      .where('state', 'in', ['queued', 'sending'])
      .executeTakeFirst();
    if (!row || row.ms === null) return null;
    return Math.max(0, Number(row.ms));
  }
}
