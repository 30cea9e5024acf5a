import { bc } from '../../messages/vi';
import { ops } from '../../messages/ops';
import type { Turn } from '../inbound/turn';
import { closePrompt, currentPrompt, openPrompt } from '../prompts/prompts';
import type { CommandSpec, TextHandler } from '../router';
import { fold } from '../text/normalize';
import {
  draftBroadcast,
  matchCategory,
  resendFailed,
  sendBroadcast,
  type BroadcastTarget,
} from './broadcast';

const CONFIRM = 'broadcast.confirm';

interface ConfirmPayload {
  broadcastId: number;
  /** The platform id of the organizer who asked for the broadcast. */
  author?: string;
}

const previewRef = (broadcastId: number) => `broadcast.preview:${broadcastId}`;

/** Does this message reply to the preview of that broadcast (the bot's message, in this chat)? */
async function repliesToPreview(turn: Turn, broadcastId: number): Promise<boolean> {
  const replyTo = turn.msg.replyToMessageId;
  if (!replyTo) return false;
  const row = await turn.trx
    .selectFrom('outbox')
    .select('id')
    .where('platform', '=', turn.msg.platform)
    .where('chat_external_id', '=', turn.msg.chat.id)
    .where('platform_message_id', '=', replyTo)
    .where('ref', '=', previewRef(broadcastId))
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Who may answer a preview: a button press counts from its author only; a reply to the preview
 * is an explicit answer from any organizer in the group; a word typed without replying counts
 * from the author only. Someone else's unaddressed "ok" in a busy group confirms nothing.
 */
async function mayAnswer(
  turn: Turn,
  prompt: ConfirmPayload,
  via: 'button' | 'text',
): Promise<'yes' | 'not-author' | 'no'> {
  const isAuthor = prompt.author === undefined || prompt.author === turn.msg.sender.id;
  if (via === 'button') return isAuthor ? 'yes' : 'not-author';
  if (await repliesToPreview(turn, prompt.broadcastId)) return 'yes';
  if (turn.msg.replyToMessageId) return 'no'; // a reply to some other message
  return isAuthor ? 'yes' : 'no';
}

/** "chưa đăng ký: …", "chưa báo cáo: …", "nhóm <tên>: …" at the head of the text choose the target. */
async function parseTarget(
  turn: Turn,
  args: string,
): Promise<{ target: BroadcastTarget; text: string } | string> {
  const m = /^([^:\n]{2,80}):\s*([\s\S]+)$/.exec(args);
  if (m) {
    const head = fold(m[1]!);
    const text = m[2]!.trim();
    if (/^(chua dang ky|chuadangky)$/.test(head)) return { target: { kind: 'unregistered' }, text };
    if (/^(chua bao cao|chuabaocao|chua nop bao cao|no bao cao)$/.test(head))
      return { target: { kind: 'owing' }, text };
    if (/^(tat ca|tatca)$/.test(head)) return { target: { kind: 'units', units: 'all' }, text };
    const cat = /^nhom\s+(.+)$/.exec(head);
    if (cat) {
      const { match, known } = await matchCategory(
        turn.trx,
        m[1]!.trim().replace(/^nh[oó]m\s+/i, ''),
      );
      if (!match) return bc.categoryUnknown(m[1]!.trim(), known);
      return { target: { kind: 'units', units: { categories: [match] } }, text };
    }
  }
  return { target: { kind: 'units', units: 'all' }, text: args };
}

export const broadcastCommands: Record<string, CommandSpec> = {
  thongbao: {
    access: 'organizer',
    async run(turn, args) {
      if (!args.trim()) return turn.reply(bc.usage());
      // "/thongbao khẩn: …" (any target may follow): Zalo flags the message as urgent.
      const urgentHead = /^([^:\n]{2,12}):\s*([\s\S]+)$/.exec(args.trim());
      const urgent = urgentHead !== null && fold(urgentHead[1]!) === 'khan';
      const parsed = await parseTarget(turn, urgent ? urgentHead[2]!.trim() : args.trim());
      if (typeof parsed === 'string') return turn.reply(parsed);
      const draft = await draftBroadcast(
        turn.trx,
        parsed.text,
        parsed.target,
        `${turn.msg.sender.name} (${turn.msg.platform}:${turn.msg.sender.id})`,
        turn.chat.id,
        turn.now,
        urgent,
      );
      if (draft.chats === 0) return turn.reply(bc.noRecipients(draft.label));
      const promptId = await openPrompt(
        turn.trx,
        turn.chat.id,
        CONFIRM,
        { broadcastId: draft.id, author: turn.msg.sender.id } satisfies ConfirmPayload,
        turn.now,
        30 * 60_000,
      );
      const preview = bc.preview(
        draft.label,
        draft.chats,
        draft.units,
        draft.unreachable,
        parsed.text,
      );
      await turn.reply(urgent ? `${preview}\n${ops.urgentMark()}` : preview, {
        ref: previewRef(draft.id),
        buttons: [
          [
            { text: bc.sendButton(), data: `p:${promptId}:send` },
            { text: bc.cancelButton(), data: `p:${promptId}:cancel` },
          ],
        ],
      });
    },
  },
};

/** The organizer's answer to a preview ("gửi"/"hủy" or the buttons), and "resend the failed ones". */
export const broadcastTextHandler: TextHandler = async (turn) => {
  if (!turn.isOrganizerChat) return false;
  const data = turn.msg.callbackData;
  const resend = data ? /^b:(\d+):resend$/.exec(data) : null;
  if (resend) {
    const n = await resendFailed(turn.trx, Number(resend[1]));
    await turn.reply(n ? bc.resent(n) : bc.nothingToResend());
    return true;
  }
  const answer = data?.startsWith('p:') ? data.split(':')[2]! : fold(turn.msg.text);
  const fromButton = data?.startsWith('p:') ? Number(data.split(':')[1]) : null;
  const isSend = /^(send|gui|gui di|gui ngay|dong y|xac nhan|ok)$/.test(answer);
  const isCancel = /^(cancel|huy|khong|thoi|bo)$/.test(answer);
  if (!isSend && !isCancel) return false;
  const prompt = await currentPrompt<ConfirmPayload>(turn.trx, turn.chat.id, CONFIRM, turn.now);
  if (!prompt || (fromButton !== null && fromButton !== prompt.id)) return false;
  const may = await mayAnswer(turn, prompt.payload, fromButton !== null ? 'button' : 'text');
  if (may === 'not-author') {
    await turn.reply(bc.onlyAuthorMayPress());
    return true;
  }
  if (may === 'no') return false;
  if (!(await closePrompt(turn.trx, prompt.id))) return true;
  await turn.audit(isCancel ? 'broadcast.cancelled' : 'broadcast.confirmed', {
    broadcast: prompt.payload.broadcastId,
    by: turn.msg.sender.id,
  });
  if (isCancel) {
    await turn.trx
      .updateTable('broadcasts')
      .set({ status: 'cancelled' })
      .where('id', '=', prompt.payload.broadcastId)
      .where('status', '=', 'draft')
      .execute();
    await turn.reply(bc.cancelled());
    return true;
  }
  await sendBroadcast(turn.trx, prompt.payload.broadcastId, turn.now);
  return true;
};
