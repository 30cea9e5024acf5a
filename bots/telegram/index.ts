import { Telegraf } from 'telegraf';
import type { Update } from 'telegraf/types';
import type { InboundSink } from '../../src/core/channel';
import type { Logger } from '../../src/log';
import { jsonResponse, readWebhookJson, type ChannelAdapter } from '../adapter';
import { mapTelegramUpdate, type BotIdentity } from './inbound';
import { telegramSender } from './sender';
import { TelegramError } from 'telegraf';
import { telegramFileFetcher } from './files';

export interface TelegramAdapterOptions {
  token: string;
  apiRoot: string;
  webhookSecret: string | null;
  /** Set: webhook mode (setWebhook); unset: long polling. */
  publicUrl: string | null;
  /**
   * False on Workers: no setWebhook/setMyCommands/polling (a deploy step there) and the identity
   * is learned on the first update rather than at start.
   */
  manageWebhook?: boolean;
  sink: InboundSink;
  log: Logger;
  commands: Array<{ command: string; description: string }>;
}

class MalformedUpdate extends Error {}

/**
 * chat_member: other people joining and leaving, so an organizer who left the organizer group
 * stops being one. Telegram delivers it only where the bot is an administrator (elsewhere the
 * left_chat_member service message and a getChatMember check before each login link do).
 */
export const ALLOWED_UPDATES = [
  'message',
  'callback_query',
  'my_chat_member',
  'chat_member',
] as const;

/** getChatMember's answer as the core asks it: still in the chat, gone, or cannot tell. */
export function membershipOf(member: { status: string; is_member?: boolean }): 'member' | 'left' {
  if (member.status === 'left' || member.status === 'kicked') return 'left';
  if (member.status === 'restricted') return member.is_member ? 'member' : 'left';
  return 'member';
}

/** Never the handler's 90 s default: Telegram stops waiting for a webhook answer at 60 s. */
const HANDLER_TIMEOUT_MS = 10_000;

export function isTelegramUpdate(body: unknown): body is Update {
  return (
    typeof body === 'object' &&
    body !== null &&
    Number.isSafeInteger((body as { update_id?: unknown }).update_id)
  );
}

export function createTelegramAdapter(opts: TelegramAdapterOptions): ChannelAdapter {
  const bot = new Telegraf(opts.token, {
    telegram: { apiRoot: opts.apiRoot, webhookReply: false },
    handlerTimeout: HANDLER_TIMEOUT_MS,
  });
  let identity: BotIdentity | null = null;
  let mode: 'webhook' | 'polling' | 'stopped' =
    opts.manageWebhook === false ? 'webhook' : 'stopped';
  let lastUpdateAt: string | null = null;

  bot.use(async (ctx) => {
    if (!identity) return;
    let mapped: ReturnType<typeof mapTelegramUpdate>;
    try {
      mapped = mapTelegramUpdate(ctx.update, identity);
    } catch {
      throw new MalformedUpdate();
    }
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

  async function learnIdentity(): Promise<void> {
    // Fetched once; handleUpdate would otherwise call getMe for every update. Only plain data is
    // kept: on Workers a pending promise must not cross requests.
    if (identity) return;
    const me = await bot.telegram.getMe();
    bot.botInfo = me;
    identity = { id: me.id, username: me.username };
  }

  return {
    platform: 'telegram',
    sender: telegramSender(bot.telegram, { token: opts.token, apiRoot: opts.apiRoot }),
    queries: {
      async memberStatus(chatId, userId) {
        try {
          return membershipOf(await bot.telegram.getChatMember(chatId, Number(userId)));
        } catch (e) {
          // "user not found" / "PARTICIPANT_ID_INVALID": not a member; anything else (the bot
          // was removed, the network) cannot tell.
          if (
            e instanceof TelegramError &&
            e.code === 400 &&
            /user not found|participant_id_invalid|member not found/i.test(e.description)
          )
            return 'left';
          opts.log.warn({ err: e }, 'telegram getChatMember failed');
          return 'unknown';
        }
      },
      fetchFile: telegramFileFetcher({ token: opts.token, apiRoot: opts.apiRoot }),
    },
    botUsername: () => identity?.username ?? null,
    webhook: {
      path: '/webhooks/telegram',
      async handle(request) {
        const read = await readWebhookJson(
          request,
          'x-telegram-bot-api-secret-token',
          opts.webhookSecret,
        );
        if ('response' in read) return read.response;
        const body = read.body;
        if (!isTelegramUpdate(body))
          return jsonResponse(400, {
            error: { code: 'invalid_update', message: 'update_id missing' },
          });
        try {
          await learnIdentity();
        } catch (err) {
          opts.log.warn(
            { err, update: body.update_id },
            'telegram webhook: getMe failed, asking for redelivery',
          );
          return jsonResponse(503, {
            error: { code: 'starting', message: 'bot identity not loaded yet' },
          });
        }
        try {
          await bot.handleUpdate(body);
        } catch (err) {
          // Not a shape Telegram sends: redelivering it would fail the same way.
          if (err instanceof MalformedUpdate)
            return jsonResponse(400, {
              error: { code: 'invalid_update', message: 'malformed update' },
            });
          // 503 makes Telegram redeliver; the update key makes the redelivery harmless.
          opts.log.warn(
            { err, update: body.update_id },
            'telegram webhook: handler failed, asking for redelivery',
          );
          return jsonResponse(503, { error: { code: 'unavailable', message: 'retry later' } });
        }
        return jsonResponse(200, { ok: true });
      },
    },
    async start() {
      await learnIdentity();
      if (opts.manageWebhook === false) {
        mode = 'webhook';
        return;
      }
      await bot.telegram.setMyCommands(opts.commands);
      if (opts.publicUrl) {
        await bot.telegram.setWebhook(`${opts.publicUrl}/webhooks/telegram`, {
          secret_token: opts.webhookSecret ?? undefined,
          allowed_updates: [...ALLOWED_UPDATES],
        });
        mode = 'webhook';
      } else {
        await bot.telegram.deleteWebhook();
        mode = 'polling';
        void bot
          .launch({ allowedUpdates: [...ALLOWED_UPDATES], dropPendingUpdates: false })
          .catch((err: unknown) => {
            opts.log.error({ err }, 'telegram polling stopped');
            mode = 'stopped';
          });
      }
    },
    async stop() {
      if (mode === 'polling') {
        try {
          bot.stop('shutdown');
        } catch {
          // not running
        }
      }
      mode = 'stopped';
    },
    health: () => ({ mode, username: identity?.username ?? null, lastUpdateAt }),
  };
}
