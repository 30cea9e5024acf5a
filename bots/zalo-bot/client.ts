/**
 * A minimal client of the official Zalo Bot API: `POST {apiRoot}/bot{TOKEN}/{method}` with a JSON
 * body, answered `{ok:true,result}` or `{ok:false,error_code,description}`. Success is `ok: true`
 * and nothing else: Zalo may answer HTTP 200 with `ok:false`. Uses global fetch, so it runs on
 * Node and on Workers alike. Errors never carry the token (it is part of the URL).
 *
 * Sources (bots/zalo-bot/README.md): the envelope and the method list as openclaw's
 * extensions/zalo/src/api.ts quotes https://bot.zaloplatforms.com/docs. ASSUMED: an optional
 * Telegram-style `parameters.retry_after` (seconds) or a Retry-After header on 429.
 */

/**
 * Every method the Bot API documents. The client takes no other name, so the bot cannot call one
 * the API lacks (no sendDocument, no editMessageText, no reply-to parameter).
 */
export type ZaloBotMethod =
  | 'getMe'
  | 'getUpdates'
  | 'setWebhook'
  | 'deleteWebhook'
  | 'getWebhookInfo'
  | 'sendMessage'
  | 'sendPhoto'
  | 'sendSticker'
  | 'sendChatAction';

/** Zalo answered with an error (one type per failure kind, as grammY does). */
export class ZaloBotApiError extends Error {
  constructor(
    readonly method: string,
    readonly code: number,
    readonly description: string,
    /** Seconds to wait, when a 429 said so. */
    readonly retryAfter: number | null = null,
  ) {
    super(`zalo-bot ${method}: ${code} ${description}`);
    this.name = 'ZaloBotApiError';
  }
}

/** The request did not get an answer (network, timeout). */
export class ZaloBotNetworkError extends Error {
  constructor(
    readonly method: string,
    cause: unknown,
  ) {
    super(
      `zalo-bot ${method}: no answer (${cause instanceof Error ? cause.message : String(cause)})`,
    );
    this.name = 'ZaloBotNetworkError';
  }
}

const IDEMPOTENT: ReadonlySet<ZaloBotMethod> = new Set([
  'getMe',
  'setWebhook',
  'deleteWebhook',
  'getWebhookInfo',
]);

export interface ZaloBotClientOptions {
  token: string;
  apiRoot: string;
  /** Per request. Default 15 s. */
  timeoutMs?: number;
}

export interface ZaloBotClient {
  call<T>(
    method: ZaloBotMethod,
    params?: Record<string, unknown>,
    options?: { timeoutMs?: number; signal?: AbortSignal },
  ): Promise<T>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function retryAfterOf(body: Record<string, unknown>, res: Response): number | null {
  const params = body['parameters'];
  if (isRecord(params) && typeof params['retry_after'] === 'number' && params['retry_after'] >= 0)
    return params['retry_after'];
  const header = Number(res.headers.get('retry-after'));
  return Number.isFinite(header) && header >= 0 && res.headers.has('retry-after') ? header : null;
}

export function zaloBotClient(opts: ZaloBotClientOptions): ZaloBotClient {
  const root = opts.apiRoot.replace(/\/+$/, '');
  const timeoutMs = opts.timeoutMs ?? 15_000;
  return {
    async call<T>(
      method: ZaloBotMethod,
      params: Record<string, unknown> = {},
      options: { timeoutMs?: number; signal?: AbortSignal } = {},
    ): Promise<T> {
      const request = () =>
        fetch(`${root}/bot${opts.token}/${method}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(params),
          signal: options.signal
            ? AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs ?? timeoutMs)])
            : AbortSignal.timeout(options.timeoutMs ?? timeoutMs),
        });
      let res: Response;
      try {
        res = await request();
      } catch (e) {
        // A kept-alive connection the server closed meanwhile fails at once: asking again is safe
        // for calls that change nothing twice (a send is left to the outbox's own retries).
        if (!IDEMPOTENT.has(method) || options.signal?.aborted)
          throw new ZaloBotNetworkError(method, e);
        try {
          res = await request();
        } catch (again) {
          throw new ZaloBotNetworkError(method, again);
        }
      }
      let body: unknown;
      try {
        body = await res.json();
      } catch {
        throw new ZaloBotApiError(method, res.status, `answer is not JSON (HTTP ${res.status})`);
      }
      if (isRecord(body) && body['ok'] === true) return body['result'] as T;
      const b = isRecord(body) ? body : {};
      const code =
        typeof b['error_code'] === 'number' && b['error_code'] > 0 ? b['error_code'] : res.status;
      const description =
        typeof b['description'] === 'string' ? b['description'] : `HTTP ${res.status}`;
      throw new ZaloBotApiError(
        method,
        code,
        description,
        code === 429 ? retryAfterOf(b, res) : null,
      );
    },
  };
}
