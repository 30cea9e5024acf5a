/**
 * The Zalo adapter over zca-js (a personal/dedicated account), through our port (zca-port.ts).
 * What each behaviour rests on, with its source, is in bots/zalo/README.md. The parts:
 *
 * - lease (src/core/leases/keeper.ts): one listener per account; the instance holding
 *   `zalo:listener:<accountKey>` listens, the others keep trying, a dead holder is replaced within
 *   a lease and a third. Sending needs no lease.
 * - session (session.ts): logged in once and kept; a new login only when Zalo refuses the session,
 *   never twice within minutes; a refused session waits for a new QR login and tells the organizers.
 * - watchdog (below): Zalo closes the listener's socket about once a minute (1006); the listener
 *   is started again on the same session after a short backoff. Only repeated failures to stay
 *   connected make it ask Zalo whether the session still works. Codes 3000/3003 (another web
 *   session took the account) wait much longer so two clients do not fight over it.
 * - catch-up (catchup.ts): after every connect, the linked groups' history back to the last
 *   message seen, through the same idempotent path as live messages.
 * - sender (sender.ts, pause.ts): text with mentions and urgency, files through the listener with
 *   a timeout and their link as fallback, a pause of the whole account when Zalo throttles it.
 *
 * Nothing here throws into the process: every failure is logged and retried later.
 */
import type { InboundMessage, InboundSink } from '../../src/core/channel';
import {
  createLeaseKeeper,
  realTimers,
  type LeaseKeeper,
  type Timers,
} from '../../src/core/leases/keeper';
import type { Db } from '../../src/db/types';
import type { Logger } from '../../src/log';
import type { ChannelAdapter } from '../adapter';
import { CatchUp, GroupCursors } from './catchup';
import { mapZaloGroupMessage } from './inbound';
import { SendPause } from './pause';
import { zaloSender } from './sender';
import { SessionKeeper } from './session';
import type { ZaloConnector, ZaloGroupMessage, ZaloSession } from './zca-port';

export interface ZaloWatchdogOptions {
  /** Lifetime of the listener lease; renewed every leaseMs/3. Default 45 s. */
  leaseMs?: number;
  /** Waits before starting the listener again after successive closes. Default 1, 2, 5, 15, 30, 60 s. */
  restartBackoffMs?: number[];
  /** Wait after close code 3000/3003 (another session took the account). Default 10 min. */
  duplicateBackoffMs?: number;
  /** A connection that stayed up this long resets the backoff to its first step. Default 30 s. */
  stableMs?: number;
  /** Closes in a row without a stable connection before asking Zalo if the session works. Default 3. */
  probeAfterFailures?: number;
  /** Least time between two logins. Default 10 min. */
  minLoginIntervalMs?: number;
}

/** What the organizers must hear about (service.ts turns these into notices and the banner). */
export interface ZaloOpsPort {
  raise(
    alert: { kind: 'login-needed' } | { kind: 'sending-paused'; until: Date; reason: string },
  ): Promise<void>;
  clear(kind: 'login-needed'): Promise<void>;
  /** A pause recorded by another instance, to honour it after a takeover. */
  pausedUntil?(): Promise<{ until: Date; reason: string } | null>;
}

export interface ZaloAdapterOptions {
  connector: ZaloConnector;
  sink: InboundSink;
  log: Logger;
  db: Db;
  /** This process; the lease holder's name. */
  instanceId: string;
  /** Names the account in the lease and the cursors; the same on every instance. */
  accountKey: string;
  /** Per-account pacing the outbox honours (one send at a time, gap + jitter, daily cap). */
  limits: { minGapMs: number; jitterMs: number; dailyCap: number };
  /** First pause after Zalo throttled the account. Default 30 min (doubling on repeats). */
  pauseMs?: number;
  /** How long a file upload may take before its link goes instead. Default 60 s. */
  fileTimeoutMs?: number;
  /** Real time by default; tests pass manual timers (lease expiry uses the same clock). */
  timers?: Timers;
  watchdog?: ZaloWatchdogOptions;
  ops?: ZaloOpsPort;
}

export interface ZaloAdapter extends ChannelAdapter {
  /** Resolves when the work started so far (deliveries, catch-up, cursor writes) is done. */
  idle(): Promise<void>;
}

/** Close codes meaning another client holds the account (zca-js CloseReason). */
export const DUPLICATE_CLOSE_CODES: ReadonlySet<number> = new Set([3000, 3003]);
const DEFAULT_BACKOFF_MS = [1_000, 2_000, 5_000, 15_000, 30_000, 60_000];
/** Zalo does not redeliver a message we failed to hand over, so the sink is retried a few times. */
const SINK_RETRY_MS = [1_000, 5_000, 30_000];
const CURSOR_FLUSH_MS = 30_000;
const NEEDS_LOGIN_CHECK_MS = 60_000;
const SAVE_COOKIES_EVERY_MS = 3_600_000;
/** Message ids handed over recently, so a live message and its catch-up copy go once. */
const SEEN = 20_000;

export function createZaloAdapter(opts: ZaloAdapterOptions): ZaloAdapter {
  const timers = opts.timers ?? realTimers;
  const log = opts.log;
  const leaseMs = opts.watchdog?.leaseMs ?? 45_000;
  const backoff = opts.watchdog?.restartBackoffMs?.length
    ? opts.watchdog.restartBackoffMs
    : DEFAULT_BACKOFF_MS;
  const duplicateBackoffMs = opts.watchdog?.duplicateBackoffMs ?? 10 * 60_000;
  const stableMs = opts.watchdog?.stableMs ?? 30_000;
  const probeAfter = opts.watchdog?.probeAfterFailures ?? 3;
  const backoffAt = (n: number) => backoff[Math.min(n, backoff.length - 1)]!;

  // ------------------------------------------------------------ bookkeeping

  const tracked = new Set<Promise<unknown>>();
  function track<T>(p: Promise<T>): Promise<T> {
    tracked.add(p);
    void p.finally(() => tracked.delete(p)).catch(() => {});
    return p;
  }
  /** Waits that stop() cuts short (sink retries). */
  const stopWaits = new Set<() => void>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        stopWaits.delete(wake);
        cancel();
        resolve();
      };
      const cancel = timers.setTimeout(wake, ms);
      stopWaits.add(wake);
    });

  let running = false;
  let generation = 0;
  let listening = false;
  let connectedAt: number | null = null;
  let failures = 0;
  let closes = 0;
  let starts = 0;
  let lastCloseCode: number | null = null;
  let lastMessageAt: number | null = null;
  let recovered = 0;
  let lastCookieSave = 0;
  let restartCancel: (() => void) | null = null;
  let flushCancel: (() => void) | null = null;
  let needsLoginCancel: (() => void) | null = null;
  let catchUpRunning: Promise<void> | null = null;
  let catchUpNext: { session: ZaloSession; gen: number } | null = null;
  let lastRaisedUntil = 0;
  /** The account's uid, known once logged in (kept if the session is later discarded). */
  let ownId: string | null = null;
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

  const pause = new SendPause({ timers, firstMs: opts.pauseMs ?? 30 * 60_000 });
  const cursors = new GroupCursors(opts.db, opts.accountKey);
  const catchUp = new CatchUp({ timers, log });
  const sessions = new SessionKeeper({
    connector: opts.connector,
    timers,
    log,
    minLoginIntervalMs: opts.watchdog?.minLoginIntervalMs,
    onNeedsLogin: () => {
      if (opts.ops) track(opts.ops.raise({ kind: 'login-needed' }).catch(opsFailed));
    },
    onLoggedIn: () => {
      if (opts.ops) track(opts.ops.clear('login-needed').catch(opsFailed));
    },
  });
  const opsFailed = (err: unknown) =>
    log.warn({ err, platform: 'zalo' }, 'zalo: could not record an alert');

  // ------------------------------------------------------------ inbound

  const chains = new Map<string, Promise<void>>();
  const seen = new Set<string>();
  const remember = (id: string) => {
    seen.add(id);
    if (seen.size > SEEN) seen.delete(seen.values().next().value!);
  };

  async function deliver(m: ZaloGroupMessage, fromCatchUp: boolean): Promise<void> {
    const msg: InboundMessage | null = mapZaloGroupMessage(m, ownId);
    if (!msg) {
      cursors.note(m.groupId, m.msgId, m.ts);
      return;
    }
    for (let attempt = 0; ; attempt++) {
      try {
        const r = await opts.sink.message(msg);
        cursors.note(m.groupId, m.msgId, m.ts);
        if (fromCatchUp && r === 'handled') recovered++;
        return;
      } catch (err) {
        const wait = SINK_RETRY_MS[attempt];
        if (wait === undefined || !running) {
          seen.delete(m.msgId); // the next catch-up tries it again
          log.error(
            { err, update: msg.updateKey, platform: 'zalo' },
            'zalo message could not be handled',
          );
          return;
        }
        log.warn(
          { err, update: msg.updateKey, platform: 'zalo' },
          'zalo message handling failed; retrying',
        );
        await sleep(wait);
      }
    }
  }

  function enqueue(m: ZaloGroupMessage, fromCatchUp = false): void {
    if (seen.has(m.msgId)) return;
    remember(m.msgId);
    if (!fromCatchUp) lastMessageAt = timers.now();
    const prev = chains.get(m.groupId) ?? Promise.resolve();
    const next = track(prev.then(() => deliver(m, fromCatchUp)));
    chains.set(m.groupId, next);
    void next.finally(() => {
      if (chains.get(m.groupId) === next) chains.delete(m.groupId);
    });
  }

  function scheduleFlush(): void {
    if (!running || flushCancel) return;
    flushCancel = timers.setTimeout(() => {
      flushCancel = null;
      track(
        cursors
          .flush()
          .catch((err: unknown) =>
            log.warn({ err, platform: 'zalo' }, 'zalo: cursor write failed'),
          ),
      );
      scheduleFlush();
    }, CURSOR_FLUSH_MS);
  }

  async function runCatchUp(session: ZaloSession, gen: number): Promise<void> {
    try {
      await Promise.allSettled([...chains.values()]);
      const groups = await cursors.linked();
      if (gen !== generation) return;
      const missed = await catchUp.missed(session, groups);
      if (gen !== generation) return; // the socket closed meanwhile: the next connect asks again
      for (const m of missed) enqueue(m, true);
    } catch (err) {
      log.warn({ err, platform: 'zalo' }, 'zalo: catch-up failed; the next connect tries again');
    }
  }

  /** One catch-up at a time; a connect during one runs another for the newest connection. */
  function startCatchUp(session: ZaloSession, gen: number): void {
    catchUpNext = { session, gen };
    if (catchUpRunning) return;
    catchUpRunning = track(
      (async () => {
        while (catchUpNext && running) {
          const next = catchUpNext;
          catchUpNext = null;
          await runCatchUp(next.session, next.gen);
        }
      })(),
    ).finally(() => {
      catchUpRunning = null;
    });
  }

  // ------------------------------------------------------------ listener and watchdog

  const holder = () => keeper?.held === true;

  function cancelRestart(): void {
    restartCancel?.();
    restartCancel = null;
  }

  function scheduleStart(delayMs: number): void {
    cancelRestart();
    if (!running || !holder()) return;
    restartCancel = timers.setTimeout(() => {
      restartCancel = null;
      track(startListener());
    }, delayMs);
  }

  function stopListening(): void {
    generation++;
    cancelRestart();
    if (listening) sessions.value?.stopListening();
    listening = false;
    connectedAt = null;
  }

  /** Starts the listener on the session we have (logging in only when there is none). */
  async function startListener(): Promise<void> {
    if (!running || !holder() || listening) return;
    let session: ZaloSession;
    try {
      session = await sessions.get();
    } catch {
      if (sessions.state === 'needs-login') return watchForNewLogin();
      const until = await sessions.blockedUntil();
      return scheduleStart(Math.max(1_000, (until ?? timers.now()) - timers.now()));
    }
    if (!running || !holder() || listening) return;
    ownId = session.ownId();
    const gen = ++generation;
    const current = () => gen === generation;
    listening = true;
    starts++;
    session.startListening({
      onGroupMessage: (m) => {
        if (current()) enqueue(m);
      },
      onConnected: () => {
        if (!current()) return;
        connectedAt = timers.now();
        // Reconnecting every minute is normal: only the first connect and recoveries are news.
        log[closes === 0 || failures > 0 ? 'info' : 'debug'](
          { platform: 'zalo', closes, starts },
          'zalo listener connected',
        );
        startCatchUp(session, gen);
        if (timers.now() - lastCookieSave >= SAVE_COOKIES_EVERY_MS) {
          lastCookieSave = timers.now();
          track(
            session
              .saveCredentials()
              .catch((err: unknown) =>
                log.warn({ err, platform: 'zalo' }, 'zalo: could not save refreshed cookies'),
              ),
          );
        }
      },
      onDisconnected: (code, reason) => {
        if (current()) log.debug({ platform: 'zalo', code, reason }, 'zalo socket dropped');
      },
      onError: (err) => {
        if (current()) log.warn({ err, platform: 'zalo' }, 'zalo listener error');
      },
      onClosed: (code, reason) => {
        if (current()) onClosed(session, code, reason);
      },
    });
  }

  function onClosed(session: ZaloSession, code: number, reason: string): void {
    const upFor = connectedAt === null ? 0 : timers.now() - connectedAt;
    generation++;
    listening = false;
    connectedAt = null;
    lastCloseCode = code;
    closes++;
    if (DUPLICATE_CLOSE_CODES.has(code)) {
      log.warn(
        { platform: 'zalo', code, reason, retryInMs: duplicateBackoffMs },
        'zalo listener closed: another session took this account (close the other Zalo Web/PC session); backing off',
      );
      return scheduleStart(duplicateBackoffMs);
    }
    failures = upFor >= stableMs ? 0 : failures + 1;
    if (failures >= probeAfter) {
      track(probe(session));
      return;
    }
    const wait = backoffAt(failures);
    log.debug(
      { platform: 'zalo', code, reason, retryInMs: wait },
      'zalo listener closed; starting it again',
    );
    scheduleStart(wait);
  }

  /** The listener keeps failing: does Zalo still accept the session? Only a refusal means a login. */
  async function probe(session: ZaloSession): Promise<void> {
    const verdict = await session.checkSession().catch(() => 'unknown' as const);
    if (verdict === 'invalid' && sessions.value === session) {
      log.warn({ platform: 'zalo' }, 'zalo: the session is no longer accepted; logging in again');
      sessions.discard();
      failures = 0;
    }
    scheduleStart(backoffAt(failures));
  }

  /** A refused session waits for new credentials; checked every minute. */
  function watchForNewLogin(): void {
    if (!running || needsLoginCancel) return;
    needsLoginCancel = timers.setTimeout(() => {
      needsLoginCancel = null;
      track(
        (async () => {
          if ((await sessions.blockedUntil()) === null) await startListener();
          else watchForNewLogin();
        })(),
      );
    }, NEEDS_LOGIN_CHECK_MS);
  }

  // ------------------------------------------------------------ lease

  let keeper: LeaseKeeper | null = null;

  function newKeeper(): LeaseKeeper {
    return createLeaseKeeper({
      db: opts.db,
      name: `zalo:listener:${opts.accountKey}`,
      holder: opts.instanceId,
      ttlMs: leaseMs,
      timers,
      onGained() {
        failures = 0;
        log.info({ platform: 'zalo', instance: opts.instanceId }, 'zalo listener lease acquired');
        track(startListener());
      },
      onLost() {
        stopListening();
        log.warn(
          { platform: 'zalo', instance: opts.instanceId },
          'zalo listener lease lost; stopped listening',
        );
      },
      onError: (err) => log.warn({ err, platform: 'zalo' }, 'zalo listener lease check failed'),
    });
  }

  // ------------------------------------------------------------ sender

  const sender = zaloSender({
    session: () => sessions.get(),
    listeningSession: () => (listening && connectedAt !== null && holder() ? sessions.value : null),
    limits: opts.limits,
    pause,
    timers,
    fileTimeoutMs: opts.fileTimeoutMs ?? 60_000,
    onThrottled(state, reason) {
      if (state.until === lastRaisedUntil) return; // sends that were in flight when it began
      lastRaisedUntil = state.until;
      log.warn(
        { platform: 'zalo', until: iso(state.until), level: state.level, reason },
        'zalo throttled this account: sending paused',
      );
      // Recorded every time (banner, /healthz, other instances); the organizers are told once
      // per throttling episode, not at each doubling (src/core/platform-alerts.ts).
      if (opts.ops)
        track(
          opts.ops
            .raise({ kind: 'sending-paused', until: new Date(state.until), reason })
            .catch(opsFailed),
        );
    },
  });

  return {
    platform: 'zalo',
    sender,
    botUsername: () => ownId ?? sessions.value?.ownId() ?? null,
    async start() {
      if (running) return;
      running = true;
      const recorded = await opts.ops?.pausedUntil?.().catch(() => null);
      if (recorded) pause.restore(recorded.until.getTime(), recorded.reason);
      keeper = newKeeper();
      await keeper.start();
      scheduleFlush();
    },
    async stop() {
      running = false;
      stopListening();
      flushCancel?.();
      flushCancel = null;
      needsLoginCancel?.();
      needsLoginCancel = null;
      for (const wake of [...stopWaits]) wake();
      await Promise.allSettled([...tracked]);
      await cursors
        .flush()
        .catch((err: unknown) => log.warn({ err, platform: 'zalo' }, 'zalo: cursor write failed'));
      await keeper?.stop();
    },
    async idle() {
      for (;;) {
        await keeper?.settled();
        if (tracked.size === 0) return;
        await Promise.allSettled([...tracked]);
      }
    },
    health: () => ({
      holder: holder(),
      listening: listening && connectedAt !== null,
      connectedSince: iso(connectedAt),
      session: sessions.state,
      logins: sessions.logins,
      listenerStarts: starts,
      reconnects: closes,
      lastCloseCode,
      lastMessageAt: iso(lastMessageAt),
      recovered,
      catchUps: catchUp.runs,
      groupHistoryOverHttp: catchUp.historyAvailable,
      pausedUntil: iso(pause.state()?.until ?? null),
    }),
  };
}
