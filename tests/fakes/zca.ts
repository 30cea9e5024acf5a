/**
 * A fake Zalo personal account behind our port (bots/zalo/zca-port.ts), behaving the way
 * bots/zalo/README.md says the real zca-js + Zalo do:
 *
 * - the listener's socket is closed by the server about once a minute with 1006
 *   (`closeEveryMs`), and can be started again on the same session;
 * - messages posted while no socket is connected are not pushed later: only the history asked
 *   for (`oldGroupMessages` over the socket, pages going back with `before`) returns them; the
 *   HTTP group history answers 404 (`historyEndpoint: 'gone'`, as Zalo did in 2026);
 * - a non-image file upload completes only when `file_done` reaches the listener: the socket that
 *   was connected when the upload began must still be connected when it finishes; otherwise
 *   the upload never settles;
 * - more than `burstLimit` sends within `burstWindowMs` answer error 123 ("Không thể nhận tin
 *   nhắn từ bạn.") until the window clears;
 * - `refuseSession()` makes Zalo refuse the current cookies (logins fail as "Đăng nhập thất bại",
 *   probes say invalid) until `renewCredentials()` (a new QR login).
 *
 * Time comes from the given timers, so a test can run a simulated day.
 */
import { realTimers, type Timers } from '../../src/core/leases/keeper';
import {
  ZaloSessionError,
  type ZaloConnector,
  type ZaloFile,
  type ZaloGroupMessage,
  type ZaloGroupSummary,
  type ZaloListenHandlers,
  type ZaloMention,
  type ZaloOutgoing,
  type ZaloSession,
} from '../../bots/zalo/zca-port';

export interface FakeZcaSent {
  groupId: string;
  text: string;
  quoteMsgId?: string;
  mentions?: ZaloMention[];
  urgent?: boolean;
  file?: { fileName: string; size: number };
  msgId: string;
  at: number;
}

export interface FakeZcaOptions {
  timers?: Timers;
  ownId?: string;
  /** Known groups (id → name), used for groupName and listGroups(). */
  groups?: Record<string, string>;
  /** The server closes each connected socket this long after it opened (0: never). Default 60 s. */
  closeEveryMs?: number;
  /** From start() to 'connected'. Default 300 ms. */
  connectDelayMs?: number;
  /** From upload to `file_done` through the listener. Default 2 s. */
  uploadDelayMs?: number;
  /** Sends allowed per window before error 123. Default 20 per minute. */
  burstLimit?: number;
  burstWindowMs?: number;
  /** The HTTP group history: 'gone' answers 404 (default), 'works' answers. */
  historyEndpoint?: 'gone' | 'works';
  /** Messages per socket history page. Default 50. */
  historyPage?: number;
  /** The first n logins fail (a network error, not a refusal). */
  failLogins?: number;
}

/** What a refused session answers at login (zca-js login.js). */
export const REFUSED_LOGIN = 'Zalo login failed: Đăng nhập thất bại';
/** The Zalo error_code a send into a group the account is no longer in is ASSUMED to carry. */
export const FAKE_NOT_A_MEMBER_CODE = 166;
export const FAKE_THROTTLE_CODE = 123;

export class FakeZca implements ZaloConnector {
  readonly ownId: string;
  readonly groups: Map<string, string>;
  readonly sent: FakeZcaSent[] = [];
  /** Every message users posted, in order (the account's history). */
  readonly posted: ZaloGroupMessage[] = [];
  /** Messages pushed live to a connected listener. */
  livePushed = 0;
  loginCount = 0;
  listenerStarts = 0;
  closesByServer = 0;
  sendCalls = 0;
  throttled = 0;
  credentialsSaves = 0;
  historyRequests = 0;
  session: FakeZcaSession | null = null;
  readonly timers: Timers;
  readonly opts: Required<Omit<FakeZcaOptions, 'timers' | 'ownId' | 'groups' | 'failLogins'>>;
  private failLogins: number;
  private refused = false;
  private credentialsVer = 1;
  private readonly kicked = new Set<string>();
  private readonly sendTimes: number[] = [];
  private failSends: { count: number; error: () => Error } = {
    count: 0,
    error: () => new Error('send failed'),
  };
  constructor(o: FakeZcaOptions = {}) {
    this.timers = o.timers ?? realTimers;
    this.ownId = o.ownId ?? '900000000000000001';
    this.groups = new Map(Object.entries(o.groups ?? {}));
    this.failLogins = o.failLogins ?? 0;
    this.opts = {
      closeEveryMs: o.closeEveryMs ?? 60_000,
      connectDelayMs: o.connectDelayMs ?? 300,
      uploadDelayMs: o.uploadDelayMs ?? 2_000,
      burstLimit: o.burstLimit ?? 20,
      burstWindowMs: o.burstWindowMs ?? 60_000,
      historyEndpoint: o.historyEndpoint ?? 'gone',
      historyPage: o.historyPage ?? 50,
    };
  }

  /** Zalo's message ids are global: unique across every fake of a test run. */
  newMsgId(): string {
    return String(nextMsgId++);
  }

  // ------------------------------------------------------------ connector

  async login(): Promise<ZaloSession> {
    this.loginCount++;
    if (this.failLogins > 0) {
      this.failLogins--;
      throw new ZaloSessionError('Zalo login failed: fetch failed (fake network error)');
    }
    if (this.refused) throw new ZaloSessionError(REFUSED_LOGIN, null, { sessionInvalid: true });
    this.session?.stopListening();
    this.session = new FakeZcaSession(this);
    return this.session;
  }

  async credentialsVersion(): Promise<string | null> {
    return String(this.credentialsVer);
  }

  failNextLogins(n: number): void {
    this.failLogins = n;
  }

  /** Zalo stops accepting the stored cookies. */
  refuseSession(): void {
    this.refused = true;
    this.session?.invalidate();
  }

  /** Someone ran `npm run zalo:login`: new cookies in the credentials file. */
  renewCredentials(): void {
    this.refused = false;
    this.credentialsVer++;
  }

  get isRefused(): boolean {
    return this.refused;
  }

  // ------------------------------------------------------------ the world

  /** The account was removed from this group: sends there fail from now on. */
  kick(groupId: string): void {
    this.kicked.add(groupId);
  }

  /** The next n sends throw (default: a ZaloSessionError with code -1). */
  failNextSends(
    n: number,
    error: () => Error = () => new ZaloSessionError('zca-js sendMessage failed: fake failure', -1),
  ): void {
    this.failSends = { count: n, error };
  }

  /** The listener is connected (messages posted now reach it). */
  get listening(): boolean {
    return this.session?.connected === true;
  }

  /**
   * Someone posts in a group. It reaches the listener at once if one is connected; otherwise
   * only the history has it. Returns the message.
   */
  post(m: Partial<ZaloGroupMessage> & { groupId: string; text?: string }): ZaloGroupMessage {
    const msg: ZaloGroupMessage = {
      msgId: m.msgId ?? this.newMsgId(),
      groupId: m.groupId,
      senderId: m.senderId ?? '800000000000000001',
      senderName: m.senderName ?? 'Test User',
      text: m.text ?? '',
      mentions: m.mentions ?? [],
      ts: m.ts ?? this.timers.now(),
      raw: m.raw ?? { fake: true },
    };
    const groupName = m.groupName ?? this.groups.get(m.groupId);
    if (groupName !== undefined) msg.groupName = groupName;
    if (m.quoteMsgId !== undefined) msg.quoteMsgId = m.quoteMsgId;
    if (m.attachment !== undefined) msg.attachment = m.attachment;
    this.posted.push(msg);
    const s = this.session;
    if (s?.connected && s.handlers) {
      this.livePushed++;
      s.handlers.onGroupMessage(msg);
    }
    return msg;
  }

  /** "@<name> text" with the mention of the bot's uid at position 0, as the Zalo app sends it. */
  mentionBot(text: string, name = 'Điều phối'): { text: string; mentions: ZaloMention[] } {
    const tag = `@${name}`;
    return { text: `${tag} ${text}`, mentions: [{ uid: this.ownId, pos: 0, len: tag.length }] };
  }

  /** The server closes the socket now. */
  dropConnection(code = 1006, reason = ''): void {
    this.session?.serverClose(code, reason);
  }

  emitError(e: unknown): void {
    this.session?.handlers?.onError(e);
  }

  sentTo(groupId: string): string[] {
    return this.sent.filter((s) => s.groupId === groupId).map((s) => s.text);
  }

  /** @internal a send reaches Zalo */
  recordSend(groupId: string, m: ZaloOutgoing, file?: ZaloFile): { msgId: string } {
    this.sendCalls++;
    const now = this.timers.now();
    while (this.sendTimes.length && this.sendTimes[0]! <= now - this.opts.burstWindowMs)
      this.sendTimes.shift();
    if (this.sendTimes.length >= this.opts.burstLimit) {
      this.throttled++;
      throw new ZaloSessionError(
        'zca-js sendMessage failed: Không thể nhận tin nhắn từ bạn.',
        FAKE_THROTTLE_CODE,
      );
    }
    this.sendTimes.push(now);
    if (this.kicked.has(groupId))
      throw new ZaloSessionError(
        'zca-js sendMessage failed: fake not a member',
        FAKE_NOT_A_MEMBER_CODE,
      );
    if (this.failSends.count > 0) {
      this.failSends.count--;
      throw this.failSends.error();
    }
    if (m.mentions && m.mentions.reduce((n, x) => n + x.len, 0) > m.text.length)
      throw new ZaloSessionError(
        'zca-js sendMessage failed: Invalid mentions: total mention characters exceed message length',
      );
    const s: FakeZcaSent = { groupId, text: m.text, msgId: this.newMsgId(), at: now };
    if (m.quoteMsgId !== undefined) s.quoteMsgId = m.quoteMsgId;
    if (m.mentions?.length) s.mentions = m.mentions;
    if (m.urgent) s.urgent = true;
    if (file) s.file = { fileName: file.fileName, size: file.data.byteLength };
    this.sent.push(s);
    return { msgId: s.msgId };
  }
}

const IMAGE = /\.(jpe?g|png|webp)$/i;
let nextMsgId = 7_100_000_000_000;

export class FakeZcaSession implements ZaloSession {
  handlers: ZaloListenHandlers | null = null;
  connected = false;
  /** Which socket connection is open (file_done goes to the one that saw the upload start). */
  private connection = 0;
  private valid = true;
  private cancelTimers: Array<() => void> = [];

  constructor(private readonly fake: FakeZca) {}

  ownId(): string {
    return this.fake.ownId;
  }

  invalidate(): void {
    this.valid = false;
    if (this.connected) this.serverClose(1006, '');
  }

  private later(ms: number, fn: () => void): void {
    this.cancelTimers.push(this.fake.timers.setTimeout(fn, ms));
  }

  async sendGroup(groupId: string, m: ZaloOutgoing): Promise<{ msgId: string }> {
    if (!this.valid)
      throw new ZaloSessionError('zca-js sendMessage failed: session expired', -1357);
    return this.fake.recordSend(groupId, m);
  }

  sendGroupFile(groupId: string, file: ZaloFile): Promise<{ msgId: string }> {
    if (!this.valid)
      return Promise.reject(
        new ZaloSessionError('zca-js sendMessage failed: session expired', -1357),
      );
    if (IMAGE.test(file.fileName))
      return Promise.resolve(this.fake.recordSend(groupId, { text: '' }, file));
    // Uploaded; the message goes out when file_done comes through this session's listener.
    const socket = this.connected ? this.connection : -1;
    return new Promise((resolve, reject) => {
      this.fake.timers.setTimeout(() => {
        // No listener to hear file_done: never settles, like zca-js.
        if (!this.connected || this.connection !== socket || this.fake.session !== this) return;
        try {
          resolve(this.fake.recordSend(groupId, { text: '' }, file));
        } catch (e) {
          reject(e instanceof Error ? e : new Error(String(e)));
        }
      }, this.fake.opts.uploadDelayMs);
    });
  }

  startListening(handlers: ZaloListenHandlers): void {
    this.stopListening();
    this.handlers = handlers;
    this.fake.listenerStarts++;
    this.later(this.fake.opts.connectDelayMs, () => {
      if (this.handlers !== handlers) return;
      if (!this.valid) {
        // Refused cookies: the handshake fails and the socket closes before it opened.
        this.handlers = null;
        handlers.onError(new Error('Unexpected server response: 401'));
        handlers.onClosed(1006, '');
        return;
      }
      this.connected = true;
      this.connection++;
      handlers.onConnected?.();
      if (this.fake.opts.closeEveryMs > 0)
        this.later(this.fake.opts.closeEveryMs, () => {
          if (this.handlers === handlers) this.serverClose(1006, '');
        });
    });
  }

  /** @internal the server closes the socket */
  serverClose(code: number, reason: string): void {
    const h = this.handlers;
    if (!h) return;
    this.handlers = null;
    this.connected = false;
    for (const c of this.cancelTimers) c();
    this.cancelTimers = [];
    this.fake.closesByServer++;
    h.onDisconnected?.(code, reason);
    h.onClosed(code, reason);
  }

  stopListening(): void {
    this.handlers = null;
    this.connected = false;
    for (const c of this.cancelTimers) c();
    this.cancelTimers = [];
  }

  oldGroupMessages(before: string | null): Promise<ZaloGroupMessage[]> {
    this.fake.historyRequests++;
    return new Promise((resolve) => {
      if (!this.connected) {
        // Nothing goes out on a closed socket: the request times out.
        this.fake.timers.setTimeout(() => resolve([]), 15_000);
        return;
      }
      // Answered over the open socket (a round trip; no simulated time needed).
      const all = this.fake.posted;
      const end = before === null ? all.length : all.findIndex((m) => m.msgId === before);
      const upTo = end < 0 ? all.length : end;
      resolve(all.slice(Math.max(0, upTo - this.fake.opts.historyPage), upTo).reverse());
    });
  }

  async groupHistory(groupId: string, count: number): Promise<ZaloGroupMessage[]> {
    if (this.fake.opts.historyEndpoint === 'gone')
      throw new ZaloSessionError(
        'zca-js getGroupChatHistory failed: Request failed with status code 404',
      );
    return this.fake.posted.filter((m) => m.groupId === groupId).slice(-count);
  }

  async checkSession(): Promise<'valid' | 'invalid' | 'unknown'> {
    return this.valid ? 'valid' : 'invalid';
  }

  async saveCredentials(): Promise<void> {
    this.fake.credentialsSaves++;
  }

  async listGroups(): Promise<ZaloGroupSummary[]> {
    return [...this.fake.groups].map(([id, name]) => ({ id, name }));
  }
}
