import type { ChannelSender, SendResult } from '../../src/core/channel';
import { ZaloSessionError, type ZaloSession } from './zca-port';

/** What we let one Zalo message hold; the outbox splits longer texts (MAX_TEXT.zalo). */
export const ZALO_MAX_TEXT = 2000;

/**
 * Zalo error codes, as far as we could find them. Zalo documents none of these for its web API;
 * what follows is ASSUMED from zca-js' sources and issue threads, not verified against Zalo:
 * - 165 "the user is not in the group" and 166 "not enough permissions or not in the group"
 *   (a zca-js doc comment on removeUserFromGroup). We take them to mean, for a send, that the
 *   account is no longer a member or the group is gone → permanent, chat gone.
 * - 114 "Tham số không hợp lệ" (invalid parameters): answered for malformed requests and, per
 *   issue reports, also when the account cannot see the group. It is also what Zalo answered
 *   when it changed its parameters under zca-js, so it must NOT mark chats inactive: permanent,
 *   chat kept.
 * - No documented rate-limit code. An HTTP 429 reaches us as a ZaloSessionError without code and
 *   "status code 429" in its message → retry after a conservative account-wide pause.
 * - Everything else, including errors without a code (network, HTTP 5xx, an expired session,
 *   zca-js' own "not logged in" failures) → retry: the outbox bounds the attempts, and retrying an
 *   unknown code is cheaper than losing a message to a transient failure.
 */
export const ZALO_CHAT_GONE_CODES: ReadonlySet<number> = new Set([165, 166]);
export const ZALO_INVALID_PARAMS_CODE = 114;
/** How long all sends pause after Zalo answered 429 (it gives no retry-after). */
export const ZALO_RATE_LIMIT_PAUSE_MS = 60_000;

export function classifyZaloError(e: unknown): SendResult {
  const reason = e instanceof Error ? e.message : String(e);
  if (e instanceof ZaloSessionError) {
    if (e.code !== null && ZALO_CHAT_GONE_CODES.has(e.code))
      return { ok: false, kind: 'permanent', reason, chatGone: true };
    if (e.code === ZALO_INVALID_PARAMS_CODE) return { ok: false, kind: 'permanent', reason };
    if (e.code === null && /status code 429\b/.test(e.message)) {
      return {
        ok: false,
        kind: 'retry',
        retryAfterMs: ZALO_RATE_LIMIT_PAUSE_MS,
        scope: 'bot',
        reason,
      };
    }
  }
  return { ok: false, kind: 'retry', reason };
}

export interface ZaloSenderOptions {
  /** The logged-in session, logging in if needed; throws when none can be had right now. */
  session(): Promise<ZaloSession>;
  limits: { minGapMs: number; jitterMs: number; dailyCap: number };
}

/**
 * Sends into Zalo groups through the zca-js session. Zalo cannot edit a message (an edit is sent
 * as a new one), has no buttons (the core always offers a keyword too, so they are left out), and
 * we send no files through zca-js. Pacing is per account: one send at a time with a gap and
 * jitter, a daily cap; no per-second or per-chat rate of its own.
 */
export function zaloSender(opts: ZaloSenderOptions): ChannelSender {
  return {
    platform: 'zalo',
    maxTextLength: ZALO_MAX_TEXT,
    limits: {
      perSecond: 0,
      perChatPerMinute: 0,
      minGapMs: opts.limits.minGapMs,
      jitterMs: opts.limits.jitterMs,
      dailyCap: opts.limits.dailyCap,
    },
    async send(groupId, message): Promise<SendResult> {
      if (message.document)
        return { ok: false, kind: 'permanent', reason: 'documents not supported on zca-js' };
      if (message.text.trim() === '') return { ok: false, kind: 'permanent', reason: 'empty text' };
      if (message.text.length > ZALO_MAX_TEXT) {
        return {
          ok: false,
          kind: 'permanent',
          reason: `text longer than ${ZALO_MAX_TEXT} characters (the outbox should have split it)`,
        };
      }
      let session: ZaloSession;
      try {
        session = await opts.session();
      } catch (e) {
        return {
          ok: false,
          kind: 'retry',
          reason: `zalo session unavailable: ${e instanceof Error ? e.message : String(e)}`,
        };
      }
      try {
        const sent = await session.sendGroupText(groupId, message.text, message.replyToMessageId);
        return { ok: true, messageId: sent.msgId };
      } catch (e) {
        return classifyZaloError(e);
      }
    },
  };
}
