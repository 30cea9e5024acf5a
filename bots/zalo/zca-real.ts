/**
 * ZaloConnector over the real zca-js 2.2.0 (personal/dedicated Zalo account). What each behaviour
 * rests on, with its source, is in bots/zalo/README.md; in short (node_modules/zca-js/dist):
 * - `new Zalo(options)`; `zalo.login({ imei, cookie, userAgent, language? })` → `API`.
 *   `checkUpdate: false` skips the npm registry call made at every login. A refused session
 *   throws "Đăng nhập thất bại" (login.js) or "zpw_sek bị thiếu hoặc không đúng" (getServerInfo).
 * - `API` methods are instance properties built in its constructor (not on the prototype).
 * - `api.sendMessage(content, threadId, ThreadType.Group)` resolves
 *   `{ message: { msgId } | null, attachment: [{ msgId }] }`; content takes `mentions`
 *   (`{pos, uid, len}`, group only), `urgency` (`Urgency.Urgent` = 2), `quote` (the whole quoted
 *   message, so recent inbound messages are kept in a bounded cache) and `attachments`
 *   (`{ data: Buffer, filename, metadata: { totalSize } }`). A non-image attachment is uploaded
 *   and then waits for the listener's `file_done` (uploadAttachment.js): no listener, no file.
 * - `api.listener` is an EventEmitter: `message`, `old_messages` (messages, type) answering
 *   `requestOldMessages(type, lastMsgId)`, `connected`, `disconnected`, `closed` (after its own
 *   retries, which cover only the codes Zalo lists: not 1006), `error`. After a close it resets
 *   its socket, so `start()` works again on the same session; `stop()` closes with 1000.
 * - `api.getCookie()` is the session's tough-cookie jar, refreshed by every Set-Cookie; its
 *   `toJSON().cookies` is a valid `Credentials.cookie`, written back to the credentials file.
 *
 * Credentials are a JSON file `{ imei, cookie, userAgent }` written by login.cli.ts (0600).
 * Nothing here logs; errors are rethrown as ZaloSessionError without cookies or file content.
 */
import { chmod, readFile, rename, stat, writeFile } from 'node:fs/promises';
import {
  ThreadType,
  Urgency,
  Zalo,
  type API,
  type Credentials,
  type Message,
  type MessageContent,
  type SendMessageQuote,
  type TGroupMessage,
} from 'zca-js';
import {
  ZaloSessionError,
  type ZaloAttachment,
  type ZaloConnector,
  type ZaloFile,
  type ZaloGroupMessage,
  type ZaloGroupSummary,
  type ZaloListenHandlers,
  type ZaloMention,
  type ZaloOutgoing,
  type ZaloSession,
} from './zca-port';

export interface ZcaSessionOptions {
  /** Let zca-js reconnect by itself on the close codes Zalo marks retryable. Default true. */
  retryOnClose?: boolean;
  /** How long to wait for `old_messages` after asking. Default 15 s. */
  oldMessagesTimeoutMs?: number;
  /** Where saveCredentials() writes (the file login read). Unset: saveCredentials does nothing. */
  credentialsPath?: string;
  /** The credentials the session logged in with (imei, userAgent kept when saving cookies). */
  credentials?: Credentials;
  /** How many recent inbound messages are kept so a reply can quote them. Default 500. */
  quoteCacheSize?: number;
  /** Look a group's name up (one getGroupInfo per new group, in the background). Default true. */
  lookupGroupNames?: boolean;
}

export interface ZcaConnectorOptions extends ZcaSessionOptions {
  /** Path of the credentials JSON written by `npm run zalo:login`. */
  credentialsPath: string;
}

// ---------------------------------------------------------------- mapping

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(o: Record<string, unknown>, key: string): string | undefined {
  const v = o[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function parseParams(params: unknown): Record<string, unknown> {
  if (isRecord(params)) return params;
  if (typeof params !== 'string' || params === '') return {};
  try {
    const parsed: unknown = JSON.parse(params);
    return isRecord(parsed) ? parsed : {};
  } catch {
    return {};
  }
}

function positiveNumber(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

function mapContent(
  msgType: string,
  content: unknown,
): { text: string; attachment?: ZaloAttachment } {
  if (typeof content === 'string') return { text: content };
  if (!isRecord(content)) return { text: '' };
  const href = str(content, 'href');
  const title = str(content, 'title');
  const params = parseParams(content['params']);
  switch (msgType) {
    case 'share.file': {
      const att: ZaloAttachment = { kind: 'document', url: href ?? '', zaloType: msgType };
      if (title) att.fileName = title;
      const size = positiveNumber(params['fileSize']);
      if (size !== undefined) att.size = size;
      const ext =
        typeof params['fileExt'] === 'string' && params['fileExt']
          ? params['fileExt']
          : title?.match(/\.([A-Za-z0-9]{1,8})$/)?.[1];
      if (ext) att.ext = ext.toLowerCase();
      return { text: '', attachment: att };
    }
    case 'chat.photo': {
      // Assumption: the caption typed with a photo arrives as `title` (empty when none).
      const url = href ?? (typeof params['hd'] === 'string' ? params['hd'] : '');
      return { text: title ?? '', attachment: { kind: 'photo', url, zaloType: msgType } };
    }
    case 'chat.recommended':
    case 'chat.link':
      // A message containing a link: `title` holds what was typed (or the link itself).
      return { text: title ?? href ?? '' };
    default:
      return href
        ? { text: '', attachment: { kind: 'other', url: href, zaloType: msgType } }
        : { text: '' };
  }
}

function mentionsOf(raw: unknown): ZaloMention[] {
  if (!Array.isArray(raw)) return [];
  const out: ZaloMention[] = [];
  for (const m of raw) {
    if (!isRecord(m)) continue;
    const pos = positiveNumber(m['pos']);
    const len = positiveNumber(m['len']);
    if (m['uid'] === undefined || m['uid'] === null || pos === undefined || len === undefined)
      continue;
    out.push({ uid: String(m['uid']), pos, len });
  }
  return out;
}

/**
 * zca-js message → ZaloGroupMessage; null for anything that is not somebody else's group message.
 */
export function mapZcaGroupMessage(
  message: Message,
  ownId: string,
  groupName?: (groupId: string) => string | undefined,
): ZaloGroupMessage | null {
  if (message.type !== ThreadType.Group || message.isSelf) return null;
  const d = message.data;
  // Without a message id there is no key to handle it once by.
  if (
    !d ||
    d.uidFrom === ownId ||
    d.uidFrom === '0' ||
    d.msgId === undefined ||
    d.msgId === null ||
    d.msgId === ''
  )
    return null;
  const groupId = String(message.threadId || d.idTo);
  const { text, attachment } = mapContent(String(d.msgType ?? ''), d.content);
  const out: ZaloGroupMessage = {
    msgId: String(d.msgId),
    groupId,
    senderId: String(d.uidFrom),
    senderName: typeof d.dName === 'string' ? d.dName : '',
    text,
    mentions: mentionsOf(d.mentions),
    ts: positiveNumber(d.ts) ?? Date.now(),
    raw: message,
  };
  const name = groupName?.(groupId);
  if (name) out.groupName = name;
  const q = d.quote?.globalMsgId;
  if (q !== undefined && q !== null && String(q) !== '0' && String(q) !== '')
    out.quoteMsgId = String(q);
  if (attachment) out.attachment = attachment;
  return out;
}

function quoteOf(d: TGroupMessage): SendMessageQuote {
  return {
    content: d.content,
    msgType: d.msgType,
    propertyExt: d.propertyExt,
    uidFrom: d.uidFrom,
    msgId: d.msgId,
    cliMsgId: d.cliMsgId,
    ts: d.ts,
    ttl: d.ttl,
  };
}

/** zca-js messages that mean the stored session is refused (login.js, getServerInfo). */
const SESSION_REFUSED =
  /Đăng nhập thất bại|zpw_sek|Missing required params|Khởi tạo ngữ cảnh|cookie/i;

/** Rethrow without request bodies, cookies or stack of the library's internals. */
function sanitize(e: unknown, what: string, login = false): ZaloSessionError {
  if (e instanceof ZaloSessionError) return e;
  const code = isRecord(e) && typeof e['code'] === 'number' ? e['code'] : null;
  const message = e instanceof Error ? e.message : String(e);
  // ZaloApiError messages are Zalo's error_message or short library texts; clip them anyway.
  return new ZaloSessionError(`${what}: ${message.slice(0, 300)}`, code, {
    sessionInvalid: login && SESSION_REFUSED.test(message),
  });
}

function fileSource(file: ZaloFile) {
  const data = Buffer.from(file.data.buffer, file.data.byteOffset, file.data.byteLength);
  const filename = (
    /\.[A-Za-z0-9]+$/.test(file.fileName) ? file.fileName : `${file.fileName}.bin`
  ) as `${string}.${string}`;
  return { data, filename, metadata: { totalSize: data.byteLength } };
}

// ---------------------------------------------------------------- session

type Detach = () => void;

class ZcaSession implements ZaloSession {
  private readonly recent = new Map<string, TGroupMessage>();
  private readonly groupNames = new Map<string, string>();
  private readonly lookedUp = new Set<string>();
  private detach: Detach | null = null;
  private readonly retryOnClose: boolean;
  private readonly cacheSize: number;
  private readonly lookupNames: boolean;
  private readonly oldTimeoutMs: number;
  private lastSaved: string | null = null;

  constructor(
    private readonly api: API,
    private readonly opts: ZcaSessionOptions,
  ) {
    this.retryOnClose = opts.retryOnClose ?? true;
    this.cacheSize = Math.max(0, opts.quoteCacheSize ?? 500);
    this.lookupNames = opts.lookupGroupNames ?? true;
    this.oldTimeoutMs = opts.oldMessagesTimeoutMs ?? 15_000;
    // An EventEmitter without an 'error' listener throws on 'error' (ws emits one when a socket
    // is closed before it opened), so keep a permanent no-op listener.
    api.listener.on('error', () => {});
  }

  ownId(): string {
    return String(this.api.getOwnId());
  }

  async sendGroup(groupId: string, m: ZaloOutgoing): Promise<{ msgId: string }> {
    const quoted = m.quoteMsgId !== undefined ? this.recent.get(m.quoteMsgId) : undefined;
    const content: MessageContent = { msg: m.text };
    if (quoted) content.quote = quoteOf(quoted);
    if (m.mentions?.length) content.mentions = m.mentions.map((x) => ({ ...x }));
    if (m.urgent) content.urgency = Urgency.Urgent;
    let res: Awaited<ReturnType<API['sendMessage']>>;
    try {
      res = await this.api.sendMessage(content, groupId, ThreadType.Group);
    } catch (e) {
      throw sanitize(e, 'zca-js sendMessage failed');
    }
    const id = res.message?.msgId;
    if (id === undefined || id === null)
      throw new ZaloSessionError('zca-js sendMessage returned no message id');
    return { msgId: String(id) };
  }

  async sendGroupFile(groupId: string, file: ZaloFile): Promise<{ msgId: string }> {
    let res: Awaited<ReturnType<API['sendMessage']>>;
    try {
      res = await this.api.sendMessage(
        { msg: '', attachments: [fileSource(file)] },
        groupId,
        ThreadType.Group,
      );
    } catch (e) {
      throw sanitize(e, 'zca-js sendMessage (file) failed');
    }
    const id = res.attachment[0]?.msgId;
    if (id === undefined || id === null)
      throw new ZaloSessionError('zca-js sendMessage (file) returned no message id');
    return { msgId: String(id) };
  }

  private map(m: Message): ZaloGroupMessage | null {
    const mapped = mapZcaGroupMessage(m, this.ownId(), (id) => this.groupNames.get(id));
    if (mapped && m.type === ThreadType.Group) this.remember(m.data);
    return mapped;
  }

  startListening(handlers: ZaloListenHandlers): void {
    this.stopListening();
    const listener = this.api.listener;
    const onMessage = (m: Message): void => {
      let mapped: ZaloGroupMessage | null;
      try {
        mapped = this.map(m);
      } catch (e) {
        handlers.onError(e);
        return;
      }
      if (!mapped) return;
      this.ensureGroupName(mapped.groupId);
      try {
        handlers.onGroupMessage(mapped);
      } catch (e) {
        handlers.onError(e);
      }
    };
    const onClosed = (code: number, reason: string): void => handlers.onClosed(code, reason);
    const onDisconnected = (code: number, reason: string): void =>
      handlers.onDisconnected?.(code, reason);
    const onError = (e: unknown): void => handlers.onError(e);
    const onConnected = (): void => handlers.onConnected?.();
    listener.on('message', onMessage);
    listener.on('closed', onClosed);
    listener.on('disconnected', onDisconnected);
    listener.on('error', onError);
    listener.on('connected', onConnected);
    this.detach = () => {
      listener.off('message', onMessage);
      listener.off('closed', onClosed);
      listener.off('disconnected', onDisconnected);
      listener.off('error', onError);
      listener.off('connected', onConnected);
    };
    try {
      listener.start({ retryOnClose: this.retryOnClose });
    } catch (e) {
      handlers.onError(sanitize(e, 'zca-js listener start failed'));
    }
  }

  stopListening(): void {
    const detach = this.detach;
    this.detach = null;
    if (!detach) return;
    detach();
    try {
      this.api.listener.stop();
    } catch {
      // already closed
    }
  }

  oldGroupMessages(before: string | null): Promise<ZaloGroupMessage[]> {
    const listener = this.api.listener;
    return new Promise((resolve) => {
      const done = (out: ZaloGroupMessage[]) => {
        clearTimeout(timer);
        listener.off('old_messages', onOld);
        resolve(out);
      };
      const onOld = (messages: Message[], type: ThreadType) => {
        if (type !== ThreadType.Group) return;
        const out: ZaloGroupMessage[] = [];
        for (const m of messages) {
          try {
            const mapped = this.map(m);
            if (mapped) out.push(mapped);
          } catch {
            // one malformed message does not hide the others
          }
        }
        done(out);
      };
      const timer = setTimeout(() => done([]), this.oldTimeoutMs);
      timer.unref?.();
      listener.on('old_messages', onOld);
      try {
        listener.requestOldMessages(ThreadType.Group, before);
      } catch {
        done([]);
      }
    });
  }

  async groupHistory(groupId: string, count: number): Promise<ZaloGroupMessage[]> {
    let res: Awaited<ReturnType<API['getGroupChatHistory']>>;
    try {
      res = await this.api.getGroupChatHistory(groupId, count);
    } catch (e) {
      throw sanitize(e, 'zca-js getGroupChatHistory failed');
    }
    const out: ZaloGroupMessage[] = [];
    for (const m of res.groupMsgs ?? []) {
      const mapped = this.map(m);
      if (mapped) out.push(mapped);
    }
    return out;
  }

  async checkSession(): Promise<'valid' | 'invalid' | 'unknown'> {
    try {
      await this.api.fetchAccountInfo();
      return 'valid';
    } catch (e) {
      // Zalo refusing an authenticated call with its own error code: the session is not accepted.
      // An HTTP or network failure says nothing about the session.
      return isRecord(e) && typeof e['code'] === 'number' ? 'invalid' : 'unknown';
    }
  }

  async saveCredentials(): Promise<void> {
    const path = this.opts.credentialsPath;
    const base = this.opts.credentials;
    if (!path || !base) return;
    const cookies = this.api.getCookie().toJSON()?.cookies ?? [];
    if (cookies.length === 0) return;
    const body = JSON.stringify({ ...base, cookie: cookies }, null, 2);
    if (body === this.lastSaved) return;
    await writeCredentialsFile(path, body);
    this.lastSaved = body;
  }

  async listGroups(): Promise<ZaloGroupSummary[]> {
    let ids: string[];
    try {
      ids = Object.keys((await this.api.getAllGroups()).gridVerMap ?? {});
    } catch (e) {
      throw sanitize(e, 'zca-js getAllGroups failed');
    }
    const out: ZaloGroupSummary[] = [];
    for (let i = 0; i < ids.length; i += 50) {
      const chunk = ids.slice(i, i + 50);
      try {
        const info = await this.api.getGroupInfo(chunk);
        for (const id of chunk) {
          const name = info.gridInfoMap?.[id]?.name ?? '';
          if (name) this.groupNames.set(id, name);
          out.push({ id, name });
        }
      } catch (e) {
        throw sanitize(e, 'zca-js getGroupInfo failed');
      }
    }
    return out;
  }

  private remember(d: TGroupMessage): void {
    if (this.cacheSize === 0) return;
    const id = String(d.msgId);
    this.recent.delete(id);
    this.recent.set(id, d);
    while (this.recent.size > this.cacheSize) {
      const oldest = this.recent.keys().next().value;
      if (oldest === undefined) break;
      this.recent.delete(oldest);
    }
  }

  private ensureGroupName(groupId: string): void {
    if (!this.lookupNames || this.groupNames.has(groupId) || this.lookedUp.has(groupId)) return;
    this.lookedUp.add(groupId);
    this.api
      .getGroupInfo(groupId)
      .then((info) => {
        const name = info.gridInfoMap?.[groupId]?.name;
        if (name) this.groupNames.set(groupId, name);
      })
      .catch(() => {
        this.lookedUp.delete(groupId); // try again on a later message
      });
  }
}

/** Wraps an already logged-in zca-js API (also used by the contract test with an offline API). */
export function createZcaSession(api: API, opts: ZcaSessionOptions = {}): ZaloSession {
  return new ZcaSession(api, opts);
}

// ---------------------------------------------------------------- credentials

/** Writes the credentials file atomically (temporary file, then rename), readable only by us. */
export async function writeCredentialsFile(path: string, body: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, body, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, path);
}

/** Reads and checks the credentials file; errors never include the file's content. */
export async function readZaloCredentials(path: string): Promise<Credentials> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = isRecord(e) && typeof e['code'] === 'string' ? e['code'] : 'read error';
    throw new ZaloSessionError(
      `cannot read Zalo credentials file ${path} (${code}); run npm run zalo:login`,
      null,
      { sessionInvalid: code === 'ENOENT' },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ZaloSessionError(`Zalo credentials file ${path} is not valid JSON`, null, {
      sessionInvalid: true,
    });
  }
  if (!isRecord(parsed))
    throw new ZaloSessionError(`Zalo credentials file ${path} is not an object`, null, {
      sessionInvalid: true,
    });
  const { imei, cookie, userAgent, language } = parsed;
  const cookieOk = Array.isArray(cookie) || (isRecord(cookie) && Array.isArray(cookie['cookies']));
  if (
    typeof imei !== 'string' ||
    !imei ||
    typeof userAgent !== 'string' ||
    !userAgent ||
    !cookieOk
  ) {
    throw new ZaloSessionError(
      `Zalo credentials file ${path} lacks imei, cookie or userAgent`,
      null,
      {
        sessionInvalid: true,
      },
    );
  }
  const creds: Credentials = { imei, userAgent, cookie: cookie as Credentials['cookie'] };
  if (typeof language === 'string' && language) creds.language = language;
  return creds;
}

export function createZcaConnector(opts: ZcaConnectorOptions): ZaloConnector {
  return {
    async login(): Promise<ZaloSession> {
      const credentials = await readZaloCredentials(opts.credentialsPath);
      const zalo = new Zalo({ checkUpdate: false, selfListen: false, logging: false });
      let api: API;
      try {
        api = await zalo.login(credentials);
      } catch (e) {
        throw sanitize(e, 'Zalo login failed', true);
      }
      return createZcaSession(api, { ...opts, credentials });
    },
    async credentialsVersion(): Promise<string | null> {
      try {
        const st = await stat(opts.credentialsPath);
        return `${st.mtimeMs}:${st.size}`;
      } catch {
        return null;
      }
    },
  };
}
