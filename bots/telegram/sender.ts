import type { Telegram } from 'telegraf';
import { TelegramError } from 'telegraf';
import type { ChannelSender, OutboundMessage, SendResult } from '../../src/core/channel';

/** Telegram's documented limits: about 30 messages/s overall and 20/min into one group. */
export const TELEGRAM_LIMITS = { perSecond: 30, perChatPerMinute: 20 };

function keyboard(message: OutboundMessage) {
  if (!message.buttons?.length) return undefined;
  return {
    inline_keyboard: message.buttons.map((row) =>
      row.map((b) => ({ text: b.text, callback_data: b.data })),
    ),
  };
}

/** Sorts a Telegram failure into retry / permanent so the outbox knows what to do. */
export function classifyTelegramError(e: unknown): SendResult {
  if (e instanceof TelegramError) {
    const code = e.code;
    const desc = e.description ?? e.message;
    const params = e.parameters;
    if (code === 429)
      return {
        ok: false,
        kind: 'retry',
        retryAfterMs: (params?.retry_after ?? 1) * 1000,
        reason: desc,
      };
    if (params?.migrate_to_chat_id)
      return {
        ok: false,
        kind: 'permanent',
        reason: desc,
        migratedTo: String(params.migrate_to_chat_id),
      };
    if (code === 403) return { ok: false, kind: 'permanent', reason: desc, chatGone: true };
    if (
      code === 400 &&
      /chat not found|group chat was deactivated|bot was kicked|not a member/i.test(desc)
    ) {
      return { ok: false, kind: 'permanent', reason: desc, chatGone: true };
    }
    if (code >= 500) return { ok: false, kind: 'retry', reason: desc };
    return { ok: false, kind: 'permanent', reason: desc };
  }
  return { ok: false, kind: 'retry', reason: e instanceof Error ? e.message : String(e) };
}

/**
 * Documents go as web FormData through fetch: telegraf uploads a Node stream body, which
 * workerd's fetch does not send; FormData works on Node ≥ 22 and Workers alike.
 */
async function sendDocument(
  api: { token: string; apiRoot: string },
  chatId: string,
  message: OutboundMessage,
): Promise<string> {
  const form = new FormData();
  form.set('chat_id', chatId);
  form.set('caption', message.text.slice(0, 1024));
  if (message.replyToMessageId)
    form.set(
      'reply_parameters',
      JSON.stringify({
        message_id: Number(message.replyToMessageId),
        allow_sending_without_reply: true,
      }),
    );
  const markup = keyboard(message);
  if (markup) form.set('reply_markup', JSON.stringify(markup));
  const doc = message.document!;
  form.set(
    'document',
    new Blob([Uint8Array.from(Buffer.from(doc.base64, 'base64'))], { type: doc.mimeType }),
    doc.fileName,
  );
  const res = await fetch(`${api.apiRoot}/bot${api.token}/sendDocument`, {
    method: 'POST',
    body: form,
  });
  if (res.status >= 500)
    throw new TelegramError({
      error_code: res.status,
      description: res.statusText || `HTTP ${res.status}`,
    });
  const data = (await res.json()) as {
    ok: boolean;
    result?: { message_id: number };
    error_code?: number;
    description?: string;
    parameters?: Record<string, unknown>;
  };
  if (!data.ok)
    throw new TelegramError({
      error_code: data.error_code ?? res.status,
      description: data.description ?? 'error',
      parameters: data.parameters,
    } as never);
  return String(data.result!.message_id);
}

export function telegramSender(
  telegram: Telegram,
  api: { token: string; apiRoot: string },
): ChannelSender {
  return {
    platform: 'telegram',
    maxTextLength: 4096,
    limits: TELEGRAM_LIMITS,
    async send(chatId, message): Promise<SendResult> {
      try {
        if (message.deleteMessageId) {
          try {
            await telegram.deleteMessage(chatId, Number(message.deleteMessageId));
          } catch (e) {
            // Not allowed (no admin right, too old) or already gone: nothing more to do.
            const r = classifyTelegramError(e);
            if (!r.ok && r.kind === 'permanent') return { ok: true };
            throw e;
          }
          return { ok: true };
        }
        if (message.editMessageId) {
          try {
            await telegram.editMessageText(
              chatId,
              Number(message.editMessageId),
              undefined,
              message.text,
              { reply_markup: keyboard(message) },
            );
          } catch (e) {
            // Editing to the same text is not a failure.
            if (e instanceof TelegramError && /message is not modified/i.test(e.description))
              return { ok: true, messageId: message.editMessageId };
            throw e;
          }
          return { ok: true, messageId: message.editMessageId };
        }
        const reply_parameters = message.replyToMessageId
          ? { message_id: Number(message.replyToMessageId), allow_sending_without_reply: true }
          : undefined;
        if (message.document)
          return { ok: true, messageId: await sendDocument(api, chatId, message) };
        const sent = await telegram.sendMessage(chatId, message.text, {
          reply_parameters,
          reply_markup: keyboard(message),
          link_preview_options: { is_disabled: true },
        });
        return { ok: true, messageId: String(sent.message_id) };
      } catch (e) {
        return classifyTelegramError(e);
      }
    },
  };
}
