/**
 * The Zalo adapter over zca-js (a personal/dedicated account), through our port (zca-port.ts).
 *
 * One listener per account: a Postgres lease `zalo:listener:<accountKey>` decides which instance
 * listens; the others keep trying to take it, so a dead holder is replaced within
 * leaseMs + leaseMs/3 (under a minute with the defaults). Sending does not need the lease: the
 * outbox worker of any instance may send, through the session this instance logs in on demand.
 *
 * Watchdog: zca-js' socket closes about every minute; each close means a fresh login and a new
 * listener after a backoff. Code 3000 (another web session took the account) and 3003 (the
 * session was kicked) back off much longer so two clients do not fight over the account.
 * Nothing here throws into the process: every failure is logged and retried later.
 */
import type { InboundMessage, InboundSink } from '../../src/core/channel';
import { releaseLease, tryAcquireLease } from '../../src/core/leases/lease';
import type { Db } from '../../src/db/types';
import type { Logger } from '../../src/log';
import type { ChannelAdapter } from '../adapter';
import { mapZaloGroupMessage } from './inbound';
import { zaloSender } from './sender';
import type { ZaloConnector, ZaloGroupMessage, ZaloSession } from './zca-port';

export interface ZaloWatchdogOptions {
  /** Lifetime of the listener lease; renewed every leaseMs/3. Default 45 s. */
  leaseMs?: number;
  /** Waits before re-login after successive closes or failed logins. Default 1, 2, 5, 15, 30, 60 s. */
  reloginBackoffMs?: number[];
  /** Wait after close code 3000/3003 (another session took the account). Default 10 min. */
  duplicateBackoffMs?: number;
  /** A connection that stayed up this long resets the backoff to its first step. Default 30 s. */
  stableMs?: number;
}

export interface ZaloAdapterOptions {
  connector: ZaloConnector;
  sink: InboundSink;
  log: Logger;
  db: Db;
  /** This process; the lease holder's name. */
  instanceId: string;
  /** Names the account in the lease (`zalo:listener:<accountKey>`); the same on every instance. */
  accountKey: string;
  /** Per-account pacing the outbox honours (one send at a time, gap + jitter, daily cap). */
  limits: { minGapMs: number; jitterMs: number; dailyCap: number };
  /** Wall clock in ms (lease expiry is compared across instances, so keep it real). Default Date.now. */
  clock?: () => number;
  watchdog?: ZaloWatchdogOptions;
}

export interface ZaloAdapter extends ChannelAdapter {
  /**
   * Stops listening and every timer WITHOUT releasing the lease: what a crashed process looks like
   * to the other instances. For tests.
   */
  halt(): Promise<void>;
}

/** Close codes meaning another client holds the account (zca-js CloseReason). */
export const DUPLICATE_CLOSE_CODES: ReadonlySet<number> = new Set([3000, 3003]);
const DEFAULT_BACKOFF_MS = [1_000, 2_000, 5_000, 15_000, 30_000, 60_000];
/** Zalo does not redeliver a message we failed to hand over, so the sink is retried a few times. */
const SINK_RETRY_MS = [1_000, 5_000, 30_000];

function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

export function createZaloAdapter(opts: ZaloAdapterOptions): ZaloAdapter {
  const clock = opts.clock ?? Date.now;
  const leaseMs = opts.watchdog?.leaseMs ?? 45_000;
  const backoff = opts.watchdog?.reloginBackoffMs?.length
    ? opts.watchdog.reloginBackoffMs
    : DEFAULT_BACKOFF_MS;
  const duplicateBackoffMs = opts.watchdog?.duplicateBackoffMs ?? 10 * 60_000;
  const stableMs = opts.watchdog?.stableMs ?? 30_000;
  const leaseName = `zalo:listener:${opts.accountKey}`;
  const log = opts.log;

  let running = false;
  let holder = false;
  let lastRenewAt = 0;
  let session: ZaloSession | null = null;
  let ownId: string | null = null;
  let loginInFlight: Promise<ZaloSession> | null = null;
  /** Sends do not log in again before this (a failed login is not retried per outbox row). */
  let sendLoginBlockedUntil = 0;
  /** Which listener the callbacks belong to; callbacks of an older one are ignored. */
  let generation = 0;
  let listening = false;
  let connecting = false;
  let failures = 0;
  let connectedAt: number | null = null;
  let lastMessageAt: number | null = null;
  let reconnects = 0;
  let lastCloseCode: number | null = null;
  let leaseTimer: ReturnType<typeof setTimeout> | null = null;
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  let leaseLoop: Promise<void> | null = null;
  /** Per-group delivery chains: messages of one group reach the core in the order Zalo sent them. */
  const chains = new Map<string, Promise<void>>();
  /** Resolved by stop(): cuts short the waits between sink retries. */
  let stopped = signal();

  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  const backoffAt = (n: number) => backoff[Math.min(n, backoff.length - 1)]!;

  function login(): Promise<ZaloSession> {
    loginInFlight ??= opts.connector
      .login()
      .then((s) => {
        session = s;
        ownId = s.ownId();
        return s;
      })
      .finally(() => {
        loginInFlight = null;
      });
    return loginInFlight;
  }

  async function sessionForSend(): Promise<ZaloSession> {
    if (session) return session;
    if (loginInFlight) return loginInFlight;
    if (clock() < sendLoginBlockedUntil) throw new Error('not logged in; login backing off');
    try {
      return await login();
    } catch (e) {
      sendLoginBlockedUntil = clock() + backoffAt(1);
      throw e;
    }
  }

  // ------------------------------------------------------------ inbound

  async function deliver(m: ZaloGroupMessage): Promise<void> {
    const msg: InboundMessage | null = mapZaloGroupMessage(m, ownId);
    if (!msg) return;
    for (let attempt = 0; ; attempt++) {
      try {
        await opts.sink.message(msg);
        return;
      } catch (err) {
        const wait = SINK_RETRY_MS[attempt];
        if (wait === undefined || !running) {
          log.error(
            { err, update: msg.updateKey, platform: 'zalo' },
            'zalo message could not be handled; dropped',
          );
          return;
        }
        log.warn(
          { err, update: msg.updateKey, platform: 'zalo' },
          'zalo message handling failed; retrying',
        );
        await Promise.race([new Promise((r) => setTimeout(r, wait)), stopped.promise]);
      }
    }
  }

  function enqueue(m: ZaloGroupMessage): void {
    lastMessageAt = clock();
    const prev = chains.get(m.groupId) ?? Promise.resolve();
    const next = prev.then(() => deliver(m));
    chains.set(m.groupId, next);
    void next.finally(() => {
      if (chains.get(m.groupId) === next) chains.delete(m.groupId);
    });
  }

  // ------------------------------------------------------------ listener and watchdog

  function clearReconnect(): void {
    if (reconnectTimer) clearTimeout(reconnectTimer);
    reconnectTimer = null;
  }

  function scheduleConnect(delayMs: number): void {
    clearReconnect();
    if (!running || !holder) return;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = null;
      void connect();
    }, delayMs);
    reconnectTimer.unref?.();
  }

  function stopListening(): void {
    generation++;
    if (listening || connectedAt !== null) session?.stopListening();
    listening = false;
    connectedAt = null;
  }

  /** A fresh login, then a new listener. Never throws; failures schedule the next try. */
  async function connect(): Promise<void> {
    if (!running || !holder || listening || connecting) return;
    connecting = true;
    try {
      session = null; // a closed listener means a stale session: always log in again
      const s = await login();
      if (!running || !holder) return;
      const gen = ++generation;
      listening = true;
      const current = () => gen === generation;
      s.startListening({
        onGroupMessage: (m) => {
          if (current()) enqueue(m);
        },
        onConnected: () => {
          if (!current()) return;
          connectedAt = clock();
          log.info({ platform: 'zalo', reconnects }, 'zalo listener connected');
        },
        onDisconnected: (code, reason) => {
          if (current())
            log.debug(
              { platform: 'zalo', code, reason },
              'zalo socket dropped; zca-js may reconnect',
            );
        },
        onError: (err) => {
          if (current()) log.warn({ err, platform: 'zalo' }, 'zalo listener error');
        },
        onClosed: (code, reason) => {
          if (!current()) return;
          onClosed(code, reason);
        },
      });
    } catch (err) {
      listening = false;
      const wait = backoffAt(failures++);
      log.warn({ err, platform: 'zalo', retryInMs: wait }, 'zalo login failed; will retry');
      scheduleConnect(wait);
    } finally {
      connecting = false;
    }
  }

  function onClosed(code: number, reason: string): void {
    const upFor = connectedAt === null ? 0 : clock() - connectedAt;
    generation++;
    listening = false;
    connectedAt = null;
    lastCloseCode = code;
    reconnects++;
    if (upFor >= stableMs) failures = 0;
    if (DUPLICATE_CLOSE_CODES.has(code)) {
      log.warn(
        { platform: 'zalo', code, reason, retryInMs: duplicateBackoffMs },
        'zalo listener closed: another session took this account (close the other Zalo Web/PC session); backing off',
      );
      scheduleConnect(duplicateBackoffMs);
      return;
    }
    const wait = backoffAt(failures++);
    log.info(
      { platform: 'zalo', code, reason, retryInMs: wait },
      'zalo listener closed; logging in again',
    );
    scheduleConnect(wait);
  }

  // ------------------------------------------------------------ lease

  async function leaseTick(): Promise<void> {
    const now = clock();
    let acquired: boolean;
    try {
      acquired = await tryAcquireLease(opts.db, leaseName, opts.instanceId, leaseMs, new Date(now));
      if (acquired) lastRenewAt = now;
    } catch (err) {
      log.warn({ err, platform: 'zalo', lease: leaseName }, 'zalo listener lease check failed');
      // Unrenewed for a whole lease: another instance may hold it now, so stop listening.
      acquired = holder && clock() - lastRenewAt < leaseMs;
    }
    if (!running) return;
    if (acquired && !holder) {
      holder = true;
      failures = 0;
      log.info({ platform: 'zalo', instance: opts.instanceId }, 'zalo listener lease acquired');
      void connect();
    } else if (!acquired && holder) {
      holder = false;
      clearReconnect();
      stopListening();
      log.warn(
        { platform: 'zalo', instance: opts.instanceId },
        'zalo listener lease lost; stopped listening',
      );
    } else if (holder && !listening && !connecting && !reconnectTimer) {
      void connect(); // belt and braces: a holder always has a listener or a retry planned
    }
  }

  function scheduleLease(): void {
    if (!running) return;
    leaseTimer = setTimeout(
      () => {
        leaseTimer = null;
        leaseLoop = leaseTick().finally(scheduleLease);
      },
      Math.max(10, Math.floor(leaseMs / 3)),
    );
    leaseTimer.unref?.();
  }

  async function shutdown(release: boolean): Promise<void> {
    running = false;
    stopped.resolve();
    if (leaseTimer) clearTimeout(leaseTimer);
    leaseTimer = null;
    clearReconnect();
    await leaseLoop?.catch(() => {});
    stopListening();
    await Promise.allSettled([...chains.values()]);
    if (holder && release)
      await releaseLease(opts.db, leaseName, opts.instanceId).catch((err: unknown) =>
        log.warn({ err }, 'zalo lease release failed'),
      );
    holder = false;
  }

  return {
    platform: 'zalo',
    sender: zaloSender({ session: sessionForSend, limits: opts.limits }),
    botUsername: () => ownId,
    async start() {
      if (running) return;
      running = true;
      stopped = signal();
      leaseLoop = leaseTick();
      await leaseLoop;
      scheduleLease();
    },
    stop: () => shutdown(true),
    halt: () => shutdown(false),
    health: () => ({
      holder,
      listening: listening && connectedAt !== null,
      connectedSince: iso(connectedAt),
      lastMessageAt: iso(lastMessageAt),
      reconnects,
      lastCloseCode,
    }),
  };
}
