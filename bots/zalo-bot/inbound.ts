/**
 * Zalo Bot API updates → the core's normalized message. What each rule rests on is written down,
 * with its source, in bots/zalo-bot/README.md.
 *
 * - The webhook body comes wrapped (`{ok:true, result:{event_name, message}}`, the getUpdates
 *   shape) or bare (`{event_name, message}`, what openclaw's webhook handler sees); both are read.
 * - `message`: `message_id`, `date` (ms), `chat:{id, chat_type:'GROUP'|'PRIVATE'}`,
 *   `from:{id, display_name | name, is_bot}`, and per event `text` (message.text.received) or an
 *   image under `photo_url` (real payloads) or `photo` (the docs) with a `caption`.
 * - Stickers, voice notes and unsupported messages carry nothing the core acts on: null.
 * - A group delivers only what addresses the bot (an @mention or a reply to it) and gives no
 *   reply-to field, so every group message is addressed: its leading "@<bot name>" is removed
 *   and it is marked mentionsBot.
 */
import type { Attachment, InboundMessage } from '../../src/core/channel';

export interface ZaloBotIdentity {
  id: string;
  accountName: string;
}

export type ZaloBotEvent =
  | 'message.text.received'
  | 'message.image.received'
  | 'message.sticker.received'
  | 'message.voice.received'
  | 'message.unsupported.received';

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

/** The update inside a webhook body (wrapped or bare), or null when it does not look like one. */
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
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

/** `photo_url` (seen in real payloads), else `photo` as a URL string or an object holding one. */
function photoUrl(m: Record<string, unknown>): string | undefined {
  const direct = str(m['photo_url']);
  if (direct) return direct;
  const photo = m['photo'];
  if (typeof photo === 'string') return str(photo);
  if (Array.isArray(photo))
    return photo.map((p) => (isRecord(p) ? str(p['url']) : str(p))).find(Boolean);
  if (isRecord(photo)) return str(photo['url']) ?? str(photo['photo_url']);
  return undefined;
}

/** Dates are documented in ms; a value that can only be seconds (before 1973 in ms) is read as such. */
function sentAt(date: unknown): Date | undefined {
  if (typeof date !== 'number' || !Number.isFinite(date) || date <= 0) return undefined;
  return new Date(date < 1e11 ? date * 1000 : date);
}

/** Case- and diacritics-insensitive form, for comparing a typed name with ZALO_BOT_NAME. */
function fold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase();
}

const BOUNDARY = /^(?:$|[\s,.:;!?])/u;
/**
 * A leading "@" and up to six words, ending where a command (`/lenh`), a numbered list
 * (`1.`, `2)`) or a new line begins. Display names have spaces and diacritics, so this is how a
 * name we were not told is recognised; where nothing marks its end, only ZALO_BOT_NAME can.
 */
const MENTION_BEFORE_COMMAND_OR_LIST =
  /^@[^\s/@]\S*(?:[ \t\u00a0]+[^\s/@]\S*){0,5}?(?=[ \t\u00a0]*(?:\/[^\s/]|\d{1,3}[.)][ \t\u00a0]|\r?\n))/u;

function stripOneMention(s: string, botName: string | null): string | null {
  if (botName) {
    const name = botName.replace(/^@/, '').normalize('NFC').trim();
    const typed = s.slice(1, 1 + name.length);
    if (name && fold(typed) === fold(name) && BOUNDARY.test(s.slice(1 + name.length))) {
      return s.slice(1 + name.length);
    }
  }
  const m = MENTION_BEFORE_COMMAND_OR_LIST.exec(s);
  return m ? s.slice(m[0].length) : null;
}

/**
 * "@Điều phối /lienket abc" → "/lienket abc"; "@Bot Điều Phối 1. Ông …" → "1. Ông …". Removes the
 * run of leading mentions; text that does not start with one is returned unchanged.
 */
export function stripLeadingMention(text: string, botName: string | null): string {
  let rest = text.normalize('NFC').replace(/^\s+/, '');
  if (!rest.startsWith('@')) return text;
  let stripped = false;
  for (let i = 0; i < 5 && rest.startsWith('@'); i++) {
    const next = stripOneMention(rest, botName);
    if (next === null) break;
    rest = next.replace(/^[\s,:;]+/u, '');
    stripped = true;
  }
  return stripped ? rest : text;
}

export interface ZaloBotMappingOptions {
  /** The name people type after "@" in groups (ZALO_BOT_NAME); getMe does not give it. */
  botName: string | null;
}

/** Null when the update holds nothing the core acts on (stickers, voice, unsupported content). */
export function mapZaloBotUpdate(
  update: ParsedUpdate,
  opts: ZaloBotMappingOptions,
  raw: unknown,
): InboundMessage | null {
  const m = update.message;
  let text: string;
  const files: Attachment[] = [];
  switch (update.eventName) {
    case 'message.text.received':
      text = typeof m['text'] === 'string' ? m['text'] : '';
      break;
    case 'message.image.received': {
      text = typeof m['caption'] === 'string' ? m['caption'] : '';
      const url = photoUrl(m);
      if (url) files.push({ kind: 'photo', fileId: url });
      break;
    }
    default:
      return null;
  }
  const chatType =
    String(m.chat['chat_type'] ?? '').toUpperCase() === 'PRIVATE' ? 'private' : 'group';
  const group = chatType === 'group';
  if (group) text = stripLeadingMention(text, opts.botName);
  if (!text.trim() && files.length === 0) return null;
  const from = m.from;
  const msg: InboundMessage = {
    platform: 'zalo-bot',
    updateKey: String(m.message_id),
    chat: { id: String(m.chat.id), type: chatType },
    sender: {
      id: String(from.id),
      name: str(from['display_name']) ?? str(from['name']) ?? String(from.id),
      isBot: from['is_bot'] === true,
    },
    messageId: String(m.message_id),
    text,
    // Zalo hands a group's message to the bot only when it addresses the bot.
    mentionsBot: group,
    raw,
  };
  const date = sentAt(m['date']);
  if (date) msg.sentAt = date;
  if (files.length) msg.attachments = files;
  return msg;
}
