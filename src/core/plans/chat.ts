/**
 * Plans and exports in the organizer chat. A plan file (.docx, .pdf, .txt, .md) sent there is
 * fetched from the platform by a scheduled job — not inside the message's transaction — and read
 * into a draft; a plan pasted as text (or after /kehoach) is read at once. Either way the bot
 * answers with the counts, the warnings and the link to review and apply it.
 * "/xuatbaocao", "/xuattep", "/xuattonghop" [#số | kh <số>] send the status workbook, the zip of
 * submitted files and the draft Báo cáo tổng hợp (a link on Zalo, which does not take files).
 */
import type { AppContext } from '../../app-context';
import type { Trx } from '../../db/types';
import { pm } from '../../messages/plans';
import { DomainError } from '../errors';
import { fetchPlatformFile } from '../files/store';
import type { Turn } from '../inbound/turn';
import { enqueue } from '../outbox/enqueue';
import type { CommandSpec, TextHandler } from '../router';
import { addJob } from '../scheduler/jobs';
import type { JobHandler, JobHandlers } from '../scheduler/tick';
import type { JobPayloads } from '../scheduler/kinds';
import { fold } from '../text/normalize';
import { createDraft, type DraftView } from './drafts';
import { buildExport, type ExportFormat, type ExportTarget } from './exports';
import { capabilitiesOf } from '../channel';
import { signedDownloadUrl } from '../exports/links';
import { dashboardBaseUrl } from '../login-tokens';
import { planHeadingIndex } from './header';
import { MAX_PLAN_FILE_BYTES, planFileKind, planFileText } from './source';
import { toLines } from './text';

export const PLAN_IMPORT_JOB = 'plan.import' as const;
/** Larger exports go as a link even where files can be sent (an outbox row holds the file). */
const MAX_CHAT_FILE_BYTES = 10 * 1024 * 1024;

function reviewText(ctx: AppContext, d: DraftView): string {
  return pm.imported(d, `${dashboardBaseUrl(ctx.config)}/plans/${d.id}`);
}

/** A pasted plan: a "KẾ HOẠCH" heading and enough text to be one. */
function looksLikePlan(text: string): boolean {
  if (text.length < 300) return false;
  try {
    return planHeadingIndex(toLines(text.slice(0, 20_000))) >= 0;
  } catch {
    return false;
  }
}

async function importText(turn: Turn, text: string): Promise<void> {
  const draft = await createDraft(
    turn.ctx,
    { text, sourceKind: 'text', createdBy: `${turn.msg.platform}:${turn.msg.sender.id}` },
    turn.trx,
  );
  await turn.audit('plan.import', { plan: draft.id, via: 'chat-text' });
  await turn.reply(reviewText(turn.ctx, draft), { ref: `plan:${draft.id}` });
}

/** Organizer chat: a plan file (fetched later, by a job) or a pasted plan. */
export const planImportTextHandler: TextHandler = async (turn) => {
  if (!turn.isOrganizerChat || turn.msg.callbackData) return false;
  const doc = (turn.msg.attachments ?? []).find(
    (a) => a.kind === 'document' && planFileKind(a.fileName, a.mimeType),
  );
  if (doc) {
    if (doc.size && doc.size > MAX_PLAN_FILE_BYTES) {
      await turn.reply(pm.fileTooLarge(doc.fileName ?? ''));
      return true;
    }
    await addJob(turn.trx, {
      key: `plan-import:${turn.msg.platform}:${turn.msg.updateKey}`,
      kind: PLAN_IMPORT_JOB,
      dueAt: turn.now,
      payload: {
        platform: turn.msg.platform,
        fileId: doc.fileId,
        fileName: doc.fileName ?? null,
        mimeType: doc.mimeType ?? null,
        chatId: turn.chat.id,
        chatExternalId: turn.msg.chat.id,
        messageId: turn.msg.messageId ?? null,
        by: `${turn.msg.platform}:${turn.msg.sender.id}`,
      },
    });
    await turn.reply(pm.reading(doc.fileName ?? ''));
    return true;
  }
  if (looksLikePlan(turn.msg.text)) {
    await importText(turn, turn.msg.text);
    return true;
  }
  return false;
};

type ImportPayload = JobPayloads['plan.import'];

/** Fetches the plan file from the platform, reads it into a draft and answers in the organizer chat. */
const importJob: JobHandler<'plan.import'> = {
  timeSensitive: false,
  alone: true,
  async run(ctx, trx, job, now) {
    const p: ImportPayload = job.payload;
    const target = [{ platform: p.platform, chatExternalId: p.chatExternalId, chatId: p.chatId }];
    const answer = (text: string, ref: string | null = null) =>
      enqueue(
        trx,
        target,
        { text, ...(p.messageId ? { replyToMessageId: p.messageId } : {}) },
        { purpose: 'reply', ref },
      );
    let text: string;
    let kind: 'docx' | 'pdf' | 'text';
    try {
      const file = await fetchPlatformFile(ctx, p.platform, p.fileId, MAX_PLAN_FILE_BYTES);
      const name = p.fileName ?? file.fileName;
      kind = planFileKind(name, p.mimeType ?? file.mimeType) ?? 'text';
      text = await planFileText(file.data, name, p.mimeType ?? file.mimeType);
    } catch (e) {
      if (e instanceof DomainError) return answer(e.message).then(() => undefined);
      const attempt = (p.attempt ?? 0) + 1;
      ctx.log.warn({ err: e, job: job.key, attempt }, 'plan file download failed');
      if (attempt >= 3) return answer(pm.downloadFailed(p.fileName ?? '')).then(() => undefined);
      await addJob(trx, {
        key: `${job.key.replace(/:retry:\d+$/, '')}:retry:${attempt}`,
        kind: PLAN_IMPORT_JOB,
        dueAt: new Date(now.getTime() + attempt * 60_000),
        payload: { ...p, attempt },
      });
      return;
    }
    try {
      const draft = await createDraft(
        ctx,
        { text, sourceKind: kind, fileName: p.fileName, createdBy: p.by },
        trx,
      );
      await trx
        .insertInto('audit_log')
        .values({
          actor: p.by,
          action: 'plan.import',
          details: JSON.stringify({ plan: draft.id, via: 'chat-file' }),
        })
        .execute();
      await answer(reviewText(ctx, draft), `plan:${draft.id}`);
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      await answer(e.message);
    }
  },
};

export const planJobHandlers: Pick<JobHandlers, 'plan.import'> = { 'plan.import': importJob };

// ---------------------------------------------------------------------------------------------
// Exports in the organizer chat

/** "#5" / "5" → requirement 5; "kh 3" / "kế hoạch 3" → plan 3; "" → the only candidate, else null. */
async function exportTarget(turn: Turn, args: string): Promise<ExportTarget | null> {
  const f = fold(args);
  const plan = /^(?:kh|ke hoach|plan)\s*#?\s*(\d{1,7})$/.exec(f);
  if (plan) return { kind: 'plan', id: Number(plan[1]) };
  const campaign = /^(?:bc|bao cao)?\s*#?\s*(\d{1,7})$/.exec(f);
  if (campaign) return { kind: 'campaign', id: Number(campaign[1]) };
  if (f) return null;
  const active = await turn.trx
    .selectFrom('campaigns')
    .select('id')
    .where('status', '=', 'active')
    .execute();
  if (active.length === 1) return { kind: 'campaign', id: active[0]!.id };
  const plans = await turn.trx
    .selectFrom('plan_drafts')
    .select('id')
    .where('status', '=', 'applied')
    .orderBy('id', 'desc')
    .limit(2)
    .execute();
  if (!active.length && plans.length === 1) return { kind: 'plan', id: plans[0]!.id };
  return null;
}

async function exportChoices(trx: Trx) {
  const campaigns = await trx
    .selectFrom('campaigns')
    .select(['id', 'title', 'period_label'])
    .where('status', '!=', 'cancelled')
    .orderBy('id', 'desc')
    .limit(10)
    .execute();
  const plans = await trx
    .selectFrom('plan_drafts')
    .select(['id', 'content'])
    .where('status', '=', 'applied')
    .orderBy('id', 'desc')
    .limit(10)
    .execute();
  return {
    campaigns: campaigns.map((c) => ({ id: c.id, title: c.title, period: c.period_label })),
    plans: plans.map((p) => ({
      id: p.id,
      title: (p.content as { document: { title: string | null } }).document.title,
    })),
  };
}

function exportCommand(format: ExportFormat, command: string): CommandSpec {
  return {
    access: 'organizer',
    async run(turn, args) {
      const target = await exportTarget(turn, args);
      if (!target) return turn.reply(pm.whichExport(command, await exportChoices(turn.trx)));
      const file = await buildExport(turn.ctx, turn.trx, target, format);
      if (
        capabilitiesOf(turn.msg.platform).files !== 'yes' ||
        file.data.byteLength > MAX_CHAT_FILE_BYTES
      ) {
        // A signed link opens the file without a dashboard login; it is not kept once sent.
        const url = await signedDownloadUrl(turn.ctx, turn.trx, { ...target, format });
        return turn.reply(pm.exportLink(format, url), { sensitive: true });
      }
      await turn.audit('export', { target, format });
      return turn.reply(pm.exportCaption(format, target), {
        document: {
          fileName: file.fileName,
          mimeType: file.mimeType,
          base64: Buffer.from(file.data).toString('base64'),
        },
      });
    },
  };
}

export const planCommands: Record<string, CommandSpec> = {
  kehoach: {
    access: 'organizer',
    async run(turn, args) {
      if (!args.trim()) return turn.reply(pm.kehoachHelp());
      if (!looksLikePlan(args)) return turn.reply(pm.notAPlanText());
      return importText(turn, args);
    },
  },
  xuatbaocao: exportCommand('xlsx', 'xuatbaocao'),
  xuattep: exportCommand('zip', 'xuattep'),
  xuattonghop: exportCommand('docx', 'xuattonghop'),
};
