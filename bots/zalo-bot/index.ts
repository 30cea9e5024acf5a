/**
 * The official Zalo Bot API adapter (Telegram-like HTTP; 1:1 and group messages without the ban
 * risk of a personal account). Updates arrive only by webhook: with PUBLIC_URL set, start()
 * registers `${publicUrl}/webhooks/zalo`; without it this adapter only sends (there is no polling
 * here — getUpdates exists but an instance that only sends needs none, and webhook mode is what
 * runs on Workers too).
 */
import type { InboundSink } from '../../src/core/channel';
import type { Logger } from '../../src/log';
import { jsonResponse, readWebhookJson, type ChannelAdapter } from '../adapter';
import { zaloBotClient } from './client';
import { mapZaloBotUpdate, parseZaloBotUpdate, type ZaloBotIdentity } from './inbound';
import { zaloBotSender } from './sender';

export interface ZaloBotAdapterOptions {
  token: string;
  /** e.g. https://bot-api.zapps.me */
  apiRoot: string;
  /** Required value of the X-Bot-Api-Secret-Token header; null refuses every webhook call. */
  webhookSecret: string | null;
  /** Set: setWebhook at start; unset: send only. */
  publicUrl: string | null;
  sink: InboundSink;
  log: Logger;
}

export const ZALO_BOT_WEBHOOK_PATH = '/webhooks/zalo';

export function createZaloBotAdapter(opts: ZaloBotAdapterOptions): ChannelAdapter {
  const client = zaloBotClient({ token: opts.token, apiRoot: opts.apiRoot });
  let identity: ZaloBotIdentity | null = null;
  let mode: 'webhook' | 'send-only' | 'stopped' = 'stopped';
  let lastUpdateAt: string | null = null;

  return {
    platform: 'zalo-bot',
    sender: zaloBotSender(client),
    botUsername: () => identity?.accountName ?? null,
    webhook: {
      path: ZALO_BOT_WEBHOOK_PATH,
      async handle(request) {
        const read = await readWebhookJson(request, 'x-bot-api-secret-token', opts.webhookSecret);
        if ('response' in read) return read.response;
        const body = read.body;
        const update = parseZaloBotUpdate(body);
        if (!update)
          return jsonResponse(400, {
            error: { code: 'invalid_update', message: 'not a Zalo Bot update' },
          });
        lastUpdateAt = new Date().toISOString();
        const msg = mapZaloBotUpdate(update, identity, body);
        if (!msg) return jsonResponse(200, { ok: true });
        try {
          await opts.sink.message(msg);
        } catch (err) {
          // 503 asks the platform to redeliver; the update key makes a redelivery harmless.
          opts.log.warn(
            { err, update: msg.updateKey, platform: 'zalo-bot' },
            'zalo-bot webhook: handler failed, asking for redelivery',
          );
          return jsonResponse(503, { error: { code: 'unavailable', message: 'retry later' } });
        }
        return jsonResponse(200, { ok: true });
      },
    },
    async start() {
      if (!identity) {
        const me = await client.call<{ id?: unknown; account_name?: unknown }>('getMe');
        identity = {
          id: String(me?.id ?? ''),
          accountName: typeof me?.account_name === 'string' ? me.account_name : '',
        };
      }
      if (opts.publicUrl) {
        await client.call('setWebhook', {
          url: `${opts.publicUrl}${ZALO_BOT_WEBHOOK_PATH}`,
          secret_token: opts.webhookSecret ?? undefined,
        });
        mode = 'webhook';
      } else {
        mode = 'send-only';
        opts.log.info(
          { platform: 'zalo-bot' },
          'zalo-bot: no PUBLIC_URL, so no webhook: this instance only sends',
        );
      }
    },
    async stop() {
      mode = 'stopped';
    },
    health: () => ({ mode, account: identity?.accountName ?? null, lastUpdateAt }),
  };
}
