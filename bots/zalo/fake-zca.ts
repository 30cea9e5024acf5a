/**
 * In-memory ZaloConnector for tests and the sandbox: no network, no zca-js.
 *
 *   const fake = new FakeZcaConnector({ failLogins: 1 });
 *   const session = await connector.login();          // first call throws, second succeeds
 *   session.startListening(handlers);
 *   fake.deliver({ groupId: 'g1', text: '/baocao xong' });
 *   fake.dropConnection(1006);                         // handlers.onClosed(1006, …)
 *   fake.sentTo('g1')                                  // texts the bot sent to g1
 *
 * With `queueWhileDisconnected`, messages delivered while nobody listens are kept and handed to
 * the next listener right after it connects, the way Zalo's server catches a client up after a
 * reconnect; without it they are dropped (deliver() returns null).
 */
import {
  ZaloSessionError,
  type ZaloConnector,
  type ZaloGroupMessage,
  type ZaloGroupSummary,
  type ZaloListenHandlers,
  type ZaloSession,
} from './zca-port';

export interface FakeZcaSent {
  groupId: string;
  text: string;
  quoteMsgId?: string;
  msgId: string;
  at: number;
}

export interface FakeZcaOptions {
  ownId?: string;
  /** The first n logins throw. */
  failLogins?: number;
  /** Known groups (id → name), used for groupName and listGroups(). */
  groups?: Record<string, string>;
  /** Keep messages delivered while disconnected and deliver them on the next connect. Default false. */
  queueWhileDisconnected?: boolean;
}

/**
 * The Zalo error_code a send into a group the account is no longer in is ASSUMED to carry
 * (see bots/zalo/sender.ts, which classifies it as chat gone).
 */
export const FAKE_NOT_A_MEMBER_CODE = 166;

export class FakeZcaConnector implements ZaloConnector {
  readonly ownId: string;
  readonly groups: Map<string, string>;
  readonly sent: FakeZcaSent[] = [];
  loginCount = 0;
  session: FakeZcaSession | null = null;
  private failLogins: number;
  private readonly queueWhileDisconnected: boolean;
  private readonly queued: ZaloGroupMessage[] = [];
  private readonly kicked = new Set<string>();
  private failSends: { count: number; error: () => Error } = {
    count: 0,
    error: () => new Error('send failed'),
  };
  private nextMsgId = 7_100_000_000_000;

  constructor(opts: FakeZcaOptions = {}) {
    this.ownId = opts.ownId ?? '900000000000000001';
    this.failLogins = opts.failLogins ?? 0;
    this.groups = new Map(Object.entries(opts.groups ?? {}));
    this.queueWhileDisconnected = opts.queueWhileDisconnected ?? false;
  }

  /** Messages waiting for a listener (queueWhileDisconnected). */
  get pendingCount(): number {
    return this.queued.length;
  }

  /** The account was removed from this group: sends there throw a ZaloSessionError from now on. */
  kick(groupId: string): void {
    this.kicked.add(groupId);
  }

  async login(): Promise<ZaloSession> {
    this.loginCount++;
    if (this.failLogins > 0) {
      this.failLogins--;
      throw new ZaloSessionError('Zalo login failed: fake failure');
    }
    this.session?.stopListening();
    this.session = new FakeZcaSession(this);
    return this.session;
  }

  failNextLogins(n: number): void {
    this.failLogins = n;
  }

  /** The next n sends throw (default: a ZaloSessionError with code -1). */
  failNextSends(
    n: number,
    error: () => Error = () => new ZaloSessionError('zca-js sendMessage failed: fake failure', -1),
  ): void {
    this.failSends = { count: n, error };
  }

  get listening(): boolean {
    return this.session?.handlers != null;
  }

  /**
   * A group message arrives. Missing fields get defaults. Returns the delivered message, or null
   * when nobody listens (zca-js drops messages while its socket is closed); with
   * queueWhileDisconnected the message is kept for the next listener and returned.
   */
  deliver(
    m: Partial<ZaloGroupMessage> & { groupId: string; text?: string },
  ): ZaloGroupMessage | null {
    const msg: ZaloGroupMessage = {
      msgId: m.msgId ?? String(this.nextMsgId++),
      groupId: m.groupId,
      senderId: m.senderId ?? '800000000000000001',
      senderName: m.senderName ?? 'Test User',
      text: m.text ?? '',
      mentionIds: m.mentionIds ?? [],
      ts: m.ts ?? Date.now(),
      raw: m.raw ?? { fake: true },
    };
    const groupName = m.groupName ?? this.groups.get(m.groupId);
    if (groupName !== undefined) msg.groupName = groupName;
    if (m.quoteMsgId !== undefined) msg.quoteMsgId = m.quoteMsgId;
    if (m.attachment !== undefined) msg.attachment = m.attachment;
    const h = this.session?.handlers;
    if (!h) {
      if (!this.queueWhileDisconnected) return null;
      this.queued.push(msg);
      return msg;
    }
    h.onGroupMessage(msg);
    return msg;
  }

  /** @internal called by FakeZcaSession once its listener is connected */
  flushQueued(session: FakeZcaSession): void {
    while (this.queued.length > 0 && this.session === session && session.handlers) {
      session.handlers.onGroupMessage(this.queued.shift()!);
    }
  }

  /** The socket drops for good: onClosed(code, reason) and the listener stops. */
  dropConnection(code = 1006, reason = ''): void {
    const h = this.session?.handlers;
    if (!h || !this.session) return;
    this.session.handlers = null;
    h.onClosed(code, reason);
  }

  emitError(e: unknown): void {
    this.session?.handlers?.onError(e);
  }

  sentTo(groupId: string): string[] {
    return this.sent.filter((s) => s.groupId === groupId).map((s) => s.text);
  }

  /** @internal used by FakeZcaSession */
  recordSend(groupId: string, text: string, quoteMsgId: string | undefined): { msgId: string } {
    if (this.kicked.has(groupId))
      throw new ZaloSessionError(
        'zca-js sendMessage failed: fake not a member',
        FAKE_NOT_A_MEMBER_CODE,
      );
    if (this.failSends.count > 0) {
      this.failSends.count--;
      throw this.failSends.error();
    }
    const s: FakeZcaSent = { groupId, text, msgId: String(this.nextMsgId++), at: Date.now() };
    if (quoteMsgId !== undefined) s.quoteMsgId = quoteMsgId;
    this.sent.push(s);
    return { msgId: s.msgId };
  }
}

export class FakeZcaSession implements ZaloSession {
  handlers: ZaloListenHandlers | null = null;
  constructor(private readonly fake: FakeZcaConnector) {}

  ownId(): string {
    return this.fake.ownId;
  }

  async sendGroupText(
    groupId: string,
    text: string,
    quoteMsgId?: string,
  ): Promise<{ msgId: string }> {
    return this.fake.recordSend(groupId, text, quoteMsgId);
  }

  startListening(handlers: ZaloListenHandlers): void {
    this.handlers = handlers;
    queueMicrotask(() => {
      if (this.handlers !== handlers) return;
      handlers.onConnected?.();
      this.fake.flushQueued(this);
    });
  }

  stopListening(): void {
    this.handlers = null;
  }

  async listGroups(): Promise<ZaloGroupSummary[]> {
    return [...this.fake.groups].map(([id, name]) => ({ id, name }));
  }
}
