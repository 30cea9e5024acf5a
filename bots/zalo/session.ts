/**
 * The zca-js session of one account: logged in once and kept. A fresh login is what gets accounts
 * locked, so it happens only when there is no session yet, or when Zalo no longer accepts the one
 * we have, and never more often than `minLoginIntervalMs`. When the stored session is refused
 * ("needs a new QR login") nothing is retried until the credentials file changes (someone ran
 * `npm run zalo:login`) or a few hours have passed; the organizers are told once.
 */
import type { Timers } from '../../src/core/leases/keeper';
import type { Logger } from '../../src/log';
import { ZaloSessionError, type ZaloConnector, type ZaloSession } from './zca-port';

export interface SessionKeeperOptions {
  connector: ZaloConnector;
  timers: Timers;
  log: Logger;
  /** Least time between two logins of a working account. Default 10 min. */
  minLoginIntervalMs?: number;
  /** Waits after failed logins that were not refusals (network…). Default 5 s, 30 s, 2, 10, 30 min. */
  failedLoginBackoffMs?: number[];
  /** A refused session is tried again after this long even if the file did not change. Default 6 h. */
  refusedRetryMs?: number;
  /** The stored session was refused: a new QR login is needed. */
  onNeedsLogin?(): void;
  /** Logged in (again) after the session had been refused. */
  onLoggedIn?(): void;
}

export type SessionState = 'none' | 'ok' | 'needs-login';

export class SessionKeeper {
  private current: SessionState = 'none';
  private session: ZaloSession | null = null;
  private inFlight: Promise<ZaloSession> | null = null;
  private lastLoginAt = -Infinity;
  private failures = 0;
  private nextAttemptAt = 0;
  private refusedVersion: string | null = null;
  private refusedAt = 0;
  /** Successful and failed login attempts: what Zalo sees. */
  logins = 0;
  private readonly minInterval: number;
  private readonly backoff: number[];
  private readonly refusedRetryMs: number;

  constructor(private readonly opts: SessionKeeperOptions) {
    this.minInterval = opts.minLoginIntervalMs ?? 10 * 60_000;
    this.backoff = opts.failedLoginBackoffMs ?? [5_000, 30_000, 120_000, 600_000, 1_800_000];
    this.refusedRetryMs = opts.refusedRetryMs ?? 6 * 3_600_000;
  }

  get state(): SessionState {
    return this.current;
  }

  /** The session, if logged in. */
  get value(): ZaloSession | null {
    return this.session;
  }

  /** The current session, logging in when there is none and a login is allowed now. */
  async get(): Promise<ZaloSession> {
    if (this.session) return this.session;
    return this.login();
  }

  /**
   * Zalo refused the session we have (a probe said so): forget it, so the next get() logs in
   * again (no sooner than minLoginIntervalMs after the last login).
   */
  discard(): void {
    this.session = null;
    if (this.current === 'ok') this.current = 'none';
  }

  /** When a login may be tried next (ms epoch), or null when one may be tried now. */
  async blockedUntil(): Promise<number | null> {
    const now = this.opts.timers.now();
    if (this.current === 'needs-login') {
      const version = (await this.opts.connector.credentialsVersion?.()) ?? null;
      if (version !== null && version !== this.refusedVersion) return null;
      const at = this.refusedAt + this.refusedRetryMs;
      return at > now ? at : null;
    }
    const at = Math.max(this.nextAttemptAt, this.lastLoginAt + this.minInterval);
    return at > now ? at : null;
  }

  private login(): Promise<ZaloSession> {
    this.inFlight ??= this.attempt().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async attempt(): Promise<ZaloSession> {
    const blocked = await this.blockedUntil();
    if (blocked !== null) {
      throw new ZaloSessionError(
        this.current === 'needs-login'
          ? 'Zalo session refused; waiting for a new QR login (npm run zalo:login)'
          : `Zalo login postponed until ${new Date(blocked).toISOString()}`,
        null,
        { sessionInvalid: this.current === 'needs-login' },
      );
    }
    const timers = this.opts.timers;
    const versionBefore = (await this.opts.connector.credentialsVersion?.()) ?? null;
    this.logins++;
    this.lastLoginAt = timers.now();
    try {
      const s = await this.opts.connector.login();
      const wasRefused = this.current === 'needs-login';
      this.session = s;
      this.current = 'ok';
      this.failures = 0;
      this.nextAttemptAt = 0;
      this.opts.log.info({ platform: 'zalo', logins: this.logins }, 'zalo: logged in');
      if (wasRefused) this.opts.onLoggedIn?.();
      s.saveCredentials().catch((err: unknown) =>
        this.opts.log.warn({ err, platform: 'zalo' }, 'zalo: could not save refreshed cookies'),
      );
      return s;
    } catch (e) {
      const err =
        e instanceof ZaloSessionError
          ? e
          : new ZaloSessionError(e instanceof Error ? e.message : String(e));
      if (err.sessionInvalid) {
        const first = this.current !== 'needs-login';
        this.current = 'needs-login';
        this.refusedVersion = versionBefore;
        this.refusedAt = timers.now();
        this.opts.log.error(
          { platform: 'zalo' },
          'zalo: the stored session is refused; a new QR login is needed (npm run zalo:login)',
        );
        if (first) this.opts.onNeedsLogin?.();
      } else {
        const wait = this.backoff[Math.min(this.failures, this.backoff.length - 1)]!;
        this.failures++;
        this.nextAttemptAt = timers.now() + wait;
        this.opts.log.warn({ err, platform: 'zalo', retryInMs: wait }, 'zalo login failed');
      }
      throw err;
    }
  }
}
