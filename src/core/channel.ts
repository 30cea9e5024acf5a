/**
 * The one port between the core and every chat platform. Adapters in bots/ turn platform
 * updates into InboundMessage and deliver OutboundMessage; the core never sees platform types.
 */

export type Platform = 'telegram' | 'zalo' | 'zalo-bot' | 'sandbox';
export const PLATFORMS: readonly Platform[] = ['telegram', 'zalo', 'zalo-bot', 'sandbox'];

export interface Attachment {
  kind: 'document' | 'photo' | 'other';
  fileId: string;
  fileName?: string;
  mimeType?: string;
  size?: number;
}

export interface InboundMessage {
  platform: Platform;
  /** Unique per platform: Telegram update_id, Zalo msgId… Used to handle each update once. */
  updateKey: string;
  chat: { id: string; type: 'group' | 'private'; title?: string };
  sender: { id: string; name: string; isBot?: boolean };
  /** Platform message id of this message (to reply to it). */
  messageId?: string;
  text: string;
  /** Platform message id of the message this one replies to (Telegram reply_to_message, Zalo quote). */
  replyToMessageId?: string;
  /** True when the message mentions the bot (@username, Zalo mention of the bot's uid). */
  mentionsBot?: boolean;
  attachments?: Attachment[];
  /** A button press (Telegram callback_query): its data; text is then empty. */
  callbackData?: string;
  callbackId?: string;
  sentAt?: Date;
  raw?: unknown;
}

/** Chat lifecycle events that are not messages. */
export type ChatEvent =
  | { kind: 'removed'; platform: Platform; chatId: string; updateKey: string }
  | { kind: 'added'; platform: Platform; chatId: string; title?: string; updateKey: string }
  | { kind: 'migrated'; platform: Platform; chatId: string; newChatId: string; updateKey: string }
  /** A person left or was removed from a group (Telegram chat_member, left_chat_member). */
  | { kind: 'member-left'; platform: Platform; chatId: string; userId: string; updateKey: string };

export interface Button {
  text: string;
  data: string;
}

/** A person @mentioned in a message: `text.slice(offset, offset + length)` is their "@name". */
export interface Mention {
  userId: string;
  offset: number;
  length: number;
}

export interface OutboundMessage {
  text: string;
  replyToMessageId?: string;
  buttons?: Button[][];
  /**
   * A file. `fallbackText` is sent instead when the platform cannot deliver the file in time
   * (a Zalo upload completes only through the listener): a link to the same content.
   */
  document?: { fileName: string; mimeType: string; base64: string; fallbackText?: string };
  /** Edit a message already sent (progress of a broadcast) instead of sending a new one. */
  editMessageId?: string;
  /** Platforms that notify mentioned people even in a muted group (Zalo) tag them. */
  mentions?: Mention[];
  /** An urgent broadcast: platforms that can flag it (Zalo's urgency) do. */
  urgent?: boolean;
  /**
   * Delete this message of the chat instead of sending anything (a `/lienket <code>` someone
   * typed). Only queued for platforms whose capabilities say `deletes`; a refusal is ignored.
   */
  deleteMessageId?: string;
}

/**
 * What each platform can do, so the core asks instead of hard-coding platform names.
 * files: 'yes' sends a document; 'best-effort' may fail and falls back to its link
 * (document.fallbackText); 'no' never sends one.
 */
export interface PlatformCapabilities {
  files: 'yes' | 'best-effort' | 'no';
  edits: boolean;
  mentions: boolean;
  urgency: boolean;
  /** Can delete a message in a chat (OutboundMessage.deleteMessageId). */
  deletes: boolean;
}

export const CAPABILITIES: Record<Platform, PlatformCapabilities> = {
  telegram: { files: 'yes', edits: true, mentions: false, urgency: false, deletes: true },
  zalo: { files: 'best-effort', edits: false, mentions: true, urgency: true, deletes: false },
  'zalo-bot': { files: 'no', edits: false, mentions: false, urgency: false, deletes: false },
  sandbox: { files: 'yes', edits: true, mentions: false, urgency: false, deletes: true },
};

export function capabilitiesOf(platform: string): PlatformCapabilities {
  return CAPABILITIES[platform as Platform] ?? CAPABILITIES['zalo-bot'];
}

/** The result of a delivery attempt, classified so the outbox knows whether to retry. */
export type SendResult =
  | { ok: true; messageId?: string }
  | { ok: false; kind: 'retry'; retryAfterMs?: number; scope?: 'chat' | 'bot'; reason: string }
  | { ok: false; kind: 'permanent'; reason: string; chatGone?: boolean; migratedTo?: string };

/** What an adapter offers the outbox. Each adapter also declares its own pacing. */
export interface ChannelSender {
  platform: Platform;
  /** Max characters of one message; longer texts are split at line boundaries. */
  maxTextLength: number;
  /** Overall sends per second for this channel and per-chat sends per minute (0 = unlimited). */
  limits: {
    perSecond: number;
    perChatPerMinute: number;
    minGapMs?: number;
    jitterMs?: number;
    dailyCap?: number;
  };
  send(chatId: string, message: OutboundMessage): Promise<SendResult>;
}

/**
 * Reads the core may make of a platform outside the outbox (sends always go through the outbox).
 * Each is optional: a platform that cannot tell leaves it out, and the core copes.
 */
export interface PlatformQueries {
  /** Is this person still in that chat (Telegram getChatMember)? 'unknown' when it cannot tell. */
  memberStatus?(chatId: string, userId: string): Promise<'member' | 'left' | 'unknown'>;
  /** Downloads a file a user sent (Telegram getFile, a Zalo URL), refusing more than maxBytes. */
  fetchFile?(
    fileId: string,
    maxBytes: number,
  ): Promise<{ data: Uint8Array; fileName?: string; mimeType?: string }>;
}

/** What adapters feed: the core's one entry point for messages and chat lifecycle events. */
export interface InboundSink {
  message(msg: InboundMessage): Promise<'handled' | 'duplicate'>;
  event(event: ChatEvent): Promise<'handled' | 'duplicate'>;
}
