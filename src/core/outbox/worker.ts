import type { AppContext } from '../../app-context';
import type { OutboxRow } from '../../db/schema';
import type { ChannelSender, OutboundMessage, SendResult } from '../channel';
import * as store from './store';
import { markChatInactive, migrateChat } from '../chats/lifecycle';
import { releaseLease, tryAcquireLease } from '../leases/lease';
import { createLeaseKeeper, type LeaseKeeper } from '../leases/keeper';
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

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

/**
 * Delivers one platform's outbox rows. Only the holder of the lease `outbox:<platform>` sends,
 * so the platform's overall limit holds however many instances run; others wait to take over.
 *
 * Outcomes are recorded in batches (a few rows or a few tens of milliseconds at a time), each
 * fenced by the row's holder (store.ts): a sender whose row lease ran out mid-request cannot
 * overwrite what the next holder recorded.
 *
 * Crash window: a row stays 'sending' from its claim until its outcome is recorded. A crash in
 * between (a request in flight, or an answer not yet written) leaves it to its row lease, after
 * which the next holder sends it again. Duplicates are thus bounded by the requests in flight
 * plus the outcomes awaiting their write at the crash (≤ maxInFlight + flushEvery).
 */
export class OutboxWorker {
  readonly stats: OutboxStats = { sent: 0, failed: 0, retried: 0, rateLimited: 0 };
  private readonly pacer: Pacer;
  private readonly leaseName: string;
  private running = false;
  private loop: Promise<void> | null = null;
  /** The platform lease, renewed on its own timer so a long batch (Zalo's pacing) keeps it. */
  private readonly keeper: LeaseKeeper;
  /** Held by a one-off drain (Workers' scheduled()), which takes the lease for its budget. */
  private draining = false;
  private needsSeed = false;
  private wake: (() => void) | null = null;
  private readonly opts: Required<Omit<OutboxWorkerOptions, 'afterBatch' | 'random'>> &
    Pick<OutboxWorkerOptions, 'afterBatch'>;
  private readonly recorder: OutcomeRecorder;

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
    this.recorder = new OutcomeRecorder(ctx, this.opts.instanceId, this.opts.maxAttempts);
    this.keeper = createLeaseKeeper({
      db: ctx.db,
      name: this.leaseName,
      holder: this.opts.instanceId,
      ttlMs: this.opts.leaseMs,
      onGained: () => {
        this.needsSeed = true;
        this.poke();
      },
      onLost: () =>
        ctx.log.warn({ platform: channel.platform }, 'outbox lease lost; another instance sends'),
      onError: (err) =>
        ctx.log.warn({ err, platform: channel.platform }, 'outbox lease renewal failed'),
    });
  }

  get isHolder(): boolean {
    return this.draining || this.keeper.held;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.keeper.start().then(() => this.run());
  }

  /** Wakes an idle worker early (a message was just queued). */
  poke(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.poke();
    await this.loop;
    // Without a loop, drain() claims and sends itself (a stopped loop would have it give rows back).
    this.loop = null;
    await this.keeper.stop();
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        if (!this.keeper.held) {
          await this.idle(1000);
          continue;
        }
        if (this.needsSeed) {
          this.needsSeed = false;
          await this.seedPacer();
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
    const { recent, today, day } = await store.recentSends(this.ctx.db, this.channel.platform);
    this.pacer.seedHistory(recent, today, day);
  }

  /** Claims and sends one batch; returns how many rows it handled. Also used by Workers' scheduled(). */
  async runBatch(): Promise<number> {
    const day = new Date().toISOString().slice(0, 10);
    if (this.pacer.dailyCapReached(day)) return 0;
    const rows = await store.claimDue(
      this.ctx.db,
      this.channel.platform,
      this.opts.instanceId,
      this.opts.batchSize,
      this.opts.rowLeaseMs,
    );
    if (rows.length === 0) return 0;
    const delivered: DeliveredRow[] = [];
    const inFlight = new Set<Promise<void>>();
    for (const row of rows) {
      // Stopping, or the lease went to another instance mid-batch: the rest is theirs to send.
      if (this.loop && (!this.running || !this.keeper.held)) {
        this.recorder.giveBack(row, 0);
        continue;
      }
      const now = Date.now();
      const chatReady = this.pacer.chatAvailableAt(row.chat_external_id, now);
      if (chatReady > now) {
        this.recorder.giveBack(row, chatReady - now);
        continue;
      }
      if (this.pacer.dailyCapReached(day)) {
        this.recorder.giveBack(row, 60 * 60_000);
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
    await this.recorder.flush();
    if (this.opts.afterBatch && delivered.length) await this.opts.afterBatch(delivered);
    return rows.length;
  }

  /** Sends one row and queues its outcome for the next write; never throws. */
  private async deliver(row: OutboxRow): Promise<SendResult> {
    let result: SendResult;
    try {
      result = await this.channel.send(row.chat_external_id, row.payload as OutboundMessage);
    } catch (e) {
      result = { ok: false, kind: 'retry', reason: e instanceof Error ? e.message : String(e) };
    }
    this.count(row, result);
    await this.recorder.add(row, result);
    return result;
  }

  /** Stats and pacing decisions, made as soon as the platform answers. */
  private count(row: OutboxRow, result: SendResult): void {
    if (result.ok) {
      this.stats.sent++;
      return;
    }
    if (result.kind !== 'retry') {
      if (!result.migratedTo) this.stats.failed++;
      return;
    }
    if (result.retryAfterMs !== undefined) {
      this.stats.rateLimited++;
      // A 429 does not say whether the bot or the chat hit the limit: pause the bot unless the
      // chat is at its own per-minute limit. The margin covers the time the answer took to arrive.
      const now = Date.now();
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
    if (attempts >= this.opts.maxAttempts) this.stats.failed++;
    else this.stats.retried++;
  }

  /**
   * Runs batches until nothing is due or the time budget is spent (Workers' scheduled(), tests).
   * On a worker whose loop runs, waits for the loop instead: claiming beside it would find its
   * rows leased and return before they are sent, and ending would stop the loop.
   */
  async drain(budgetMs: number): Promise<number> {
    if (this.loop && this.running) return this.settle(budgetMs);
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
      this.draining = true;
      await this.seedPacer();
      while (Date.now() < until) {
        const n = await this.runBatch();
        total += n;
        if (n === 0) {
          const next = await store.nextDueInMs(this.ctx.db, this.channel.platform);
          if (next === null || Date.now() + next > until) break;
          await sleep(Math.min(next, 1000));
        }
      }
    } finally {
      this.running = false;
      if (this.draining)
        await releaseLease(this.ctx.db, this.leaseName, this.opts.instanceId).catch(() => {});
      this.draining = false;
    }
    return total;
  }

  private async settle(budgetMs: number): Promise<number> {
    const until = Date.now() + budgetMs;
    const handled = () => this.stats.sent + this.stats.failed + this.stats.retried;
    const before = handled();
    this.poke();
    while (Date.now() < until && (await store.unsettledNow(this.ctx.db, this.channel.platform)) > 0)
      await sleep(20);
    return handled() - before;
  }
}

/**
 * Writes outcomes in batches: up to `flushEvery` rows or `flushMs` after the first one waits,
 * and always at the end of a claim batch. A write that fails is retried a few times (the
 * platform has answered: losing the write means sending again after the row lease).
 */
class OutcomeRecorder {
  private pending: Array<{ row: OutboxRow; result: SendResult | null; delayMs: number }> = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: AppContext,
    private readonly holder: string,
    private readonly maxAttempts: number,
    private readonly flushEvery = 8,
    private readonly flushMs = 50,
  ) {}

  /** An answer from the platform. */
  add(row: OutboxRow, result: SendResult): Promise<void> {
    return this.push({ row, result, delayMs: 0 });
  }

  /** A claimed row handed back unsent (pacing, shutdown): not an attempt. */
  giveBack(row: OutboxRow, delayMs: number): void {
    void this.push({ row, result: null, delayMs });
  }

  private push(item: { row: OutboxRow; result: SendResult | null; delayMs: number }) {
    this.pending.push(item);
    if (this.pending.length >= this.flushEvery) return this.flush();
    this.timer ??= setTimeout(() => void this.flush(), this.flushMs);
    return Promise.resolve();
  }

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = [];
    this.writing = this.writing.then(() => (batch.length ? this.write(batch) : undefined));
    return this.writing;
  }

  private async write(
    batch: Array<{ row: OutboxRow; result: SendResult | null; delayMs: number }>,
  ): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.writeOnce(batch);
        return;
      } catch (e) {
        if (attempt >= 4) {
          this.ctx.log.error(
            { err: e, outbox: batch.map((b) => b.row.id) },
            'could not record deliveries',
          );
          return;
        }
        await sleep(200 * 2 ** attempt);
      }
    }
  }

  private async writeOnce(
    batch: Array<{ row: OutboxRow; result: SendResult | null; delayMs: number }>,
  ): Promise<void> {
    const sent: store.SentRow[] = [];
    const requeued: store.RequeuedRow[] = [];
    const failed: Array<{ id: number; error: string }> = [];
    /** Failed rows whose chat is gone (the bot was removed): the chat is marked inactive. */
    const gone = new Set<number>();
    const migrated: Array<{ row: OutboxRow; to: string }> = [];
    for (const { row, result, delayMs } of batch) {
      if (result === null) {
        requeued.push({ id: row.id, delayMs, attempts: row.attempts - 1, error: null });
      } else if (result.ok) {
        sent.push({ id: row.id, messageId: result.messageId ?? null });
      } else if (result.kind === 'retry') {
        const attempts = result.retryAfterMs !== undefined ? row.attempts - 1 : row.attempts;
        if (attempts >= this.maxAttempts) failed.push({ id: row.id, error: result.reason });
        else
          requeued.push({
            id: row.id,
            delayMs:
              result.retryAfterMs ?? Math.min(600_000, 500 * 2 ** Math.min(row.attempts, 10)),
            attempts,
            error: result.reason,
          });
      } else if (result.migratedTo) {
        migrated.push({ row, to: result.migratedTo });
      } else {
        failed.push({ id: row.id, error: result.reason });
        if (result.chatGone) gone.add(row.id);
      }
    }
    await this.ctx.db.transaction().execute(async (trx) => {
      const held = new Set([
        ...(await store.completeSent(trx, this.holder, sent)),
        ...(await store.requeue(trx, this.holder, requeued)),
      ]);
      for (const f of await store.fail(trx, this.holder, failed)) {
        held.add(f.id);
        if (gone.has(f.id)) await markChatInactive(trx, f.platform, f.chatExternalId);
      }
      for (const m of migrated) {
        // Move the link first; the row (fenced) follows to the new chat id.
        const [moved] = await store.requeue(trx, this.holder, [
          { id: m.row.id, delayMs: 0, attempts: m.row.attempts, error: null, chatExternalId: m.to },
        ]);
        if (moved !== undefined) {
          held.add(moved);
          await migrateChat(trx, m.row.platform, m.row.chat_external_id, m.to);
        }
      }
      const lost = batch.filter((b) => !held.has(b.row.id)).map((b) => b.row.id);
      if (lost.length)
        this.ctx.log.warn(
          { outbox: lost },
          'outcome dropped: another sender holds these rows now (row lease expired mid-send)',
        );
    });
  }
}
