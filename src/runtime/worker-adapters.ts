/**
 * Channel adapters as Cloudflare Workers run them: webhook in, outbox out, nothing long-lived.
 * The same Telegram adapter as on Node, with `manageWebhook: false`: no setWebhook, setMyCommands
 * or polling per isolate (registering the webhook is a deploy step, docs/deploy-workers.md), and
 * the bot's identity learned by one getMe on the first update.
 *
 * Zalo: the zca-js listener needs a long-lived Node process and its outbox rows are drained there;
 * only webhook platforms are built here.
 */
import type { ChannelAdapter } from '../../bots/adapter';
import { createTelegramAdapter } from '../../bots/telegram/index';
import type { AppContext } from '../app-context';
import type { Config } from '../config';
import type { Platform } from '../core/channel';
import { createSink } from '../core/inbound/sink';
import type { Logger } from '../log';
import { COMMANDS } from '../messages/vi';

export interface WorkerAdapterDeps {
  config: Config;
  /** The isolate's context; its `db` is the current request's (see main.worker.ts). */
  ctx: AppContext;
  log: Logger;
  /** An update of this platform was handled: its replies are in the outbox now. */
  onHandled(platform: Platform): void;
}

/** Every webhook channel the configuration enables, built once per isolate. */
export function createWorkerAdapters(deps: WorkerAdapterDeps): ChannelAdapter[] {
  const adapters: ChannelAdapter[] = [];
  const { telegram } = deps.config;
  if (telegram.token) {
    const adapter: ChannelAdapter = createTelegramAdapter({
      token: telegram.token,
      apiRoot: telegram.apiRoot,
      webhookSecret: telegram.webhookSecret,
      publicUrl: null,
      manageWebhook: false,
      sink: createSink(
        deps.ctx,
        () => adapter.botUsername(),
        () => deps.onHandled('telegram'),
      ),
      log: deps.log,
      commands: COMMANDS,
    });
    adapters.push(adapter);
  }
  return adapters;
}
