/**
 * A fake of the official Zalo Bot API (Telegram-like HTTP, real server on 127.0.0.1) and
 * builders of its update payloads, following the documented shapes (sources in
 * bots/zalo-bot/README.md):
 *
 *   const fake = new FakeZaloBotApi();  await fake.start();
 *   // client: POST `${fake.url}/bot${token}/sendMessage` {chat_id, text}
 *   fake.pushUpdate(zb.text(zb.group(), zb.user(), '@Điều phối /lienket ABC'));  // → webhook or getUpdates
 *   fake.textsTo(chatId); fake.failNext('sendMessage', 1, 429); await fake.stop();
 *
 * - `POST /bot<TOKEN>/<method>` with JSON; answers `{ok:true,result}` or
 *   `{ok:false,error_code,description}`. Failures come with HTTP 200 by default (`ok` is what
 *   tells success); `errorStatus: 'code'` answers with the error code as HTTP status instead.
 * - Methods: getMe → `{id, account_name, account_type, can_join_groups}` (no display name),
 *   getUpdates, setWebhook (`secret_token` 8–256 chars), deleteWebhook, getWebhookInfo,
 *   sendMessage (`chat_id`, `text` 1–2000 chars), sendPhoto (by URL), sendSticker,
 *   sendChatAction. Anything else (sendDocument, editMessageText, …) answers 404 and is recorded
 *   in `unknownCalls`; a parameter the method does not take (reply_to_message_id, …) is recorded
 *   in `unknownParams`, so a test can assert the bot never used what the API lacks.
 * - getUpdates returns ONE update (`result: {event_name, message}`) or error 408 when none came
 *   within `timeout` seconds; no offset (an update is consumed when returned); refused (409)
 *   while a webhook is set.
 * - Webhook deliveries carry `X-Bot-Api-Secret-Token`; the body is bare `{event_name, message}`
 *   (what openclaw's handler reports receiving) unless `webhookShape: 'wrapped'`.
 * - message: `{from:{id, display_name, is_bot}, chat:{id, chat_type:'PRIVATE'|'GROUP'},
 *   message_id, date (ms)}` plus `text` (message.text.received), `photo_url` + `caption`
 *   (message.image.received), `sticker` + `url` (message.sticker.received); voice and
 *   unsupported messages carry nothing more.
 * - Error descriptions are invented in Telegram's style.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// ------------------------------------------------------------------ payload types and builders

export interface ZaloBotUser {
  id: string;
  display_name: string;
  is_bot: boolean;
}

export interface ZaloBotChat {
  id: string;
  chat_type: 'GROUP' | 'PRIVATE';
}

export interface ZaloBotMessage {
  from: ZaloBotUser;
  chat: ZaloBotChat;
  message_id: string;
  /** ms since the epoch */
  date: number;
  text?: string;
  photo_url?: string;
  caption?: string;
  sticker?: string;
  url?: string;
  [key: string]: unknown;
}

export type ZaloBotEventName =
  | 'message.text.received'
  | 'message.image.received'
  | 'message.sticker.received'
  | 'message.voice.received'
  | 'message.unsupported.received';

/** The body POSTed to the webhook (and returned by getUpdates). */
export interface ZaloBotUpdate {
  ok: true;
  result: { event_name: ZaloBotEventName; message: ZaloBotMessage };
}

export function createZaloBotUpdates(opts: { now?: () => number } = {}) {
  const now = opts.now ?? Date.now;
  let seq = 0;
  const hex = (n: number, len: number): string => {
    let x = (n * 2654435761) >>> 0;
    let out = '';
    while (out.length < len) {
      out += x.toString(16).padStart(8, '0');
      x = Math.imul(x ^ (x >>> 13), 0x5bd1e995) >>> 0;
    }
    return out.slice(0, len);
  };
  const wrap = (event_name: ZaloBotEventName, message: ZaloBotMessage): ZaloBotUpdate => ({
    ok: true,
    result: { event_name, message },
  });
  const base = (
    chat: ZaloBotChat,
    from: ZaloBotUser,
    o: { messageId?: string; date?: number | Date },
  ): ZaloBotMessage => ({
    from,
    chat,
    message_id: o.messageId ?? hex(1_000_000 + ++seq, 32),
    date: o.date instanceof Date ? o.date.getTime() : (o.date ?? now()),
  });
  return {
    user(o: Partial<ZaloBotUser> = {}): ZaloBotUser {
      seq++;
      return { id: hex(seq, 20), display_name: `User ${seq}`, is_bot: false, ...o };
    },
    group(o: Partial<ZaloBotChat> = {}): ZaloBotChat {
      seq++;
      return { id: hex(500 + seq, 20), chat_type: 'GROUP', ...o };
    },
    privateChat(user: ZaloBotUser): ZaloBotChat {
      return { id: user.id, chat_type: 'PRIVATE' };
    },
    text(
      chat: ZaloBotChat,
      from: ZaloBotUser,
      text: string,
      o: { messageId?: string; date?: number | Date } = {},
    ): ZaloBotUpdate {
      return wrap('message.text.received', { ...base(chat, from, o), text });
    },
    image(
      chat: ZaloBotChat,
      from: ZaloBotUser,
      photoUrl: string,
      caption?: string,
      o: { messageId?: string; date?: number | Date } = {},
    ): ZaloBotUpdate {
      const m: ZaloBotMessage = { ...base(chat, from, o), photo_url: photoUrl };
      if (caption !== undefined) m.caption = caption;
      return wrap('message.image.received', m);
    },
    sticker(
      chat: ZaloBotChat,
      from: ZaloBotUser,
      o: { messageId?: string; date?: number | Date } = {},
    ): ZaloBotUpdate {
      return wrap('message.sticker.received', {
        ...base(chat, from, o),
        sticker: hex(++seq, 12),
        url: 'https://zalo-api.zadn.vn/api/emoticon/sticker/webpc?eid=1',
      });
    },
    unsupported(
      chat: ZaloBotChat,
      from: ZaloBotUser,
      o: { messageId?: string; date?: number | Date } = {},
    ): ZaloBotUpdate {
      return wrap('message.unsupported.received', base(chat, from, o));
    },
    voice(
      chat: ZaloBotChat,
      from: ZaloBotUser,
      o: { messageId?: string; date?: number | Date } = {},
    ): ZaloBotUpdate {
      return wrap('message.voice.received', base(chat, from, o));
    },
  };
}

// ------------------------------------------------------------------ the server

export interface FakeZaloBotOptions {
  /** Only this token is accepted (others → 401). Default: any. */
  token?: string;
  latencyMs?: number;
  /** Default 2000. */
  maxTextLength?: number;
  now?: () => number;
  /** HTTP status of failures: 200 (default, `ok:false` tells) or the error code itself. */
  errorStatus?: 200 | 'code';
  /** Body POSTed to the webhook. Default 'bare'. */
  webhookShape?: 'bare' | 'wrapped';
}

/** The parameters each documented method takes. */
const METHOD_PARAMS: Record<string, readonly string[]> = {
  getMe: [],
  getUpdates: ['timeout'],
  setWebhook: ['url', 'secret_token'],
  deleteWebhook: [],
  getWebhookInfo: [],
  sendMessage: ['chat_id', 'text'],
  sendPhoto: ['chat_id', 'photo', 'caption'],
  sendSticker: ['chat_id', 'sticker'],
  sendChatAction: ['chat_id', 'action'],
};

export interface ZaloBotCall {
  method: string;
  params: Record<string, unknown>;
  at: number;
  token: string;
  status: number;
  error?: { code: number; description: string };
}

export interface ZaloBotSent {
  message_id: string;
  chatId: string;
  text: string;
  date: number;
  at: number;
}

interface ZError {
  code: number;
  description: string;
}

type Outcome = { result: unknown } | { error: ZError } | { wait: number };

function zerr(code: number, description: string): { error: ZError } {
  return { error: { code, description } };
}

function defaultDescription(code: number): string {
  return (
    (
      {
        400: 'Bad Request',
        401: 'Unauthorized',
        403: 'Forbidden: bot cannot send messages to this chat',
        404: 'Not Found',
        408: 'Request timeout',
        429: 'Too Many Requests',
        500: 'Internal Server Error',
        502: 'Bad Gateway',
      } as Record<number, string>
    )[code] ?? 'Error'
  );
}

export class FakeZaloBotApi {
  url = '';
  readonly calls: ZaloBotCall[] = [];
  readonly webhookDeliveries: Array<{ status: number; error?: string; at: number }> = [];
  webhook: { url: string; secret_token: string } | null = null;
  /** Calls of methods the API does not have. */
  readonly unknownCalls: ZaloBotCall[] = [];
  /** Parameters a documented method does not take: `${method}.${param}`. */
  readonly unknownParams: string[] = [];
  readonly bot = {
    id: '1234567890123456789',
    account_name: 'bot.dieuphoi',
    account_type: 'BASIC',
    can_join_groups: true,
  };

  private server: Server | null = null;
  private readonly opts: {
    token?: string;
    latencyMs: number;
    maxTextLength: number;
    now: () => number;
    errorStatus: 200 | 'code';
    webhookShape: 'bare' | 'wrapped';
  };
  private queue: ZaloBotUpdate[] = [];
  private waiter: {
    res: ServerResponse;
    call: ZaloBotCall;
    timer: ReturnType<typeof setTimeout>;
  } | null = null;
  private sent = new Map<string, ZaloBotSent[]>();
  private nextMessageId = 1;
  private forbidden = new Set<string>();
  private scripted = new Map<string, Array<{ code: number; description?: string }>>();
  private deliveryChain: Promise<void> = Promise.resolve();

  constructor(o: FakeZaloBotOptions = {}) {
    this.opts = {
      latencyMs: o.latencyMs ?? 0,
      maxTextLength: o.maxTextLength ?? 2000,
      now: o.now ?? Date.now,
      errorStatus: o.errorStatus ?? 200,
      webhookShape: o.webhookShape ?? 'bare',
    };
    if (o.token !== undefined) this.opts.token = o.token;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) =>
        this.answer(res, null, zerr(500, `Internal Server Error: ${String(e)}`).error),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.releaseWaiter();
    const server = this.server;
    this.server = null;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  reset(): void {
    this.releaseWaiter();
    this.calls.length = 0;
    this.unknownCalls.length = 0;
    this.unknownParams.length = 0;
    this.webhookDeliveries.length = 0;
    this.webhook = null;
    this.queue = [];
    this.sent.clear();
    this.forbidden.clear();
    this.scripted.clear();
  }

  /** Queues an update for getUpdates, or POSTs it to the webhook when one is set. */
  pushUpdate(u: ZaloBotUpdate): void {
    if (this.webhook) {
      const hook = this.webhook;
      this.deliveryChain = this.deliveryChain.then(() => this.deliver(hook, u));
      return;
    }
    this.queue.push(u);
    const w = this.waiter;
    if (w) {
      this.waiter = null;
      clearTimeout(w.timer);
      this.answer(w.res, w.call, null, this.queue.shift()?.result);
    }
  }

  webhookIdle(): Promise<void> {
    return this.deliveryChain;
  }

  messagesTo(chatId: string): ZaloBotSent[] {
    return [...(this.sent.get(String(chatId)) ?? [])];
  }

  textsTo(chatId: string): string[] {
    return this.messagesTo(chatId).map((m) => m.text);
  }

  callsOf(method: string): ZaloBotCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Sends to this chat answer 403 from now on (bot removed / user blocked the bot). */
  forbid(chatId: string): void {
    this.forbidden.add(String(chatId));
  }

  /** The next `count` calls of `method` ('*' = any) fail with `errorCode`. */
  failNext(
    method: string,
    count: number,
    errorCode: number,
    o: { description?: string } = {},
  ): void {
    const list = this.scripted.get(method) ?? [];
    for (let i = 0; i < count; i++)
      list.push(
        o.description !== undefined
          ? { code: errorCode, description: o.description }
          : { code: errorCode },
      );
    this.scripted.set(method, list);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const m = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    if (!m) {
      this.answer(res, null, zerr(404, 'Not Found').error);
      return;
    }
    const call: ZaloBotCall = {
      method: m[2] ?? '',
      params: Object.fromEntries(url.searchParams),
      at: this.opts.now(),
      token: decodeURIComponent(m[1] ?? ''),
      status: 0,
    };
    this.calls.push(call);
    const body = Buffer.concat(chunks).toString('utf8');
    if (body.trim() !== '') {
      try {
        const parsed: unknown = JSON.parse(body);
        if (parsed && typeof parsed === 'object') Object.assign(call.params, parsed);
      } catch {
        this.answer(res, call, zerr(400, 'Bad Request: invalid JSON body').error);
        return;
      }
    }
    if (this.opts.token !== undefined && call.token !== this.opts.token) {
      this.answer(res, call, zerr(401, 'Unauthorized').error);
      return;
    }
    const known = METHOD_PARAMS[call.method];
    if (!known) {
      this.unknownCalls.push(call);
    } else {
      for (const k of Object.keys(call.params))
        if (!known.includes(k)) this.unknownParams.push(`${call.method}.${k}`);
    }
    const outcome = this.decide(call);
    if (this.opts.latencyMs > 0) await new Promise((r) => setTimeout(r, this.opts.latencyMs));
    if ('wait' in outcome) {
      const waiter = {
        res,
        call,
        timer: setTimeout(() => {
          if (this.waiter === waiter) this.waiter = null;
          this.answer(res, call, zerr(408, 'Request timeout').error);
        }, outcome.wait * 1000),
      };
      this.waiter = waiter;
      res.on('close', () => {
        if (this.waiter === waiter) {
          clearTimeout(waiter.timer);
          this.waiter = null;
        }
      });
      return;
    }
    if ('error' in outcome) this.answer(res, call, outcome.error);
    else this.answer(res, call, null, outcome.result);
  }

  private decide(call: ZaloBotCall): Outcome {
    const p = call.params;
    const script = this.scripted.get(call.method)?.shift() ?? this.scripted.get('*')?.shift();
    if (script) return zerr(script.code, script.description ?? defaultDescription(script.code));
    switch (call.method) {
      case 'getMe':
        return { result: this.bot };
      case 'setWebhook': {
        const url = String(p['url'] ?? '');
        const secret = String(p['secret_token'] ?? '');
        try {
          new URL(url);
        } catch {
          return zerr(400, 'Bad Request: invalid webhook url');
        }
        if (secret.length < 8 || secret.length > 256)
          return zerr(400, 'Bad Request: secret_token must be 8-256 characters');
        this.webhook = { url, secret_token: secret };
        this.releaseWaiter();
        const pending = this.queue;
        this.queue = [];
        for (const u of pending)
          this.deliveryChain = this.deliveryChain.then(() =>
            this.deliver({ url, secret_token: secret }, u),
          );
        return { result: { url, updated_at: this.opts.now() } };
      }
      case 'deleteWebhook':
        this.webhook = null;
        return { result: { url: '', updated_at: this.opts.now() } };
      case 'getWebhookInfo':
        return { result: { url: this.webhook?.url ?? '', updated_at: this.opts.now() } };
      case 'getUpdates': {
        if (this.webhook)
          return zerr(409, 'Conflict: webhook is active; delete it before using getUpdates');
        const next = this.queue.shift();
        if (next) return { result: next.result };
        const timeout = Number(p['timeout'] ?? 30) || 0;
        if (timeout <= 0) return zerr(408, 'Request timeout');
        this.releaseWaiter();
        return { wait: timeout };
      }
      case 'sendMessage': {
        const chatId = String(p['chat_id'] ?? '');
        const text = p['text'];
        if (!chatId) return zerr(400, 'Bad Request: chat_id is required');
        if (typeof text !== 'string' || text.trim() === '')
          return zerr(400, 'Bad Request: text is required');
        if (text.length > this.opts.maxTextLength)
          return zerr(
            400,
            `Bad Request: text must be at most ${this.opts.maxTextLength} characters`,
          );
        if (this.forbidden.has(chatId)) return zerr(403, defaultDescription(403));
        const at = this.opts.now();
        const sent: ZaloBotSent = {
          message_id: String(this.nextMessageId++),
          chatId,
          text,
          date: at,
          at,
        };
        const list = this.sent.get(chatId) ?? [];
        list.push(sent);
        this.sent.set(chatId, list);
        return { result: { message_id: sent.message_id, date: sent.date } };
      }
      case 'sendPhoto':
      case 'sendSticker': {
        const chatId = String(p['chat_id'] ?? '');
        const what = String(p[call.method === 'sendPhoto' ? 'photo' : 'sticker'] ?? '');
        if (!chatId || !what) return zerr(400, 'Bad Request: chat_id and content are required');
        if (this.forbidden.has(chatId)) return zerr(403, defaultDescription(403));
        return { result: { message_id: String(this.nextMessageId++), date: this.opts.now() } };
      }
      case 'sendChatAction':
        return { result: true };
      default:
        return zerr(404, 'Not Found');
    }
  }

  private releaseWaiter(): void {
    const w = this.waiter;
    if (!w) return;
    this.waiter = null;
    clearTimeout(w.timer);
    this.answer(
      w.res,
      w.call,
      zerr(409, 'Conflict: terminated by another getUpdates request').error,
    );
  }

  private async deliver(
    hook: { url: string; secret_token: string },
    u: ZaloBotUpdate,
  ): Promise<void> {
    const at = this.opts.now();
    try {
      const res = await fetch(hook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-bot-api-secret-token': hook.secret_token,
        },
        body: JSON.stringify(this.opts.webhookShape === 'wrapped' ? u : u.result),
        signal: AbortSignal.timeout(30_000),
      });
      await res.arrayBuffer().catch(() => undefined);
      this.webhookDeliveries.push({ status: res.status, at });
    } catch (e) {
      this.webhookDeliveries.push({
        status: 0,
        error: e instanceof Error ? e.message : String(e),
        at,
      });
    }
  }

  private answer(
    res: ServerResponse,
    call: ZaloBotCall | null,
    error: ZError | null,
    result?: unknown,
  ): void {
    if (call) {
      call.status = error ? error.code : 200;
      if (error) call.error = { ...error };
    }
    if (res.writableEnded || res.destroyed) return;
    const status = error && this.opts.errorStatus === 'code' ? error.code : 200;
    res.writeHead(error && !call ? error.code : status, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify(
        error
          ? { ok: false, error_code: error.code, description: error.description }
          : { ok: true, result },
      ),
    );
  }
}
