import type { ChannelSender, SendResult } from '../../src/core/channel';
import { ZaloBotApiError, ZaloBotNetworkError, type ZaloBotClient } from './client';

/** sendMessage takes 1–2,000 characters; the outbox splits longer texts (MAX_TEXT['zalo-bot']). */
export const ZALO_BOT_MAX_TEXT = 2000;

/**
 * ASSUMED limits: the Zalo Bot API publishes none we could find, so we take Telegram's per-chat
 * figure (20/min into one group) and a modest 10/s overall; a 429 pauses further (retry_after).
 */
export const ZALO_BOT_LIMITS = { perSecond: 10, perChatPerMinute: 20 };

/** Without a retry_after on a 429 we wait this long before the next try. */
const DEFAULT_RETRY_AFTER_S = 5;

/** Sorts a Zalo Bot API failure into retry / permanent so the outbox knows what to do. */
export function classifyZaloBotError(e: unknown): SendResult {
  if (e instanceof ZaloBotApiError) {
    const reason = e.message;
    if (e.code === 429)
      return {
        ok: false,
        kind: 'retry',
        retryAfterMs: (e.retryAfter ?? DEFAULT_RETRY_AFTER_S) * 1000,
        reason,
      };
    // 403: the bot was removed from the group or the user blocked it.
    if (e.code === 403) return { ok: false, kind: 'permanent', reason, chatGone: true };
    if (e.code === 408 || e.code >= 500) return { ok: false, kind: 'retry', reason };
    return { ok: false, kind: 'permanent', reason };
  }
  if (e instanceof ZaloBotNetworkError) return { ok: false, kind: 'retry', reason: e.message };
  return { ok: false, kind: 'retry', reason: e instanceof Error ? e.message : String(e) };
}

/**
 * Text only: the Bot API has no edit (an edit goes out as a new message), no buttons we use (the
 * core always offers a keyword too), no document upload and no reply-to parameter, so only
 * `sendMessage {chat_id, text}` is ever called. A document arriving here (the core asks
 * CAPABILITIES first, so it should not) goes out as its text and its link (fallbackText).
 */
export function zaloBotSender(client: ZaloBotClient): ChannelSender {
  return {
    platform: 'zalo-bot',
    maxTextLength: ZALO_BOT_MAX_TEXT,
    limits: ZALO_BOT_LIMITS,
    async send(chatId, message): Promise<SendResult> {
      const text = message.document
        ? [message.text, message.document.fallbackText ?? ''].filter((t) => t.trim()).join('\n\n')
        : message.text;
      if (text.trim() === '') return { ok: false, kind: 'permanent', reason: 'empty text' };
      if (text.length > ZALO_BOT_MAX_TEXT) {
        return {
          ok: false,
          kind: 'permanent',
          reason: `text longer than ${ZALO_BOT_MAX_TEXT} characters (the outbox should have split it)`,
        };
      }
      try {
        const sent = await client.call<{ message_id?: unknown }>('sendMessage', {
          chat_id: chatId,
          text,
        });
        const id = sent?.message_id;
        return id === undefined || id === null ? { ok: true } : { ok: true, messageId: String(id) };
      } catch (e) {
        return classifyZaloBotError(e);
      }
    },
  };
}
