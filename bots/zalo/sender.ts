import type { ChannelSender, OutboundMessage, SendResult } from '../../src/core/channel';
import type { Timers } from '../../src/core/leases/keeper';
import { isThrottle, type PauseState, type SendPause } from './pause';
import { ZaloSessionError, type ZaloMention, type ZaloSession } from './zca-port';

/** What we let one Zalo message hold; the outbox splits longer texts (MAX_TEXT.zalo). */
export const ZALO_MAX_TEXT = 2000;

/**
 * Zalo error codes, as far as we could find them (sources in bots/zalo/README.md). Zalo documents
 * none of these for its web API:
 * - 165 "the user is not in the group" and 166 "not enough permissions or not in the group"
 *   (a zca-js doc comment on removeUserFromGroup) → for a send: no longer a member or the group
 *   is gone → permanent, chat gone. ASSUMED.
 * - 114 "Tham số không hợp lệ": malformed requests, and also what Zalo answered when it changed
 *   its parameters under zca-js, so it must NOT mark chats inactive: permanent, chat kept.
 * - 123 and "Vượt quá số request cho phép": the account sends too much → the account pauses
 *   (pause.ts), reported to the outbox as a retry after the pause.
 * - HTTP 429 reaches us without a Zalo code, "status code 429" in the message → one minute's
 *   account-wide pause (no retry-after is given).
 * - Everything else (network, HTTP 5xx, an expired session, zca-js' own failures) → retry: the
 *   outbox bounds the attempts, and retrying an unknown code beats losing a message.
 */
export const ZALO_CHAT_GONE_CODES: ReadonlySet<number> = new Set([165, 166]);
export const ZALO_INVALID_PARAMS_CODE = 114;
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
  /**
   * The session whose listener is connected in this process, or null. Non-image uploads finish
   * only through the listener, so files are sent through it or not at all (their link instead).
   */
  listeningSession(): ZaloSession | null;
  limits: { minGapMs: number; jitterMs: number; dailyCap: number };
  pause: SendPause;
  timers: Timers;
  /** How long a file may take before its link is sent instead. */
  fileTimeoutMs: number;
  /** Zalo throttled the account: sending is paused (tell the organizers). */
  onThrottled?(state: PauseState, reason: string): void;
}

class Timeout extends Error {}

function withTimeout<T>(p: Promise<T>, ms: number, timers: Timers): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const cancel = timers.setTimeout(() => reject(new Timeout(`no answer in ${ms} ms`)), ms);
    p.then(
      (v) => {
        cancel();
        resolve(v);
      },
      (e: unknown) => {
        cancel();
        reject(e);
      },
    );
  });
}

function mentionsFor(text: string, message: OutboundMessage): ZaloMention[] | undefined {
  const list = (message.mentions ?? [])
    .filter((m) => m.offset >= 0 && m.length > 0 && m.offset + m.length <= text.length)
    .map((m) => ({ uid: m.userId, pos: m.offset, len: m.length }));
  return list.length ? list : undefined;
}

function base64Bytes(b64: string): Uint8Array {
  return Uint8Array.from(Buffer.from(b64, 'base64'));
}

/**
 * Sends into Zalo groups through the zca-js session. Zalo cannot edit a message (an edit goes out
 * as a new one) and has no buttons (the core always offers a keyword too). Mentions tag people so
 * a muted group still notifies them; an urgent message carries Zalo's urgency. A file goes first
 * (through the listener, with a timeout), then the text; when the file cannot go, the text
 * carries its link instead. Pacing is per account: one send at a time with a gap and jitter and a
 * daily cap, and a pause when Zalo throttles the account.
 */
export function zaloSender(opts: ZaloSenderOptions): ChannelSender {
  function paused(): SendResult | null {
    const left = opts.pause.remaining();
    if (left <= 0) return null;
    const state = opts.pause.state();
    return {
      ok: false,
      kind: 'retry',
      retryAfterMs: left,
      scope: 'bot',
      reason: `zalo sending paused for this account (${state?.reason ?? 'throttled'})`,
    };
  }

  function failed(e: unknown): SendResult {
    if (isThrottle(e)) {
      const reason = e instanceof Error ? e.message : String(e);
      const state = opts.pause.trip(reason);
      opts.onThrottled?.(state, reason);
      return paused() ?? { ok: false, kind: 'retry', reason };
    }
    return classifyZaloError(e);
  }

  /** Sends the file through the listening session; false when it cannot go (link instead). */
  async function sendFile(groupId: string, doc: NonNullable<OutboundMessage['document']>) {
    const listening = opts.listeningSession();
    if (!listening) return false;
    try {
      await withTimeout(
        listening.sendGroupFile(groupId, { fileName: doc.fileName, data: base64Bytes(doc.base64) }),
        opts.fileTimeoutMs,
        opts.timers,
      );
      return true;
    } catch (e) {
      if (isThrottle(e)) throw e;
      return false;
    }
  }

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
      const pause = paused();
      if (pause) return pause;
      let text = message.text;
      if (text.trim() === '' && !message.document)
        return { ok: false, kind: 'permanent', reason: 'empty text' };
      if (text.length > ZALO_MAX_TEXT) {
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
        const retryAfterMs =
          e instanceof ZaloSessionError && e.sessionInvalid ? 10 * 60_000 : undefined;
        return {
          ok: false,
          kind: 'retry',
          ...(retryAfterMs ? { retryAfterMs, scope: 'bot' as const } : {}),
          reason: `zalo session unavailable: ${e instanceof Error ? e.message : String(e)}`,
        };
      }
      try {
        if (message.document && !(await sendFile(groupId, message.document))) {
          const link = message.document.fallbackText ?? '';
          const joined = [text, link].filter((t) => t.trim()).join('\n\n');
          text = joined.length <= ZALO_MAX_TEXT ? joined : link;
        }
        if (text.trim() === '') return { ok: true };
        const sent = await session.sendGroup(groupId, {
          text,
          ...(message.replyToMessageId ? { quoteMsgId: message.replyToMessageId } : {}),
          ...(mentionsFor(text, message) ? { mentions: mentionsFor(text, message)! } : {}),
          ...(message.urgent ? { urgent: true } : {}),
        });
        return { ok: true, messageId: sent.msgId };
      } catch (e) {
        return failed(e);
      }
    },
  };
}
