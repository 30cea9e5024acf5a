import type { Attachment, InboundMessage } from '../../src/core/channel';
import type { ZaloAttachment, ZaloGroupMessage } from './zca-port';

function attachment(a: ZaloAttachment): Attachment {
  // zca-js gives a download URL and no file id, so the URL stands in for the id.
  const out: Attachment = { kind: a.kind, fileId: a.url };
  if (a.fileName !== undefined) out.fileName = a.fileName;
  if (a.size !== undefined) out.size = a.size;
  return out;
}

/**
 * A zca-js group message → the core's normalized message; null when there is nothing to act on
 * (no text and no file). `ownId` is the logged-in account's uid: a mention of it addresses the
 * bot. `@All` (uid -1) does not: it addresses everybody, not the bot in particular.
 */
export function mapZaloGroupMessage(
  m: ZaloGroupMessage,
  ownId: string | null,
): InboundMessage | null {
  const files = m.attachment ? [attachment(m.attachment)] : [];
  if (!m.text && files.length === 0) return null;
  const msg: InboundMessage = {
    platform: 'zalo',
    updateKey: m.msgId,
    chat: { id: m.groupId, type: 'group' },
    sender: { id: m.senderId, name: m.senderName || m.senderId },
    messageId: m.msgId,
    text: m.text,
    mentionsBot: ownId !== null && m.mentionIds.includes(ownId),
    sentAt: new Date(m.ts),
    raw: m.raw,
  };
  if (m.groupName) msg.chat.title = m.groupName;
  if (m.quoteMsgId) msg.replyToMessageId = m.quoteMsgId;
  if (files.length) msg.attachments = files;
  return msg;
}
