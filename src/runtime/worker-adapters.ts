/**
 * Channel adapters as Cloudflare Workers run them: webhook in, outbox out, nothing long-lived.
 *
 * The Node adapter (bots/telegram/index.ts) learns the bot's identity in start(), which also calls
 * setMyCommands and setWebhook (or starts long polling). None of that belongs in a Worker, where
 * an isolate may serve a handful of requests and be discarded: here the identity comes from one
 * getMe per isolate, on the first update that needs it, and is kept as plain data. Registering
 * the webhook is a deploy step (docs/deploy-workers.md).
 *
 * The update handling is the same as on Node: the same mapping (mapTelegramUpdate), the same
 * sender (telegramSender) and the same core entry points (handleInbound / handleChatEvent).
 *
 * Documents: telegraf uploads files as a Node stream body, which workerd's fetch does not send
 * (Telegram then answers "chat_id is empty"); sendDocument goes through a web FormData instead
 * (telegramWorkerSender). Everything else is telegraf's sender as on Node.
 *
 * Zalo: the zca-js listener needs a long-lived Node process and its outbox rows are drained there;
 * only webhook platforms (Telegram, later the Zalo Bot API) are built here.
 */
import { Telegraf, TelegramError } from 'telegraf';
import type { ChannelAdapter } from '../../bots/adapter';
import { jsonResponse } from '../../bots/adapter';
import { isTelegramUpdate } from '../../bots/telegram/index';
import { mapTelegramUpdate, type BotIdentity } from '../../bots/telegram/inbound';
import { classifyTelegramError, telegramSender } from '../../bots/telegram/sender';
import type { AppContext } from '../app-context';
import type { Config } from '../config';
import type { ChannelSender, InboundSink, OutboundMessage, Platform, SendResult } from '../core/channel';
import { secretEquals } from '../core/codes';
import { handleChatEvent, handleInbound } from '../core/inbound/handle';
import type { Logger } from '../log';

/** Telegram stops waiting for a webhook answer at 60 s; telegraf's default (90 s) outlives it. */
const HANDLER_TIMEOUT_MS = 10_000;

export interface WorkerAdapterDeps {
  config: Config;
  /** The isolate's context; its `db` is the current request's (see main.worker.ts). */
  ctx: AppContext;
  log: Logger;
  /** An update of this platform was handled: its replies are in the outbox now. */
  onHandled(platform: Platform): void;
}

/** The same sink as the Node service's (service.ts createSink), without the in-process worker poke. */
export function workerSink(ctx: AppContext, adapter: () => ChannelAdapter, onHandled: () => void): InboundSink {
  return {
    async message(msg) {
      const result = await handleInbound(ctx, msg, { botUsername: adapter().botUsername() });
      onHandled();
      return result;
    },
    async event(event) {
      const result = await handleChatEvent(ctx, event);
      onHandled();
      return result;
    },
  };
}

/** Every webhook channel the configuration enables, built once per isolate. */
export function createWorkerAdapters(deps: WorkerAdapterDeps): ChannelAdapter[] {
  const adapters: ChannelAdapter[] = [];
  const { telegram } = deps.config;
  if (telegram.token) {
    const adapter: ChannelAdapter = createTelegramWebhookAdapter({
      token: telegram.token,
      apiRoot: telegram.apiRoot,
      webhookSecret: telegram.webhookSecret,
      sink: workerSink(deps.ctx, () => adapter, () => deps.onHandled('telegram')),
      log: deps.log,
    });
    adapters.push(adapter);
  }
  return adapters;
}

export interface TelegramWebhookAdapterOptions {
  token: string;
  apiRoot: string;
  webhookSecret: string | null;
  sink: InboundSink;
  log: Logger;
}

export interface TelegramWebhookAdapter extends ChannelAdapter {
  /** The bot's id and username: getMe once per isolate, then kept. */
  identity(): Promise<BotIdentity>;
}

/** Telegram in webhook-only mode: no setWebhook, no polling, identity learned lazily. */
export function createTelegramWebhookAdapter(opts: TelegramWebhookAdapterOptions): TelegramWebhookAdapter {
  const bot = new Telegraf(opts.token, { telegram: { apiRoot: opts.apiRoot, webhookReply: false }, handlerTimeout: HANDLER_TIMEOUT_MS });
  // Plain data only crosses requests. A pending getMe promise is deliberately not shared: workerd
  // cancels a request's I/O when that request ends, which would leave other requests waiting.
  let known: BotIdentity | null = null;
  let lastUpdateAt: string | null = null;

  bot.use(async (ctx) => {
    if (!known) return;
    const mapped = mapTelegramUpdate(ctx.update, known);
    lastUpdateAt = new Date().toISOString();
    if (!mapped) return;
    if ('kind' in mapped) await opts.sink.event(mapped);
    else await opts.sink.message(mapped);
    if ('callback_query' in ctx.update) await ctx.answerCbQuery().catch(() => {});
  });
  bot.catch((err) => {
    opts.log.error({ err }, 'telegram update failed');
    throw err;
  });

  async function identity(): Promise<BotIdentity> {
    if (known) return known;
    const me = await bot.telegram.getMe();
    // handleUpdate would otherwise call getMe for every update.
    bot.botInfo = me;
    known = { id: me.id, username: me.username };
    return known;
  }

  return {
    platform: 'telegram',
    sender: telegramWorkerSender(telegramSender(bot.telegram), opts.token, opts.apiRoot),
    botUsername: () => known?.username ?? null,
    identity,
    webhook: {
      path: '/webhooks/telegram',
      async handle(request) {
        if (!opts.webhookSecret || !secretEquals(request.headers.get('x-telegram-bot-api-secret-token'), opts.webhookSecret)) {
          return jsonResponse(401, { error: { code: 'unauthorized', message: 'secret token' } });
        }
        let body: unknown;
        try {
          body = await request.json();
        } catch {
          return jsonResponse(400, { error: { code: 'invalid_json', message: 'invalid JSON' } });
        }
        if (!isTelegramUpdate(body)) return jsonResponse(400, { error: { code: 'invalid_update', message: 'update_id missing' } });
        try {
          await identity();
        } catch (err) {
          opts.log.warn({ err, update: body.update_id }, 'telegram webhook: getMe failed, asking for redelivery');
          return jsonResponse(503, { error: { code: 'starting', message: 'bot identity not loaded yet' } });
        }
        try {
          await bot.handleUpdate(body);
        } catch (err) {
          // 503 makes Telegram redeliver; the update key makes the redelivery harmless.
          opts.log.warn({ err, update: body.update_id }, 'telegram webhook: handler failed, asking for redelivery');
          return jsonResponse(503, { error: { code: 'unavailable', message: 'retry later' } });
        }
        return jsonResponse(200, { ok: true });
      },
    },
    async start() {
      // Workers: no setWebhook/setMyCommands per isolate; that is a deploy step.
      await identity();
    },
    async stop() {},
    health: () => ({ mode: 'webhook', username: known?.username ?? null, lastUpdateAt }),
  };
}

function keyboard(message: OutboundMessage) {
  if (!message.buttons?.length) return undefined;
  return { inline_keyboard: message.buttons.map((row) => row.map((b) => ({ text: b.text, callback_data: b.data }))) };
}

/**
 * telegraf's sender, except that new documents are posted as web FormData (what workerd's fetch
 * can send). Same fields as bots/telegram/sender.ts, same error classification.
 */
export function telegramWorkerSender(base: ChannelSender, token: string, apiRoot: string, fetchImpl: typeof fetch = (...a) => fetch(...a)): ChannelSender {
  return {
    ...base,
    async send(chatId, message): Promise<SendResult> {
      if (!message.document || message.editMessageId) return base.send(chatId, message);
      try {
        const form = new FormData();
        form.set('chat_id', chatId);
        form.set('caption', message.text.slice(0, 1024));
        if (message.replyToMessageId) {
          form.set('reply_parameters', JSON.stringify({ message_id: Number(message.replyToMessageId), allow_sending_without_reply: true }));
        }
        const markup = keyboard(message);
        if (markup) form.set('reply_markup', JSON.stringify(markup));
        const bytes = Uint8Array.from(Buffer.from(message.document.base64, 'base64'));
        form.set('document', new Blob([bytes], { type: message.document.mimeType }), message.document.fileName);
        const res = await fetchImpl(`${apiRoot}/bot${token}/sendDocument`, { method: 'POST', body: form });
        if (res.status >= 500) throw new TelegramError({ error_code: res.status, description: res.statusText || `HTTP ${res.status}` });
        const data = (await res.json()) as { ok: boolean; result?: { message_id: number }; error_code?: number; description?: string; parameters?: Record<string, unknown> };
        if (!data.ok) throw new TelegramError({ error_code: data.error_code ?? res.status, description: data.description ?? 'error', parameters: data.parameters } as never);
        return { ok: true, messageId: String(data.result!.message_id) };
      } catch (e) {
        return classifyTelegramError(e);
      }
    },
  };
}
