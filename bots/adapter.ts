import type { ChannelSender, Platform } from '../src/core/channel';

/** A webhook the HTTP app mounts; the adapter verifies and parses its own requests. */
export interface WebhookRoute {
  path: string;
  handle(request: Request): Promise<Response>;
}

/**
 * The shape every platform adapter has (matterbridge's Connect/Send/Disconnect): a sender for
 * the outbox, optionally a webhook, and a lifecycle. Adapters hold no Vietnamese text and no rules.
 */
export interface ChannelAdapter {
  platform: Platform;
  sender: ChannelSender;
  webhook?: WebhookRoute;
  /** The bot's username/id for "/lenh@bot" and mentions, known after start(). */
  botUsername(): string | null;
  start(): Promise<void>;
  stop(): Promise<void>;
  health(): Record<string, unknown>;
}

export function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });
}
