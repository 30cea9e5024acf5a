/**
 * A fake Telegram Bot API server (real HTTP on 127.0.0.1, random port) for telegraf and our
 * Telegram adapter:
 *
 *   const fake = new FakeTelegramApi();
 *   await fake.start();
 *   const bot = new Telegraf(token, { telegram: { apiRoot: fake.url } });
 *   fake.pushUpdate(tg.text(group, user, '/huongdan'));       // served by getUpdates (or POSTed to the webhook)
 *   fake.messagesTo(group.id)                                  // what the bot sent there
 *   fake.kick(chatId); fake.migrate(chatId, newId); fake.failNext('sendMessage', 2, 502); fake.storm429(3000);
 *   expect(fake.violations).toBe(0);                           // the client stayed within the limits
 *   await fake.stop();
 *
 * URLs are `${url}/bot${token}/${method}` (also `/bot${token}/test/${method}`); bodies may be
 * JSON, urlencoded, multipart/form-data (telegraf's uploads) or a query string. Answers use
 * Telegram's envelope `{ok:true,result[,description]}` / `{ok:false,error_code,description[,parameters]}`
 * with the HTTP status equal to error_code; a 502 is an HTML page as nginx sends it.
 *
 * Limits (enforceLimits, default true): counted methods (sendMessage, sendDocument,
 * editMessageText by default) are limited to 30 per sliding second overall and 20 per sliding
 * minute per group (negative chat id). A send over a limit is answered 429 `Too Many Requests:
 * retry after N` with `parameters.retry_after` and counted in `violations`; so is a send that
 * comes back before a retry_after it was given has elapsed (to that chat, or to any chat after an
 * overall 429, or to a chat after a scripted 429). With enforceLimits false, over-limit sends are
 * accepted but still counted. Scripted faults themselves (failNext, storm429) are not violations.
 *
 * Membership and deletion (as the Bot API answers them): getChatMember returns the ChatMember the
 * fake knows (`setMember`, or learnt from pushed/observed updates: a message's sender is a member,
 * new_chat_members/left_chat_member/chat_member change it), `{status:'left'}` for anyone else;
 * deleteMessage deletes the bot's own messages anywhere, users' messages in private chats, and in
 * groups only where `setBotCanDelete(chat)` was called (else 400 "message can't be deleted");
 * unknown ids answer 400 "message to delete not found". `observe(update)` lets the fake learn an
 * update a test POSTed to the webhook itself.
 *
 * Simplifications (documented, deliberate): webhook deliveries are not retried; callback query
 * ids are not checked except that one cannot be answered twice; replies to unknown messages are
 * accepted; Markdown (legacy) is not validated.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TgChat, TgUpdate, TgUser } from './telegram-updates';

export interface FakeTelegramOptions {
  /** Enforce ≤30 sends/s overall and ≤20/min per group; over → 429. Default true. */
  enforceLimits?: boolean;
  /** Probability (0..1) that a call other than getUpdates answers 502 Bad Gateway. Default 0. */
  failureRate502?: number;
  /** Delay before each answer, ms. Default 0. */
  latencyMs?: number;
  /** Seed of the PRNG used for failureRate502. Default 1. */
  seed?: number;
  /** Only this token is accepted (others → 401 Unauthorized). Default: any token. */
  token?: string;
  /** The bot returned by getMe and used as `from` of sent messages. */
  bot?: Partial<TgUser>;
  /** Methods counted against the limits. Default sendMessage, sendDocument, editMessageText. */
  limitedMethods?: string[];
  /** Overall sends per second. Default 30. */
  perSecond?: number;
  /** Sends per minute per group. Default 20. */
  perGroupPerMinute?: number;
  /** Only chats set with setChat() or seen in pushed updates exist; others → 400 chat not found. Default false. */
  strictChats?: boolean;
  /** Accept http:// webhook URLs (Telegram requires https). Default true. */
  allowHttpWebhook?: boolean;
  /** Clock (ms). Default Date.now. */
  now?: () => number;
}

export interface TelegramCall {
  method: string;
  params: Record<string, unknown>;
  /** Arrival time, ms. */
  at: number;
  token: string;
  /** HTTP status answered (0 while pending). */
  status: number;
  /** Telegram error_code/description when it failed. */
  error?: { code: number; description: string };
}

export interface RecordedFile {
  fileName: string;
  size: number;
  contentType?: string;
}

export interface FakeSentMessage {
  message_id: number;
  chatId: string;
  method: string;
  /** Text as the user sees it (entities parsed out when parse_mode was set). */
  text?: string;
  /** Text as sent. */
  rawText?: string;
  caption?: string;
  parse_mode?: string;
  reply_to_message_id?: number;
  reply_markup?: unknown;
  document?: RecordedFile & { file_id: string; data?: Buffer };
  /** unix seconds */
  date: number;
  /** ms */
  at: number;
  /** Earlier texts, oldest first, when the message was edited. */
  edits: string[];
}

export interface Violation {
  kind: 'global' | 'chat' | 'early-retry';
  method: string;
  chatId: string;
  at: number;
}

export interface WebhookDelivery {
  update_id: number;
  status: number;
  error?: string;
  at: number;
}

interface TgError {
  status: number;
  code: number;
  description: string;
  parameters?: Record<string, unknown>;
  html?: string;
}

interface Waiter {
  res: ServerResponse;
  call: TelegramCall;
  limit: number;
  allowed: string[] | null;
  timer: ReturnType<typeof setTimeout>;
}

type Params = Record<string, unknown>;
interface WaitSpec {
  limit: number;
  allowed: string[] | null;
  timeout: number;
}
type Outcome = { result: unknown; description?: string } | { error: TgError } | { wait: WaitSpec };

const DEFAULT_LIMITED = ['sendMessage', 'sendDocument', 'editMessageText'];
const CHAT_METHODS = new Set([
  'sendMessage',
  'editMessageText',
  'getChatMember',
  'deleteMessage',
  'sendDocument',
  'sendChatAction',
  'getChat',
  'leaveChat',
]);
const JSON_FIELDS = new Set([
  'reply_markup',
  'entities',
  'caption_entities',
  'reply_parameters',
  'allowed_updates',
  'commands',
  'scope',
  'link_preview_options',
]);
const CHAT_ACTIONS = new Set([
  'typing',
  'upload_photo',
  'record_video',
  'upload_video',
  'record_voice',
  'upload_voice',
  'upload_document',
  'choose_sticker',
  'find_location',
  'record_video_note',
  'upload_video_note',
]);
const BAD_GATEWAY_HTML =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n';

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Normalizes a chat id (number, "-100…" or "@name") to the key used everywhere here. */
export function chatKey(id: unknown): string {
  const s = String(id ?? '').trim();
  return /^-?\d+$/.test(s) ? String(BigInt(s)) : s;
}

const isGroupKey = (k: string): boolean => k.startsWith('-') || k.startsWith('@');
const isSupergroupKey = (k: string): boolean => /^-100\d{10,}$/.test(k);

function err(
  code: number,
  description: string,
  parameters?: Record<string, unknown>,
): { error: TgError } {
  const e: TgError = { status: code, code, description };
  if (parameters) e.parameters = parameters;
  return { error: e };
}

const badRequest = (what: string): { error: TgError } => err(400, `Bad Request: ${what}`);

function defaultDescription(code: number): string {
  switch (code) {
    case 400:
      return 'Bad Request: chat not found';
    case 401:
      return 'Unauthorized';
    case 403:
      return 'Forbidden: bot was kicked from the group chat';
    case 404:
      return 'Not Found';
    case 409:
      return 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running';
    case 429:
      return 'Too Many Requests: retry after 1';
    case 500:
      return 'Internal Server Error';
    case 502:
      return 'Bad Gateway';
    case 504:
      return 'Gateway Timeout';
    default:
      return 'Error';
  }
}

// ------------------------------------------------------------------ body parsing

function parseMultipart(
  body: Buffer,
  boundary: string,
): { fields: Params; files: Map<string, RecordedFile & { data: Buffer }> } {
  const fields: Params = {};
  const files = new Map<string, RecordedFile & { data: Buffer }>();
  const delim = Buffer.from(`--${boundary}`);
  let pos = body.indexOf(delim);
  while (pos !== -1) {
    let start = pos + delim.length;
    if (body[start] === 0x2d && body[start + 1] === 0x2d) break; // closing --boundary--
    if (body[start] === 0x0d && body[start + 1] === 0x0a) start += 2;
    const next = body.indexOf(delim, start);
    if (next === -1) break;
    let end = next;
    if (body[end - 2] === 0x0d && body[end - 1] === 0x0a) end -= 2;
    const part = body.subarray(start, end);
    const headerEnd = part.indexOf('\r\n\r\n');
    const headerText = headerEnd === -1 ? '' : part.subarray(0, headerEnd).toString('utf8');
    const data = headerEnd === -1 ? part : part.subarray(headerEnd + 4);
    const headers = new Map<string, string>();
    for (const line of headerText.split('\r\n')) {
      const i = line.indexOf(':');
      if (i > 0) headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
    }
    const cd = headers.get('content-disposition') ?? '';
    const name = /(?:^|;)\s*name="([^"]*)"/i.exec(cd)?.[1];
    const star = /filename\*=UTF-8''([^;]+)/i.exec(cd)?.[1];
    const fileName =
      star !== undefined ? decodeURIComponent(star) : /filename="([^"]*)"/i.exec(cd)?.[1];
    if (name !== undefined) {
      if (fileName !== undefined) {
        const f: RecordedFile & { data: Buffer } = {
          fileName,
          size: data.length,
          data: Buffer.from(data),
        };
        const ct = headers.get('content-type');
        if (ct) f.contentType = ct;
        files.set(name, f);
      } else {
        fields[name] = data.toString('utf8');
      }
    }
    pos = next;
  }
  return { fields, files };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

// ------------------------------------------------------------------ formatting checks

const byteOffset = (s: string, i: number): number => Buffer.byteLength(s.slice(0, i), 'utf8');

const HTML_TAGS = new Set([
  'b',
  'strong',
  'i',
  'em',
  'u',
  'ins',
  's',
  'strike',
  'del',
  'span',
  'tg-spoiler',
  'a',
  'code',
  'pre',
  'blockquote',
  'tg-emoji',
]);

function decodeHtmlEntities(s: string): string {
  return s.replace(
    /&(lt|gt|amp|quot|#(\d+)|#x([0-9a-f]+));/gi,
    (_m, name: string, dec?: string, hex?: string) => {
      if (dec) return String.fromCodePoint(Number(dec));
      if (hex) return String.fromCodePoint(parseInt(hex, 16));
      return (
        ({ lt: '<', gt: '>', amp: '&', quot: '"' } as Record<string, string>)[name.toLowerCase()] ??
        _m
      );
    },
  );
}

/** Telegram's HTML parse mode, enough to catch unescaped `<`, unknown and unbalanced tags. */
function parseHtml(text: string): { plain: string } | { error: string } {
  const stack: string[] = [];
  let plain = '';
  let i = 0;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    if (lt === -1) {
      plain += text.slice(i);
      break;
    }
    plain += text.slice(i, lt);
    const gt = text.indexOf('>', lt);
    const m =
      gt === -1 ? null : /^<(\/?)([a-zA-Z][a-zA-Z0-9-]*)(\s[^>]*)?>$/.exec(text.slice(lt, gt + 1));
    if (!m) {
      const name = /^<\/?([^\s>]*)/.exec(text.slice(lt))?.[1] ?? '';
      return {
        error: `can't parse entities: Unsupported start tag "${name}" at byte offset ${byteOffset(text, lt)}`,
      };
    }
    const closing = m[1] === '/';
    const tag = (m[2] ?? '').toLowerCase();
    if (!HTML_TAGS.has(tag)) {
      return {
        error: `can't parse entities: Unsupported ${closing ? 'end' : 'start'} tag "${tag}" at byte offset ${byteOffset(text, lt)}`,
      };
    }
    if (closing) {
      const open = stack.pop();
      if (open !== tag) {
        return {
          error: open
            ? `can't parse entities: Unmatched end tag at byte offset ${byteOffset(text, lt)}, expected "</${open}>", found "</${tag}>"`
            : `can't parse entities: Unexpected end tag at byte offset ${byteOffset(text, lt)}`,
        };
      }
    } else {
      stack.push(tag);
    }
    i = gt + 1;
  }
  if (stack.length > 0)
    return {
      error: `can't parse entities: Can't find end tag corresponding to start tag "${stack[stack.length - 1]}"`,
    };
  return { plain: decodeHtmlEntities(plain) };
}

const MDV2_ENTITY: Record<string, string> = {
  '*': 'Bold',
  _: 'Italic',
  __: 'Underline',
  '~': 'Strikethrough',
  '||': 'Spoiler',
};

/** Telegram's MarkdownV2, enough to catch unescaped reserved characters and unclosed entities. */
function parseMarkdownV2(text: string): { plain: string } | { error: string } {
  const open: Array<{ mark: string; at: number }> = [];
  let plain = '';
  let linkDepth = 0;
  let i = 0;
  const reserved = (ch: string, at: number) => ({
    error:
      `can't parse entities: Character '${ch}' is reserved and must be escaped with the preceding '\\'` as string,
    at,
  });
  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === '\\') {
      plain += text[i + 1] ?? '';
      i += 2;
      continue;
    }
    if (ch === '`') {
      const fence = text.startsWith('```', i) ? '```' : '`';
      let j = i + fence.length;
      let body = '';
      while (j < text.length && !text.startsWith(fence, j)) {
        if (text[j] === '\\') {
          body += text[j + 1] ?? '';
          j += 2;
        } else {
          body += text[j];
          j++;
        }
      }
      if (j >= text.length)
        return {
          error: `can't parse entities: Can't find end of ${fence === '`' ? 'Code' : 'Pre'} entity at byte offset ${byteOffset(text, i)}`,
        };
      plain += fence === '```' ? body.replace(/^[^\n]*\n/, '') : body;
      i = j + fence.length;
      continue;
    }
    const two = text.slice(i, i + 2);
    const mark =
      two === '__' || two === '||' ? two : ch === '*' || ch === '_' || ch === '~' ? ch : null;
    if (mark) {
      const top = open[open.length - 1];
      if (top && top.mark === mark) open.pop();
      else open.push({ mark, at: i });
      i += mark.length;
      continue;
    }
    if (ch === '[') {
      linkDepth++;
      i++;
      continue;
    }
    if (ch === ']') {
      if (linkDepth === 0) return reserved(ch, i);
      linkDepth--;
      if (text[i + 1] === '(') {
        let j = i + 2;
        while (j < text.length && text[j] !== ')') j += text[j] === '\\' ? 2 : 1;
        if (j >= text.length)
          return {
            error: `can't parse entities: Can't find end of a URL at byte offset ${byteOffset(text, i + 1)}`,
          };
        i = j + 1;
      } else {
        i++;
      }
      continue;
    }
    if (ch === '>' && (i === 0 || text[i - 1] === '\n')) {
      i++;
      continue;
    }
    if ('()>#+-=|{}.!'.includes(ch)) return reserved(ch, i);
    plain += ch;
    i++;
  }
  const last = open[open.length - 1];
  if (last)
    return {
      error: `can't parse entities: Can't find end of ${MDV2_ENTITY[last.mark] ?? 'Bold'} entity at byte offset ${byteOffset(text, last.at)}`,
    };
  if (linkDepth > 0) return { error: `can't parse entities: Can't find end of a TextUrl entity` };
  return { plain };
}

function formatted(text: string, parseMode: unknown): { plain: string } | { error: string } {
  if (parseMode === 'HTML') return parseHtml(text);
  if (parseMode === 'MarkdownV2') return parseMarkdownV2(text);
  return { plain: text };
}

function mimeOf(fileName: string): string {
  const ext = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase();
  const map: Record<string, string> = {
    pdf: 'application/pdf',
    csv: 'text/csv',
    txt: 'text/plain',
    xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    xls: 'application/vnd.ms-excel',
    docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    doc: 'application/msword',
    zip: 'application/zip',
    png: 'image/png',
    jpg: 'image/jpeg',
    jpeg: 'image/jpeg',
  };
  return (ext && map[ext]) || 'application/octet-stream';
}

function checkReplyMarkup(markup: unknown): string | null {
  if (markup === undefined || markup === null) return null;
  if (typeof markup !== 'object') return "can't parse reply keyboard markup JSON object";
  const kb = (markup as { inline_keyboard?: unknown }).inline_keyboard;
  if (kb === undefined) return null;
  if (!Array.isArray(kb))
    return 'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array';
  for (const row of kb) {
    if (!Array.isArray(row))
      return 'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays';
    for (const b of row as unknown[]) {
      const btn = b as { text?: unknown; callback_data?: unknown; url?: unknown };
      if (typeof btn.text !== 'string' || btn.text === '') return 'BUTTON_TEXT_EMPTY';
      if (btn.callback_data !== undefined) {
        const n = Buffer.byteLength(String(btn.callback_data), 'utf8');
        if (n < 1 || n > 64) return 'BUTTON_DATA_INVALID';
      }
    }
  }
  return null;
}

// ------------------------------------------------------------------ the server

export class FakeTelegramApi {
  url = '';
  readonly calls: TelegramCall[] = [];
  readonly violationLog: Violation[] = [];
  readonly webhookDeliveries: WebhookDelivery[] = [];
  readonly bot: TgUser & {
    can_join_groups: boolean;
    can_read_all_group_messages: boolean;
    supports_inline_queries: boolean;
  };
  webhook: {
    url: string;
    secret_token?: string;
    allowed_updates?: string[];
    max_connections?: number;
  } | null = null;
  commands: Array<{ command: string; description: string }> = [];

  private server: Server | null = null;
  private readonly opts: Required<Omit<FakeTelegramOptions, 'token' | 'bot' | 'seed'>> & {
    token?: string;
  };
  private rand: () => number;
  private readonly seed: number;
  private queue: TgUpdate[] = [];
  private nextUpdateId = 1;
  private waiter: Waiter | null = null;
  private messages = new Map<string, FakeSentMessage[]>();
  private lastMessageId = new Map<string, number>();
  private chats = new Map<string, TgChat>();
  private kicked = new Set<string>();
  private left = new Set<string>();
  private deleted = new Set<string>();
  private migrated = new Map<string, number>();
  private scripted = new Map<
    string,
    Array<{ code: number; description?: string; retryAfter?: number }>
  >();
  private stormUntil = 0;
  private globalWindow: number[] = [];
  private chatWindows = new Map<string, number[]>();
  private globalBlockedUntil = 0;
  private chatBlockedUntil = new Map<string, number>();
  private answeredCallbacks = new Set<string>();
  private deliveryChain: Promise<void> = Promise.resolve();
  private lastWebhookError: { date: number; message: string } | null = null;
  private callListeners = new Set<() => void>();
  private members = new Map<string, Map<number, string>>();
  private incoming = new Map<string, Set<number>>();
  private canDelete = new Set<string>();
  private deletedIds = new Map<string, number[]>();

  constructor(options: FakeTelegramOptions = {}) {
    this.opts = {
      enforceLimits: options.enforceLimits ?? true,
      failureRate502: options.failureRate502 ?? 0,
      latencyMs: options.latencyMs ?? 0,
      limitedMethods: options.limitedMethods ?? DEFAULT_LIMITED,
      perSecond: options.perSecond ?? 30,
      perGroupPerMinute: options.perGroupPerMinute ?? 20,
      strictChats: options.strictChats ?? false,
      allowHttpWebhook: options.allowHttpWebhook ?? true,
      now: options.now ?? Date.now,
    };
    if (options.token !== undefined) this.opts.token = options.token;
    this.seed = options.seed ?? 1;
    this.rand = mulberry32(this.seed);
    this.bot = {
      id: 7_000_000_001,
      is_bot: true,
      first_name: 'Điều phối',
      username: 'dieuphoi_bot',
      ...options.bot,
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
    };
  }

  // -------------------------------------------------------------- lifecycle

  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        if (!res.headersSent)
          this.send(res, {
            status: 500,
            code: 500,
            description: `Internal Server Error: ${String(e)}`,
          });
        else res.end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    const { port } = server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    this.releaseWaiter([]);
    const server = this.server;
    this.server = null;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** Forgets everything recorded and scripted (the server keeps running, update ids keep counting). */
  reset(): void {
    this.releaseWaiter([]);
    this.calls.length = 0;
    this.violationLog.length = 0;
    this.webhookDeliveries.length = 0;
    this.webhook = null;
    this.commands = [];
    this.queue = [];
    this.messages.clear();
    this.lastMessageId.clear();
    this.chats.clear();
    this.kicked.clear();
    this.left.clear();
    this.deleted.clear();
    this.migrated.clear();
    this.scripted.clear();
    this.stormUntil = 0;
    this.globalWindow = [];
    this.chatWindows.clear();
    this.globalBlockedUntil = 0;
    this.chatBlockedUntil.clear();
    this.answeredCallbacks.clear();
    this.members.clear();
    this.incoming.clear();
    this.canDelete.clear();
    this.deletedIds.clear();
    this.lastWebhookError = null;
    this.rand = mulberry32(this.seed);
  }

  // -------------------------------------------------------------- test API

  /** Sends over the limits (and early retries) seen so far. */
  get violations(): number {
    return this.violationLog.length;
  }

  /** Updates not yet confirmed by a getUpdates offset. */
  get pendingUpdates(): number {
    return this.queue.length;
  }

  /**
   * Queues an update (a builder's TgUpdate or any Update-shaped object; update_id kept when given,
   * else the next one). With a webhook set, it is POSTed there (in order, one at a time, with
   * X-Telegram-Bot-Api-Secret-Token, not retried) instead; see webhookIdle(). Returns the update_id.
   */
  pushUpdate(update: object): number {
    const given = (update as { update_id?: unknown }).update_id;
    const u = {
      ...update,
      update_id: typeof given === 'number' ? given : this.nextUpdateId,
    } as TgUpdate;
    this.nextUpdateId = Math.max(this.nextUpdateId, u.update_id + 1);
    this.learn(u);
    if (this.webhook) {
      const hook = this.webhook;
      this.deliveryChain = this.deliveryChain.then(() => this.deliver(hook, u));
      return u.update_id;
    }
    this.queue.push(u);
    if (this.waiter) {
      const w = this.waiter;
      const ready = this.selectUpdates(w.limit, w.allowed);
      if (ready.length > 0) this.releaseWaiter(ready);
    }
    return u.update_id;
  }

  /** Resolves when every pushed update has been POSTed to the webhook. */
  webhookIdle(): Promise<void> {
    return this.deliveryChain;
  }

  /** Messages the bot sent to a chat (current state; edits listed in `edits`). */
  messagesTo(chatId: number | string): FakeSentMessage[] {
    return [...(this.messages.get(chatKey(chatId)) ?? [])];
  }

  /** Texts the bot sent to a chat. */
  textsTo(chatId: number | string): string[] {
    return this.messagesTo(chatId).map((m) => m.text ?? m.caption ?? '');
  }

  callsOf(method: string): TelegramCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Resolves once `count` calls of `method` (all methods: '*') have been answered. */
  waitForCalls(method: string, count: number, timeoutMs = 5000): Promise<TelegramCall[]> {
    const done = (): TelegramCall[] | null => {
      const list = this.calls.filter(
        (c) => (method === '*' || c.method === method) && c.status !== 0,
      );
      return list.length >= count ? list : null;
    };
    const now = done();
    if (now) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const r = done();
        if (!r) return;
        clearTimeout(timer);
        this.callListeners.delete(check);
        resolve(r);
      };
      const timer = setTimeout(() => {
        this.callListeners.delete(check);
        reject(
          new Error(
            `waitForCalls(${method}, ${count}): only ${this.calls.filter((c) => method === '*' || c.method === method).length} after ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      this.callListeners.add(check);
    });
  }

  /** Learns from an update without queueing it (one a test POSTed to the webhook itself). */
  observe(update: object): void {
    this.learn(update as TgUpdate);
  }

  /** A user's status in a chat, as getChatMember will answer it. */
  setMember(
    chatId: number | string,
    userId: number,
    status: 'creator' | 'administrator' | 'member' | 'restricted' | 'left' | 'kicked',
  ): void {
    const key = chatKey(chatId);
    const m = this.members.get(key) ?? new Map<number, string>();
    m.set(userId, status);
    this.members.set(key, m);
  }

  /** The bot is an administrator with can_delete_messages in this group. */
  setBotCanDelete(chatId: number | string, can = true): void {
    if (can) this.canDelete.add(chatKey(chatId));
    else this.canDelete.delete(chatKey(chatId));
  }

  /** Message ids deleted in a chat (bot's and users'), in order. */
  deletedIn(chatId: number | string): number[] {
    return [...(this.deletedIds.get(chatKey(chatId)) ?? [])];
  }

  /** Declares a chat (title/type for getChat and message results). */
  setChat(chat: TgChat): void {
    this.chats.set(chatKey(chat.id), chat);
  }

  /** The bot was kicked: every call on this chat answers 403 from now on. */
  kick(chatId: number | string): void {
    this.kicked.add(chatKey(chatId));
  }

  /** The group became a supergroup: calls on the old id answer 400 with migrate_to_chat_id. */
  migrate(chatId: number | string, newChatId: number): void {
    const old = chatKey(chatId);
    this.migrated.set(old, newChatId);
    const known = this.chats.get(old);
    const sup: TgChat = { id: newChatId, type: 'supergroup' };
    if (known?.title !== undefined) sup.title = known.title;
    this.chats.set(chatKey(newChatId), sup);
  }

  /** The chat no longer exists: 400 chat not found. */
  deleteChat(chatId: number | string): void {
    this.deleted.add(chatKey(chatId));
  }

  /**
   * The next `count` calls of `method` ('*' = any method) fail with `errorCode`
   * (400, 403, 429 with retry_after, 500, 502 HTML, 504…). Queued after earlier scripts.
   */
  failNext(
    method: string,
    count: number,
    errorCode: number,
    o: { description?: string; retryAfter?: number } = {},
  ): void {
    const list = this.scripted.get(method) ?? [];
    for (let i = 0; i < count; i++) {
      const s: { code: number; description?: string; retryAfter?: number } = { code: errorCode };
      if (o.description !== undefined) s.description = o.description;
      if (o.retryAfter !== undefined) s.retryAfter = o.retryAfter;
      list.push(s);
    }
    this.scripted.set(method, list);
  }

  /** Every call answers 429 (retry_after = seconds left) for `ms`. */
  storm429(ms: number): void {
    this.stormUntil = this.opts.now() + ms;
  }

  // -------------------------------------------------------------- request handling

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const m = /^\/bot([^/]+)\/(?:test\/)?([A-Za-z]+)$/.exec(url.pathname);
    const body = await readBody(req);
    if (!m) {
      this.send(res, { status: 404, code: 404, description: 'Not Found' });
      return;
    }
    const token = decodeURIComponent(m[1] ?? '');
    const method = m[2] ?? '';
    const call: TelegramCall = { method, params: {}, at: this.opts.now(), token, status: 0 };
    this.calls.push(call);

    let params: Params;
    let files = new Map<string, RecordedFile & { data: Buffer }>();
    try {
      ({ params, files } = this.parseParams(req, url, body, method));
    } catch {
      this.finish(res, call, badRequest("can't parse JSON object").error);
      return;
    }
    call.params = { ...params };
    for (const [name, f] of files) {
      const rec: RecordedFile = { fileName: f.fileName, size: f.size };
      if (f.contentType) rec.contentType = f.contentType;
      call.params[name] = rec;
    }

    if (this.opts.token !== undefined && token !== this.opts.token) {
      this.finish(res, call, { status: 401, code: 401, description: 'Unauthorized' });
      return;
    }

    const outcome = this.decide(method, params, files);
    if (this.opts.latencyMs > 0) await new Promise((r) => setTimeout(r, this.opts.latencyMs));
    if ('wait' in outcome) {
      this.getUpdatesWait(res, call, outcome.wait);
      return;
    }
    if ('error' in outcome) this.finish(res, call, outcome.error);
    else this.finish(res, call, null, outcome.result, outcome.description);
  }

  private parseParams(
    req: IncomingMessage,
    url: URL,
    body: Buffer,
    method: string,
  ): { params: Params; files: Map<string, RecordedFile & { data: Buffer }> } {
    const params: Params = Object.fromEntries(url.searchParams);
    let files = new Map<string, RecordedFile & { data: Buffer }>();
    const ct = (req.headers['content-type'] ?? '').toLowerCase();
    if (body.length > 0) {
      if (ct.startsWith('application/json')) {
        Object.assign(params, JSON.parse(body.toString('utf8')) as Params);
      } else if (ct.startsWith('multipart/form-data')) {
        const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(req.headers['content-type'] ?? '');
        const b = boundary?.[1] ?? boundary?.[2];
        if (!b) throw new Error('no boundary');
        const parsed = parseMultipart(body, b.trim());
        Object.assign(params, parsed.fields);
        files = parsed.files;
      } else if (ct.startsWith('application/x-www-form-urlencoded')) {
        Object.assign(params, Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
      }
    }
    if (params['method'] === method) delete params['method']; // telegraf repeats it in multipart bodies
    for (const k of Object.keys(params)) {
      const v = params[k];
      if (JSON_FIELDS.has(k) && typeof v === 'string' && /^[[{"]/.test(v.trim())) {
        try {
          params[k] = JSON.parse(v);
        } catch {
          // leave as sent; the handler reports it
        }
      }
    }
    return { params, files };
  }

  private decide(
    method: string,
    p: Params,
    files: Map<string, RecordedFile & { data: Buffer }>,
  ): Outcome {
    const now = this.opts.now();
    if (now < this.stormUntil) {
      const s = Math.max(1, Math.ceil((this.stormUntil - now) / 1000));
      return err(429, `Too Many Requests: retry after ${s}`, { retry_after: s });
    }
    const key = p['chat_id'] !== undefined && p['chat_id'] !== '' ? chatKey(p['chat_id']) : null;
    const limited = this.opts.limitedMethods.includes(method) && key !== null;
    const script = this.scripted.get(method)?.shift() ?? this.scripted.get('*')?.shift();
    if (script) {
      const e = this.scriptedError(script);
      const retryAfter = e.error.parameters?.['retry_after'];
      // A scripted 429 is honoured like a real one: coming back early is a violation.
      if (limited && typeof retryAfter === 'number')
        this.chatBlockedUntil.set(key, now + retryAfter * 1000);
      return e;
    }
    if (
      method !== 'getUpdates' &&
      this.opts.failureRate502 > 0 &&
      this.rand() < this.opts.failureRate502
    ) {
      return this.scriptedError({ code: 502 });
    }
    if (CHAT_METHODS.has(method)) {
      if (key === null) return badRequest('chat_id is empty');
      const chatError = this.chatError(key);
      if (chatError) return chatError;
    }

    if (limited) {
      const over = this.checkLimits(method, key, now);
      if (over) return over;
    }
    const outcome = this.execute(method, p, files);
    if (limited && 'result' in outcome) {
      this.globalWindow.push(now);
      if (isGroupKey(key)) {
        const w = this.chatWindows.get(key) ?? [];
        w.push(now);
        this.chatWindows.set(key, w);
      }
    }
    return outcome;
  }

  private scriptedError(s: { code: number; description?: string; retryAfter?: number }): {
    error: TgError;
  } {
    if (s.code === 502 && s.description === undefined) {
      return {
        error: { status: 502, code: 502, description: 'Bad Gateway', html: BAD_GATEWAY_HTML },
      };
    }
    if (s.code === 429) {
      const r = s.retryAfter ?? 1;
      return err(429, s.description ?? `Too Many Requests: retry after ${r}`, { retry_after: r });
    }
    return err(s.code, s.description ?? defaultDescription(s.code));
  }

  private chatError(key: string): { error: TgError } | null {
    if (this.deleted.has(key)) return badRequest('chat not found');
    const to = this.migrated.get(key);
    if (to !== undefined)
      return err(400, 'Bad Request: group chat was upgraded to a supergroup chat', {
        migrate_to_chat_id: to,
      });
    if (this.kicked.has(key)) {
      const type =
        this.chats.get(key)?.type ??
        (isSupergroupKey(key) ? 'supergroup' : isGroupKey(key) ? 'group' : 'private');
      if (type === 'private') return err(403, 'Forbidden: bot was blocked by the user');
      return err(
        403,
        `Forbidden: bot was kicked from the ${type === 'supergroup' ? 'supergroup' : 'group'} chat`,
      );
    }
    if (this.left.has(key)) {
      return err(
        403,
        `Forbidden: bot is not a member of the ${isSupergroupKey(key) ? 'supergroup' : 'group'} chat`,
      );
    }
    if (this.opts.strictChats && !this.chats.has(key)) return badRequest('chat not found');
    return null;
  }

  private checkLimits(method: string, key: string, now: number): { error: TgError } | null {
    const grace = 10;
    const tooMany = (seconds: number): { error: TgError } =>
      err(429, `Too Many Requests: retry after ${seconds}`, { retry_after: seconds });
    const violation = (kind: Violation['kind']): void => {
      this.violationLog.push({ kind, method, chatId: key, at: now });
    };
    const blocked = Math.max(this.globalBlockedUntil, this.chatBlockedUntil.get(key) ?? 0);
    if (blocked - grace > now) {
      violation('early-retry');
      return tooMany(Math.max(1, Math.ceil((blocked - now) / 1000)));
    }
    this.globalWindow = this.globalWindow.filter((t) => t > now - 1000);
    if (this.globalWindow.length >= this.opts.perSecond) {
      violation('global');
      if (this.opts.enforceLimits) {
        const s = Math.max(1, Math.ceil(((this.globalWindow[0] ?? now) + 1000 - now) / 1000));
        this.globalBlockedUntil = now + s * 1000;
        return tooMany(s);
      }
    }
    if (isGroupKey(key)) {
      const w = (this.chatWindows.get(key) ?? []).filter((t) => t > now - 60_000);
      this.chatWindows.set(key, w);
      if (w.length >= this.opts.perGroupPerMinute) {
        violation('chat');
        if (this.opts.enforceLimits) {
          const s = Math.max(1, Math.ceil(((w[0] ?? now) + 60_000 - now) / 1000));
          this.chatBlockedUntil.set(key, now + s * 1000);
          return tooMany(s);
        }
      }
    }
    return null;
  }

  // -------------------------------------------------------------- methods

  private execute(
    method: string,
    p: Params,
    files: Map<string, RecordedFile & { data: Buffer }>,
  ): Outcome {
    switch (method) {
      case 'getMe':
        return { result: { ...this.bot } };
      case 'getUpdates':
        return this.getUpdates(p);
      case 'setWebhook':
        return this.setWebhook(p);
      case 'deleteWebhook':
        if (p['drop_pending_updates'] === true || p['drop_pending_updates'] === 'true')
          this.queue = [];
        if (!this.webhook) return { result: true, description: 'Webhook is already deleted' };
        this.webhook = null;
        return { result: true, description: 'Webhook was deleted' };
      case 'getWebhookInfo': {
        const info: Params = {
          url: this.webhook?.url ?? '',
          has_custom_certificate: false,
          pending_update_count: this.queue.length,
        };
        if (this.webhook) {
          info['max_connections'] = this.webhook.max_connections ?? 40;
          info['ip_address'] = '127.0.0.1';
          if (this.webhook.allowed_updates) info['allowed_updates'] = this.webhook.allowed_updates;
        }
        if (this.lastWebhookError) {
          info['last_error_date'] = this.lastWebhookError.date;
          info['last_error_message'] = this.lastWebhookError.message;
        }
        return { result: info };
      }
      case 'setMyCommands':
        return this.setMyCommands(p);
      case 'getMyCommands':
        return { result: this.commands };
      case 'sendMessage':
        return this.sendMessage(p);
      case 'editMessageText':
        return this.editMessageText(p);
      case 'sendDocument':
        return this.sendDocument(p, files);
      case 'answerCallbackQuery': {
        const id = String(p['callback_query_id'] ?? '');
        if (!id || this.answeredCallbacks.has(id))
          return badRequest('query is too old and response timeout expired or query ID is invalid');
        if (typeof p['text'] === 'string' && p['text'].length > 200)
          return badRequest('MESSAGE_TOO_LONG');
        this.answeredCallbacks.add(id);
        return { result: true };
      }
      case 'sendChatAction':
        if (!CHAT_ACTIONS.has(String(p['action'] ?? '')))
          return badRequest('wrong parameter action in request');
        return { result: true };
      case 'getChat':
        return { result: this.chatObject(chatKey(p['chat_id'])) };
      case 'leaveChat':
        this.left.add(chatKey(p['chat_id']));
        return { result: true };
      case 'getChatMember':
        return this.getChatMember(p);
      case 'deleteMessage':
        return this.deleteMessage(p);
      default:
        return err(404, 'Not Found');
    }
  }

  private getChatMember(p: Params): Outcome {
    const key = chatKey(p['chat_id']);
    const userId = Number(p['user_id']);
    if (!Number.isSafeInteger(userId) || userId <= 0) return badRequest('PARTICIPANT_ID_INVALID');
    const status = this.members.get(key)?.get(userId) ?? 'left';
    const user = { id: userId, is_bot: false, first_name: `User ${userId}` };
    const member: Params = { user, status };
    if (status === 'restricted') member['is_member'] = true;
    if (status === 'kicked') member['until_date'] = 0;
    return { result: member };
  }

  private deleteMessage(p: Params): Outcome {
    const key = chatKey(p['chat_id']);
    const id = Number(p['message_id']);
    const own = this.messages.get(key)?.find((m) => m.message_id === id);
    const theirs = this.incoming.get(key)?.has(id) ?? false;
    if (!own && !theirs) return badRequest('message to delete not found');
    if (!own && isGroupKey(key) && !this.canDelete.has(key))
      return badRequest("message can't be deleted");
    if (own) {
      const list = this.messages.get(key)!;
      list.splice(list.indexOf(own), 1);
    } else {
      this.incoming.get(key)!.delete(id);
    }
    const done = this.deletedIds.get(key) ?? [];
    done.push(id);
    this.deletedIds.set(key, done);
    return { result: true };
  }

  private setWebhook(p: Params): Outcome {
    const url = String(p['url'] ?? '');
    if (url === '') {
      this.webhook = null;
      return { result: true, description: 'Webhook was deleted' };
    }
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return badRequest('bad webhook: Failed to resolve host: Name or service not known');
    }
    if (
      parsed.protocol !== 'https:' &&
      !(this.opts.allowHttpWebhook && parsed.protocol === 'http:')
    ) {
      return badRequest('bad webhook: An HTTPS URL must be provided for webhook');
    }
    const secret = p['secret_token'];
    if (secret !== undefined && secret !== '' && !/^[A-Za-z0-9_-]{1,256}$/.test(String(secret))) {
      return badRequest('secret token contains unallowed characters');
    }
    if (p['drop_pending_updates'] === true || p['drop_pending_updates'] === 'true') this.queue = [];
    const hook: NonNullable<FakeTelegramApi['webhook']> = { url };
    if (secret !== undefined && secret !== '') hook.secret_token = String(secret);
    if (Array.isArray(p['allowed_updates']))
      hook.allowed_updates = p['allowed_updates'].map(String);
    if (p['max_connections'] !== undefined) hook.max_connections = Number(p['max_connections']);
    const was = this.webhook?.url === url;
    this.webhook = hook;
    this.releaseWaiter(null, err(409, 'Conflict: terminated by setWebhook request').error);
    // Updates already queued are delivered to the new webhook.
    const pending = this.queue;
    this.queue = [];
    for (const u of pending)
      this.deliveryChain = this.deliveryChain.then(() => this.deliver(hook, u));
    return { result: true, description: was ? 'Webhook is already set' : 'Webhook was set' };
  }

  private setMyCommands(p: Params): Outcome {
    const cmds = p['commands'];
    if (!Array.isArray(cmds)) return badRequest("can't parse commands JSON object");
    if (cmds.length > 100) return badRequest('too many commands');
    const out: Array<{ command: string; description: string }> = [];
    for (const c of cmds as Array<{ command?: unknown; description?: unknown }>) {
      const command = String(c.command ?? '');
      const description = String(c.description ?? '');
      if (!/^[a-z0-9_]{1,32}$/.test(command)) return badRequest('BOT_COMMAND_INVALID');
      if (description.length < 1 || description.length > 256)
        return badRequest('BOT_COMMAND_DESCRIPTION_INVALID');
      out.push({ command, description });
    }
    this.commands = out;
    return { result: true };
  }

  private nextMessageId(key: string): number {
    const id = (this.lastMessageId.get(key) ?? 0) + 1;
    this.lastMessageId.set(key, id);
    return id;
  }

  private chatObject(key: string): TgChat | Params {
    const known = this.chats.get(key);
    if (known) return known;
    if (key.startsWith('@'))
      return {
        id: -1_001_000_000_000,
        title: key.slice(1),
        username: key.slice(1),
        type: 'supergroup',
      };
    const id = Number(key);
    if (isSupergroupKey(key)) return { id, title: `Supergroup ${key}`, type: 'supergroup' };
    if (isGroupKey(key))
      return { id, title: `Group ${key}`, type: 'group', all_members_are_administrators: true };
    return { id, first_name: `User ${key}`, type: 'private' };
  }

  private messageResult(m: FakeSentMessage, extra: Params = {}): Params {
    const {
      can_join_groups: _a,
      can_read_all_group_messages: _b,
      supports_inline_queries: _c,
      ...from
    } = this.bot;
    const r: Params = {
      message_id: m.message_id,
      from,
      chat: this.chatObject(m.chatId),
      date: m.date,
      ...extra,
    };
    if (m.reply_to_message_id !== undefined) {
      const replied = this.messages
        .get(m.chatId)
        ?.find((x) => x.message_id === m.reply_to_message_id);
      r['reply_to_message'] = replied
        ? {
            message_id: replied.message_id,
            from,
            chat: r['chat'],
            date: replied.date,
            text: replied.text,
          }
        : { message_id: m.reply_to_message_id, chat: r['chat'], date: m.date };
    }
    if (m.reply_markup !== undefined) r['reply_markup'] = m.reply_markup;
    return r;
  }

  private replyTo(p: Params): number | undefined {
    const rp = p['reply_parameters'];
    if (rp && typeof rp === 'object' && 'message_id' in rp)
      return Number((rp as { message_id: unknown }).message_id);
    if (p['reply_to_message_id'] !== undefined) return Number(p['reply_to_message_id']);
    return undefined;
  }

  private sendMessage(p: Params): Outcome {
    const raw = p['text'];
    if (typeof raw !== 'string' || raw.trim() === '') return badRequest('message text is empty');
    const f = formatted(raw, p['parse_mode']);
    if ('error' in f) return badRequest(f.error);
    if (f.plain.trim() === '') return badRequest('text must be non-empty');
    if (f.plain.length > 4096) return badRequest('message is too long');
    const markupError = checkReplyMarkup(p['reply_markup']);
    if (markupError) return badRequest(markupError);
    const key = chatKey(p['chat_id']);
    const now = this.opts.now();
    const m: FakeSentMessage = {
      message_id: this.nextMessageId(key),
      chatId: key,
      method: 'sendMessage',
      text: f.plain,
      rawText: raw,
      date: Math.floor(now / 1000),
      at: now,
      edits: [],
    };
    if (typeof p['parse_mode'] === 'string') m.parse_mode = p['parse_mode'];
    const reply = this.replyTo(p);
    if (reply !== undefined) m.reply_to_message_id = reply;
    if (p['reply_markup'] !== undefined) m.reply_markup = p['reply_markup'];
    this.store(m);
    return { result: this.messageResult(m, { text: f.plain }) };
  }

  private editMessageText(p: Params): Outcome {
    if (p['inline_message_id'] !== undefined) return { result: true };
    const key = chatKey(p['chat_id']);
    const id = Number(p['message_id']);
    const raw = p['text'];
    if (typeof raw !== 'string' || raw.trim() === '') return badRequest('message text is empty');
    const f = formatted(raw, p['parse_mode']);
    if ('error' in f) return badRequest(f.error);
    if (f.plain.length > 4096) return badRequest('MESSAGE_TOO_LONG');
    const markupError = checkReplyMarkup(p['reply_markup']);
    if (markupError) return badRequest(markupError);
    const m = this.messages
      .get(key)
      ?.find((x) => x.message_id === id && x.method === 'sendMessage');
    if (!m) return badRequest('message to edit not found');
    if (
      m.text === f.plain &&
      JSON.stringify(m.reply_markup ?? null) === JSON.stringify(p['reply_markup'] ?? null)
    ) {
      return badRequest(
        'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
      );
    }
    m.edits.push(m.text ?? '');
    m.text = f.plain;
    m.rawText = raw;
    if (p['reply_markup'] !== undefined) m.reply_markup = p['reply_markup'];
    else delete m.reply_markup;
    return {
      result: this.messageResult(m, {
        edit_date: Math.floor(this.opts.now() / 1000),
        text: f.plain,
      }),
    };
  }

  private sendDocument(p: Params, files: Map<string, RecordedFile & { data: Buffer }>): Outcome {
    const key = chatKey(p['chat_id']);
    const file = files.get('document');
    let doc: FakeSentMessage['document'];
    if (file) {
      if (file.size === 0) return badRequest('file must be non-empty');
      if (file.size > 50 * 1024 * 1024) return err(413, 'Request Entity Too Large');
      doc = {
        fileName: file.fileName,
        size: file.size,
        contentType: mimeOf(file.fileName),
        file_id: `BQACAgUAAxkDAAI${this.calls.length}FakeDocument`,
        data: file.data,
      };
    } else if (typeof p['document'] === 'string' && p['document'] !== '') {
      doc = { fileName: 'document', size: 0, file_id: p['document'] };
    } else {
      return badRequest('there is no document in the request');
    }
    let caption: string | undefined;
    if (typeof p['caption'] === 'string') {
      const f = formatted(p['caption'], p['parse_mode']);
      if ('error' in f) return badRequest(f.error);
      if (f.plain.length > 1024) return badRequest('message caption is too long');
      caption = f.plain;
    }
    const markupError = checkReplyMarkup(p['reply_markup']);
    if (markupError) return badRequest(markupError);
    const now = this.opts.now();
    const m: FakeSentMessage = {
      message_id: this.nextMessageId(key),
      chatId: key,
      method: 'sendDocument',
      document: doc,
      date: Math.floor(now / 1000),
      at: now,
      edits: [],
    };
    if (caption !== undefined) m.caption = caption;
    if (typeof p['parse_mode'] === 'string') m.parse_mode = p['parse_mode'];
    const reply = this.replyTo(p);
    if (reply !== undefined) m.reply_to_message_id = reply;
    if (p['reply_markup'] !== undefined) m.reply_markup = p['reply_markup'];
    this.store(m);
    const extra: Params = {
      document: {
        file_name: doc.fileName,
        mime_type: doc.contentType ?? mimeOf(doc.fileName),
        file_id: doc.file_id,
        file_unique_id: `AgAD${m.message_id}Doc`,
        file_size: doc.size,
      },
    };
    if (caption !== undefined) extra['caption'] = caption;
    return { result: this.messageResult(m, extra) };
  }

  private store(m: FakeSentMessage): void {
    const list = this.messages.get(m.chatId) ?? [];
    list.push(m);
    this.messages.set(m.chatId, list);
  }

  // -------------------------------------------------------------- updates

  private getUpdates(p: Params): Outcome {
    if (this.webhook)
      return err(
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      );
    const offset = p['offset'] !== undefined && p['offset'] !== '' ? Number(p['offset']) : 0;
    if (offset > 0) this.queue = this.queue.filter((u) => u.update_id >= offset);
    else if (offset < 0) this.queue = this.queue.slice(offset);
    const limit = Math.min(
      100,
      Math.max(1, p['limit'] !== undefined ? Number(p['limit']) || 100 : 100),
    );
    const allowed =
      Array.isArray(p['allowed_updates']) && p['allowed_updates'].length > 0
        ? p['allowed_updates'].map(String)
        : null;
    // A newer getUpdates terminates the one still waiting.
    this.releaseWaiter(
      null,
      err(
        409,
        'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
      ).error,
    );
    const ready = this.selectUpdates(limit, allowed);
    const timeout = Number(p['timeout'] ?? 0) || 0;
    if (ready.length > 0 || timeout <= 0) return { result: ready };
    return { wait: { limit, allowed, timeout } };
  }

  private selectUpdates(limit: number, allowed: string[] | null): TgUpdate[] {
    const type = (u: TgUpdate): string => Object.keys(u).find((k) => k !== 'update_id') ?? '';
    const out: TgUpdate[] = [];
    for (const u of this.queue) {
      if (allowed && !allowed.includes(type(u))) continue;
      out.push(u);
      if (out.length >= limit) break;
    }
    return out;
  }

  private getUpdatesWait(res: ServerResponse, call: TelegramCall, w: WaitSpec): void {
    // The queue may have filled during the latency delay.
    const ready = this.selectUpdates(w.limit, w.allowed);
    if (ready.length > 0) {
      this.finish(res, call, null, ready);
      return;
    }
    const waiter: Waiter = {
      res,
      call,
      limit: w.limit,
      allowed: w.allowed,
      timer: setTimeout(() => this.releaseWaiter([]), w.timeout * 1000),
    };
    this.waiter = waiter;
    res.on('close', () => {
      if (this.waiter === waiter) {
        clearTimeout(waiter.timer);
        this.waiter = null;
        if (call.status === 0) call.status = 499; // client went away
      }
    });
  }

  private releaseWaiter(result: TgUpdate[] | null, error?: TgError): void {
    const w = this.waiter;
    if (!w) return;
    this.waiter = null;
    clearTimeout(w.timer);
    if (w.res.writableEnded || w.res.destroyed) return;
    if (error) this.finish(w.res, w.call, error);
    else this.finish(w.res, w.call, null, result ?? []);
  }

  private learn(u: TgUpdate): void {
    const msgs = [
      u.message,
      u.edited_message,
      u.callback_query?.message,
      u['channel_post'] as TgUpdate['message'],
    ];
    for (const m of msgs) {
      if (!m || typeof m !== 'object' || !m.chat) continue;
      const key = chatKey(m.chat.id);
      if (!this.chats.has(key)) this.chats.set(key, m.chat);
      if (m !== u.callback_query?.message) {
        const ids = this.incoming.get(key) ?? new Set<number>();
        ids.add(m.message_id);
        this.incoming.set(key, ids);
        const known = this.members.get(key);
        if (m.from && !m.from.is_bot && !known?.has(m.from.id))
          this.setMember(key, m.from.id, 'member');
        for (const joined of m.new_chat_members ?? []) this.setMember(key, joined.id, 'member');
        if (m.left_chat_member) this.setMember(key, m.left_chat_member.id, 'left');
      }
      this.lastMessageId.set(key, Math.max(this.lastMessageId.get(key) ?? 0, m.message_id));
      if (typeof m.migrate_to_chat_id === 'number' && !this.migrated.has(key))
        this.migrate(key, m.migrate_to_chat_id);
    }
    const cm = u['chat_member'] as TgUpdate['my_chat_member'] | undefined;
    if (cm) this.setMember(cm.chat.id, cm.new_chat_member.user.id, cm.new_chat_member.status);
    const mcm = u.my_chat_member;
    if (mcm) {
      const key = chatKey(mcm.chat.id);
      if (!this.chats.has(key)) this.chats.set(key, mcm.chat);
      const status = mcm.new_chat_member.status;
      if (status === 'kicked') this.kicked.add(key);
      else if (status === 'left') this.left.add(key);
      else {
        this.kicked.delete(key);
        this.left.delete(key);
      }
    }
  }

  private async deliver(hook: NonNullable<FakeTelegramApi['webhook']>, u: TgUpdate): Promise<void> {
    const at = this.opts.now();
    try {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (hook.secret_token) headers['x-telegram-bot-api-secret-token'] = hook.secret_token;
      const res = await fetch(hook.url, {
        method: 'POST',
        headers,
        body: JSON.stringify(u),
        signal: AbortSignal.timeout(60_000),
      });
      await res.arrayBuffer().catch(() => undefined);
      this.webhookDeliveries.push({ update_id: u.update_id, status: res.status, at });
      if (res.status < 200 || res.status >= 300)
        this.lastWebhookError = {
          date: Math.floor(at / 1000),
          message: `Wrong response from the webhook: ${res.status} ${res.statusText}`,
        };
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.webhookDeliveries.push({ update_id: u.update_id, status: 0, error: message, at });
      this.lastWebhookError = { date: Math.floor(at / 1000), message: `Connection refused` };
    }
  }

  // -------------------------------------------------------------- answers

  private finish(
    res: ServerResponse,
    call: TelegramCall,
    error: TgError | null,
    result?: unknown,
    description?: string,
  ): void {
    if (error) {
      call.status = error.status;
      call.error = { code: error.code, description: error.description };
      this.send(res, error);
    } else {
      call.status = 200;
      const body: Params = { ok: true, result };
      if (description !== undefined) body['description'] = description;
      if (!res.writableEnded && !res.destroyed) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      }
    }
    for (const l of [...this.callListeners]) l();
  }

  private send(res: ServerResponse, e: TgError): void {
    if (res.writableEnded || res.destroyed) return;
    if (e.html !== undefined) {
      res.writeHead(e.status, 'Bad Gateway', { 'content-type': 'text/html' });
      res.end(e.html);
      return;
    }
    const body: Params = { ok: false, error_code: e.code, description: e.description };
    if (e.parameters) body['parameters'] = e.parameters;
    res.writeHead(e.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }
}
