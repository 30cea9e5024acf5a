/**
 * Zalo Bot API updates → the core's normalized message.
 *
 * ASSUMED payload (as tests/fakes/zalo-bot-api.ts documents it): the webhook body is
 * `{ok:true, result:{event_name, message}}`; we also accept the bare `{event_name, message}` in
 * case the platform posts the update unwrapped. `message` has `message_id`, `date` (ms),
 * `chat:{id, chat_type:'GROUP'|'PRIVATE'}`, `from:{id, display_name, is_bot}` and, per event,
 * `text` (message.text.received) or `photo_url` + `caption` (message.image.received). Stickers and
 * unsupported messages carry nothing for the core and are ignored. No reply-to field is known.
 */
import type { Attachment, InboundMessage } from '../../src/core/channel';

export interface ZaloBotIdentity {
  id: string;
  accountName: string;
}

interface ParsedUpdate {
  eventName: string;
  message: Record<string, unknown> & {
    message_id: string | number;
    chat: Record<string, unknown> & { id: string | number };
    from: Record<string, unknown> & { id: string | number };
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isId = (v: unknown): v is string | number =>
  (typeof v === 'string' && v !== '') || (typeof v === 'number' && Number.isFinite(v));

/** The update inside a webhook body, or null when the body does not look like one. */
export function parseZaloBotUpdate(body: unknown): ParsedUpdate | null {
  if (!isRecord(body)) return null;
  const u = isRecord(body['result']) ? body['result'] : body;
  const eventName = u['event_name'];
  const m = u['message'];
  if (typeof eventName !== 'string' || !isRecord(m)) return null;
  if (
    !isId(m['message_id']) ||
    !isRecord(m['chat']) ||
    !isId(m['chat']['id']) ||
    !isRecord(m['from']) ||
    !isId(m['from']['id'])
  )
    return null;
  return { eventName, message: m as ParsedUpdate['message'] };
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function mentions(text: string, bot: ZaloBotIdentity | null): boolean {
  if (!bot?.accountName) return false;
  return text.toLowerCase().includes(`@${bot.accountName.toLowerCase()}`);
}

/** Null when the update holds nothing the core acts on (stickers, unsupported content). */
export function mapZaloBotUpdate(
  update: ParsedUpdate,
  bot: ZaloBotIdentity | null,
  raw: unknown,
): InboundMessage | null {
  const m = update.message;
  let text: string;
  const files: Attachment[] = [];
  switch (update.eventName) {
    case 'message.text.received':
      text = str(m['text']) ?? '';
      break;
    case 'message.image.received': {
      text = str(m['caption']) ?? '';
      const url = str(m['photo_url']);
      if (url) files.push({ kind: 'photo', fileId: url });
      break;
    }
    default:
      return null;
  }
  if (!text && files.length === 0) return null;
  const chatType =
    String(m.chat['chat_type'] ?? '').toUpperCase() === 'PRIVATE' ? 'private' : 'group';
  const from = m.from;
  const msg: InboundMessage = {
    platform: 'zalo-bot',
    updateKey: String(m.message_id),
    chat: { id: String(m.chat.id), type: chatType },
    sender: {
      id: String(from.id),
      name: str(from['display_name']) || String(from.id),
      isBot: from['is_bot'] === true,
    },
    messageId: String(m.message_id),
    text,
    mentionsBot: mentions(text, bot),
    raw,
  };
  const date = m['date'];
  if (typeof date === 'number' && Number.isFinite(date)) msg.sentAt = new Date(date);
  if (files.length) msg.attachments = files;
  return msg;
}
