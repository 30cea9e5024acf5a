/**
 * The official Zalo Bot API adapter (Telegram-like HTTP; 1:1 and group messages without the ban
 * risk of a personal account). Sources of every behaviour: bots/zalo-bot/README.md.
 *
 * Updates arrive by webhook when PUBLIC_URL is set (start() calls setWebhook with the secret),
 * otherwise by getUpdates long polling, which the API allows only while no webhook is set (so
 * polling starts with deleteWebhook) and which returns one update per call, or 408 when idle.
 * Only one instance polls (lease `zalo-bot:poll`): an update is consumed by whoever gets it.
 */
import type { InboundSink } from '../../src/core/channel';
import {
  createLeaseKeeper,
  realTimers,
  type LeaseKeeper,
  type Timers,
} from '../../src/core/leases/keeper';
import type { Db } from '../../src/db/types';
import type { Logger } from '../../src/log';
import { jsonResponse, readWebhookJson, type ChannelAdapter } from '../adapter';
import { ZaloBotApiError, zaloBotClient, type ZaloBotClient } from './client';
import { createHandover } from './handover';
import { mapZaloBotUpdate, parseZaloBotUpdate, type ZaloBotIdentity } from './inbound';
import { zaloBotSender } from './sender';

export interface ZaloBotAdapterOptions {
  token: string;
  /** e.g. https://bot-api.zaloplatforms.com */
  apiRoot: string;
  /** Required value of the X-Bot-Api-Secret-Token header; null refuses every webhook call. */
  webhookSecret: string | null;
  /** Set: setWebhook at start; unset: getUpdates long polling (when `db` is given) or send only. */
  publicUrl: string | null;
  /** The bot's display name as people type it after "@" in groups (ZALO_BOT_NAME). */
  botName: string | null;
  sink: InboundSink;
  log: Logger;
  /** For the polling lease. Without it and without publicUrl the adapter only sends. */
  db?: Db;
  instanceId?: string;
  timers?: Timers;
  /** Seconds getUpdates waits for an update. Default 30. */
  pollTimeoutS?: number;
  /** Handover retry settings (tests shorten them). */
  handover?: { quickRetryMs?: number[]; backgroundRetryMs?: number[] };
}

export const ZALO_BOT_WEBHOOK_PATH = '/webhooks/zalo';
const POLL_LEASE_MS = 45_000;
const POLL_ERROR_WAIT_MS = 5_000;

type Mode = 'webhook' | 'polling' | 'send-only' | 'stopped';

export function createZaloBotAdapter(opts: ZaloBotAdapterOptions): ChannelAdapter {
  const timers = opts.timers ?? realTimers;
  const client = zaloBotClient({ token: opts.token, apiRoot: opts.apiRoot });
  const handover = createHandover({ sink: opts.sink, log: opts.log, timers, ...opts.handover });
  let identity: ZaloBotIdentity | null = null;
  let mode: Mode = 'stopped';
  let lastUpdateAt: string | null = null;
  let poller: Poller | null = null;

  /** Parsed and handed over (or queued): the platform gets its 200 whatever happened next. */
  async function receive(body: unknown): Promise<boolean> {
    const update = parseZaloBotUpdate(body);
    if (!update) return false;
    lastUpdateAt = new Date(timers.now()).toISOString();
    const msg = mapZaloBotUpdate(update, { botName: opts.botName }, body);
    if (msg) await handover.deliver(msg);
    return true;
  }

  return {
    platform: 'zalo-bot',
    sender: zaloBotSender(client),
    botUsername: () => identity?.accountName ?? null,
    webhook: {
      path: ZALO_BOT_WEBHOOK_PATH,
      async handle(request) {
        const read = await readWebhookJson(request, 'x-bot-api-secret-token', opts.webhookSecret);
        if ('response' in read) return read.response;
        if (!(await receive(read.body)))
          return jsonResponse(400, {
            error: { code: 'invalid_update', message: 'not a Zalo Bot update' },
          });
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
      } else if (opts.db) {
        poller = createPoller(client, opts, timers, receive);
        await poller.start();
        mode = 'polling';
      } else {
        mode = 'send-only';
        opts.log.info(
          { platform: 'zalo-bot' },
          'zalo-bot: no PUBLIC_URL and no database: send only',
        );
      }
    },
    async stop() {
      mode = 'stopped';
      await poller?.stop();
      poller = null;
      handover.stop();
    },
    health: () => ({
      mode,
      account: identity?.accountName ?? null,
      botName: opts.botName,
      lastUpdateAt,
      polling: poller?.health() ?? null,
      ...handover.stats(),
    }),
  };
}

interface Poller {
  start(): Promise<void>;
  stop(): Promise<void>;
  health(): { holder: boolean; polls: number };
}

function createPoller(
  client: ZaloBotClient,
  opts: ZaloBotAdapterOptions,
  timers: Timers,
  receive: (body: unknown) => Promise<boolean>,
): Poller {
  const log = opts.log;
  const pollTimeoutS = opts.pollTimeoutS ?? 30;
  let running = false;
  let loop: Promise<void> | null = null;
  let abort: AbortController | null = null;
  let polls = 0;
  let webhookCleared = false;
  const sleep = (ms: number) => new Promise<void>((r) => timers.setTimeout(r, ms));

  async function pollLoop(): Promise<void> {
    while (running && keeper.held) {
      try {
        if (!webhookCleared) {
          // getUpdates is refused while a webhook is set (an earlier deployment may have set one).
          await client.call('deleteWebhook');
          webhookCleared = true;
        }
        abort = new AbortController();
        polls++;
        const update = await client.call<unknown>(
          'getUpdates',
          { timeout: String(pollTimeoutS) },
          { timeoutMs: (pollTimeoutS + 10) * 1000, signal: abort.signal },
        );
        if (update && !(await receive(update)))
          log.warn(
            { platform: 'zalo-bot' },
            'zalo-bot getUpdates returned something that is not an update',
          );
      } catch (err) {
        if (!running) return;
        if (err instanceof ZaloBotApiError && err.code === 408) continue; // idle: ask again
        log.warn({ err, platform: 'zalo-bot' }, 'zalo-bot getUpdates failed; waiting');
        await sleep(POLL_ERROR_WAIT_MS);
      } finally {
        abort = null;
      }
    }
  }

  const keeper: LeaseKeeper = createLeaseKeeper({
    db: opts.db!,
    name: 'zalo-bot:poll',
    holder: opts.instanceId ?? 'zalo-bot',
    ttlMs: POLL_LEASE_MS,
    timers,
    onGained() {
      log.info({ platform: 'zalo-bot' }, 'zalo-bot: this instance polls getUpdates');
      loop = pollLoop();
    },
    onLost() {
      abort?.abort();
      log.warn({ platform: 'zalo-bot' }, 'zalo-bot: polling lease lost');
    },
    onError: (err) =>
      log.warn({ err, platform: 'zalo-bot' }, 'zalo-bot polling lease check failed'),
  });

  return {
    async start() {
      running = true;
      await keeper.start();
    },
    async stop() {
      running = false;
      abort?.abort();
      await loop?.catch(() => {});
      await keeper.stop();
    },
    health: () => ({ holder: keeper.held, polls }),
  };
}
