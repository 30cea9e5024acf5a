/**
 * ZaloConnector over the real zca-js 2.2.0 (personal/dedicated Zalo account).
 *
 * Facts this file relies on (verified against node_modules/zca-js/dist):
 * - `new Zalo(options)`; `zalo.login({ imei, cookie, userAgent, language? })` → `API`.
 *   `checkUpdate: false` skips the npm registry call made at every login.
 * - `API` methods are instance properties built in its constructor (not on the prototype).
 * - `api.sendMessage(content: string | MessageContent, threadId, type = ThreadType.User)`
 *   resolves `{ message: { msgId: number } | null, attachment: [...] }`. Without
 *   `ThreadType.Group` a group id would be treated as a user id, so we always pass it.
 * - A quote needs the whole quoted message (`content, msgType, propertyExt, uidFrom, msgId,
 *   cliMsgId, ts, ttl`), so recent inbound messages are kept in a bounded cache.
 * - `api.listener` is an EventEmitter: `message` (UserMessage | GroupMessage), `connected`,
 *   `disconnected` (code, reason), `closed` (code, reason; after its own retries when
 *   `start({ retryOnClose: true })`), `error`. `start()` throws "Already started" while a socket
 *   is open; `stop()` closes with 1000.
 * - Group message: `message.type === ThreadType.Group (1)`, `threadId` = group id (`data.idTo`),
 *   `isSelf`, `data.uidFrom`, `data.dName`, `data.msgId` (global id, string), `data.cliMsgId`,
 *   `data.ts` (ms, string), `data.msgType` (`webchat` text, `chat.photo`, `share.file`, …),
 *   `data.content` (string for text, object `{title, href, params, …}` for attachments),
 *   `data.quote?.globalMsgId` (number), `data.mentions?: {uid, pos, len, type}[]`.
 *
 * Credentials are read from a JSON file `{ imei, cookie, userAgent }` written by login.cli.ts.
 * Nothing here logs; errors are rethrown as ZaloSessionError without cookies or file content.
 */
import { readFile } from 'node:fs/promises';
import {
  ThreadType,
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
  type ZaloGroupMessage,
  type ZaloGroupSummary,
  type ZaloListenHandlers,
  type ZaloSession,
} from './zca-port';

export interface ZcaSessionOptions {
  /** Let zca-js reconnect by itself on the close codes Zalo marks retryable. Default true. */
  retryOnClose?: boolean;
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
    mentionIds: Array.isArray(d.mentions) ? d.mentions.map((m) => String(m?.uid)) : [],
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

/** Rethrow without request bodies, cookies or stack of the library's internals. */
function sanitize(e: unknown, what: string): ZaloSessionError {
  if (e instanceof ZaloSessionError) return e;
  const code = isRecord(e) && typeof e['code'] === 'number' ? e['code'] : null;
  const message = e instanceof Error ? e.message : String(e);
  // ZaloApiError messages are Zalo's error_message or short library texts; clip them anyway.
  return new ZaloSessionError(`${what}: ${message.slice(0, 300)}`, code);
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

  constructor(
    private readonly api: API,
    opts: ZcaSessionOptions,
  ) {
    this.retryOnClose = opts.retryOnClose ?? true;
    this.cacheSize = Math.max(0, opts.quoteCacheSize ?? 500);
    this.lookupNames = opts.lookupGroupNames ?? true;
    // An EventEmitter without an 'error' listener throws on 'error' (ws emits one when a socket
    // is closed before it opened), so keep a permanent no-op listener.
    api.listener.on('error', () => {});
  }

  ownId(): string {
    return String(this.api.getOwnId());
  }

  async sendGroupText(
    groupId: string,
    text: string,
    quoteMsgId?: string,
  ): Promise<{ msgId: string }> {
    const quoted = quoteMsgId !== undefined ? this.recent.get(quoteMsgId) : undefined;
    const content: MessageContent = quoted ? { msg: text, quote: quoteOf(quoted) } : { msg: text };
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

  startListening(handlers: ZaloListenHandlers): void {
    this.stopListening();
    const listener = this.api.listener;
    const onMessage = (m: Message): void => {
      let mapped: ZaloGroupMessage | null;
      try {
        mapped = mapZcaGroupMessage(m, this.ownId(), (id) => this.groupNames.get(id));
      } catch (e) {
        handlers.onError(e);
        return;
      }
      if (!mapped) return;
      if (m.type === ThreadType.Group) this.remember(m.data);
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

// ---------------------------------------------------------------- connector

/** Reads and checks the credentials file; errors never include the file's content. */
export async function readZaloCredentials(path: string): Promise<Credentials> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = isRecord(e) && typeof e['code'] === 'string' ? e['code'] : 'read error';
    throw new ZaloSessionError(
      `cannot read Zalo credentials file ${path} (${code}); run npm run zalo:login`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ZaloSessionError(`Zalo credentials file ${path} is not valid JSON`);
  }
  if (!isRecord(parsed))
    throw new ZaloSessionError(`Zalo credentials file ${path} is not an object`);
  const { imei, cookie, userAgent, language } = parsed;
  const cookieOk = Array.isArray(cookie) || (isRecord(cookie) && Array.isArray(cookie['cookies']));
  if (
    typeof imei !== 'string' ||
    !imei ||
    typeof userAgent !== 'string' ||
    !userAgent ||
    !cookieOk
  ) {
    throw new ZaloSessionError(`Zalo credentials file ${path} lacks imei, cookie or userAgent`);
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
        throw sanitize(e, 'Zalo login failed');
      }
      return createZcaSession(api, opts);
    },
  };
}
