import type { ChannelSender, Platform, PlatformQueries } from '../src/core/channel';
import { secretEquals } from '../src/core/codes';

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
  /** Reads the core may make of this platform (membership, file downloads). */
  queries?: PlatformQueries;
  /** The bot's username/id for "/lenh@bot" and mentions, known after start(). */
  botUsername(): string | null;
  start(): Promise<void>;
  stop(): Promise<void>;
  health(): Record<string, unknown>;
}

/** The reads each running adapter offers the core, by platform (AppContext.platforms). */
export function platformQueries(
  adapters: ChannelAdapter[],
): Partial<Record<Platform, PlatformQueries>> {
  return Object.fromEntries(adapters.flatMap((a) => (a.queries ? [[a.platform, a.queries]] : [])));
}

export function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });
}

/**
 * The start every webhook shares: the platform's secret header checked in constant time (401),
 * then a JSON body (400 when it is not JSON). Returns the body, or the response to send.
 */
export async function readWebhookJson(
  request: Request,
  header: string,
  secret: string | null,
): Promise<{ body: unknown } | { response: Response }> {
  if (!secret || !secretEquals(request.headers.get(header), secret)) {
    return {
      response: jsonResponse(401, { error: { code: 'unauthorized', message: 'secret token' } }),
    };
  }
  try {
    return { body: await request.json() };
  } catch {
    return {
      response: jsonResponse(400, { error: { code: 'invalid_json', message: 'invalid JSON' } }),
    };
  }
}
