import { rp } from '../../messages/vi';
import type { Campaign } from '../../db/schema';
import { refOfRepliedMessage } from '../chats/targets';
import { stripMention } from '../inbound/command';
import type { Turn } from '../inbound/turn';
import { closePrompt, currentPrompt, openPrompt } from '../prompts/prompts';
import type { CommandSpec, TextHandler } from '../router';
import { fold } from '../text/normalize';
import { addDays, atLocal } from '../time/format';
import { parseUserDate } from '../time/parse';
import { checkFuture, checkInstant } from '../time/bounds';
import { findUnits } from '../units/lookup';
import { classifyReportText } from './phrase';
import { chaseRound } from './jobs';
import {
  excuseUnit,
  getCampaign,
  grantExtension,
  owed,
  owedCampaigns,
  recordSubmission,
  statusText,
  type SubmissionInput,
} from './manage';

const CHOOSE = 'report.choose';
const CONFIRM = 'report.confirm';

function submissionFrom(turn: Turn, text: string): SubmissionInput {
  return {
    text: text || null,
    files: (turn.msg.attachments ?? []).map((a) => ({
      kind: a.kind,
      fileId: a.fileId,
      fileName: a.fileName,
      mimeType: a.mimeType,
      size: a.size,
    })),
    senderName: turn.msg.sender.name,
    chatId: turn.chat.id,
  };
}

async function record(turn: Turn, c: Campaign, input: SubmissionInput): Promise<void> {
  const r = await recordSubmission(turn.trx, c, turn.unit!.id, input, turn.now);
  await turn.audit('report.submitted', {
    campaign: c.id,
    unit: turn.unit!.code,
    late: r.late,
    updated: r.updated,
  });
  await turn.reply(
    rp.recorded(
      turn.unit!.name,
      owed(c, r.extendedUntil),
      turn.now,
      r.late,
      r.updated,
      turn.ctx.timezone,
    ),
    { ref: `campaign:${c.id}` },
  );
}

/** A report without a named requirement: the only one owed, or a question when several are. */
async function submitToOwed(turn: Turn, input: SubmissionInput): Promise<void> {
  const owedList = await owedCampaigns(turn.trx, turn.unit!.id);
  if (owedList.length === 1) return record(turn, owedList[0]!, input);
  if (owedList.length === 0) {
    // Reporting again updates the latest one rather than saying nothing is owed.
    const latest = await turn.trx
      .selectFrom('submissions')
      .innerJoin('campaigns', 'campaigns.id', 'submissions.campaign_id')
      .selectAll('campaigns')
      .where('submissions.unit_id', '=', turn.unit!.id)
      .where('campaigns.status', '!=', 'cancelled')
      .orderBy('submissions.updated_at', 'desc')
      .executeTakeFirst();
    if (latest && input.text !== null) return record(turn, latest, input);
    return turn.reply(rp.nothingOwed());
  }
  const promptId = await openPrompt(
    turn.trx,
    turn.chat.id,
    CHOOSE,
    { campaignIds: owedList.map((c) => c.id), input: input as never },
    turn.now,
  );
  await turn.reply(
    rp.whichReport(
      owedList.map((c) => owed(c, c.extended_until)),
      turn.ctx.timezone,
    ),
    {
      buttons: [
        owedList.map((_, i) => ({ text: String(i + 1), data: `p:${promptId}:${i + 1}` })),
        [{ text: 'Tất cả', data: `p:${promptId}:all` }],
      ],
    },
  );
}

async function askToConfirm(turn: Turn, c: Campaign, input: SubmissionInput): Promise<void> {
  const promptId = await openPrompt(
    turn.trx,
    turn.chat.id,
    CONFIRM,
    { campaignId: c.id, input: input as never },
    turn.now,
  );
  await turn.reply(rp.confirmQuestion(owed(c)), {
    buttons: [[{ text: rp.confirmButton(), data: `p:${promptId}:yes` }]],
    ref: `campaign:${c.id}`,
  });
}

/** Answers to the bot's questions: "1", "tất cả", "có", or the buttons under them. */
async function answerPrompt(turn: Turn): Promise<boolean> {
  const answer = turn.msg.callbackData?.startsWith('p:')
    ? turn.msg.callbackData.split(':').slice(2).join(':')
    : fold(turn.msg.text);
  const fromButton = turn.msg.callbackData?.startsWith('p:')
    ? Number(turn.msg.callbackData.split(':')[1])
    : null;
  const choose = await currentPrompt<{ campaignIds: number[]; input: SubmissionInput }>(
    turn.trx,
    turn.chat.id,
    CHOOSE,
    turn.now,
  );
  if (choose && (fromButton === null || fromButton === choose.id)) {
    const n = choose.payload.campaignIds.length;
    const all = /^(all|tat ca|ca hai|ca 2)$/.test(answer);
    const idx = Number(answer.replace(/^(so|bao cao)\s*/, ''));
    if (all || (Number.isInteger(idx) && idx >= 1 && idx <= n)) {
      await closePrompt(turn.trx, choose.id);
      const ids = all ? choose.payload.campaignIds : [choose.payload.campaignIds[idx - 1]!];
      for (const id of ids) {
        const c = await getCampaign(turn.trx, id);
        if (c) await record(turn, c, choose.payload.input);
      }
      return true;
    }
    if (/^\d+$/.test(answer)) {
      await turn.reply(rp.choiceInvalid(n));
      return true;
    }
  }
  const confirm = await currentPrompt<{ campaignId: number; input: SubmissionInput }>(
    turn.trx,
    turn.chat.id,
    CONFIRM,
    turn.now,
  );
  if (
    confirm &&
    (fromButton === null || fromButton === confirm.id) &&
    /^(yes|co|dung|dung roi|da gui|xac nhan|vang|da|ok)$/.test(answer)
  ) {
    await closePrompt(turn.trx, confirm.id);
    const c = await getCampaign(turn.trx, confirm.payload.campaignId);
    if (c) await record(turn, c, confirm.payload.input);
    return true;
  }
  return false;
}

/** "/giahan [#id] <đơn vị> <ngày>": the date is the longest tail that reads as a date. */
function splitUnitAndDate(
  args: string,
  now: Date,
  tz: string,
): { unitText: string; until: Date | null } {
  const tokens = args.split(/\s+/).filter(Boolean);
  for (let k = Math.min(6, tokens.length - 1); k >= 1; k--) {
    const parsed = parseUserDate(tokens.slice(-k).join(' '), now, tz);
    if (parsed) {
      // Out of the bot's window (31/12/9999): refused before any arithmetic on it.
      checkInstant(parsed.date, rp.extensionLabel());
      // A bare date extends through the end of that day.
      const until = parsed.hasTime ? parsed.date : atLocal(addDays(parsed.dateKey, 1), '00:00', tz);
      return {
        unitText: tokens
          .slice(0, -k)
          .join(' ')
          .replace(/\s*(den|đến|toi|tới|ngay|ngày)$/i, ''),
        until,
      };
    }
  }
  return { unitText: args, until: null };
}

/** Picks the requirement an organizer command is about: "#id", or the only active one. */
async function campaignForOrganizer(
  turn: Turn,
  args: string,
): Promise<{ c: Campaign; rest: string } | null> {
  const m = /^#(\d+)\s*/.exec(args);
  if (m) {
    const c = await getCampaign(turn.trx, Number(m[1]));
    if (c && c.status === 'active') return { c, rest: args.slice(m[0].length) };
  }
  const active = await turn.trx
    .selectFrom('campaigns')
    .selectAll()
    .where('status', '=', 'active')
    .orderBy('deadline')
    .execute();
  if (active.length === 1 && !m) return { c: active[0]!, rest: args };
  await turn.reply(
    active.length
      ? rp.whichCampaign(
          active.map((c) => ({ id: c.id, title: c.title, periodLabel: c.period_label })),
        )
      : rp.noCampaign(),
  );
  return null;
}

async function unitFor(turn: Turn, c: Campaign, typed: string) {
  const assigned = await turn.trx
    .selectFrom('units')
    .innerJoin('campaign_units', 'campaign_units.unit_id', 'units.id')
    .selectAll('units')
    .where('campaign_units.campaign_id', '=', c.id)
    .execute();
  const found = findUnits(assigned, typed);
  if (found.length === 1) return found[0]!;
  if (found.length > 1)
    await turn.reply(
      rp.unitAmbiguous(
        typed,
        found.slice(0, 8).map((u) => u.name),
      ),
    );
  else await turn.reply(rp.unitNotFound(typed));
  return null;
}

export const reportCommands: Record<string, CommandSpec> = {
  baocao: { access: 'unit', run: (turn, args) => submitToOwed(turn, submissionFrom(turn, args)) },
  trangthai: {
    access: 'unit',
    async run(turn) {
      const list = await owedCampaigns(turn.trx, turn.unit!.id);
      const items = list.map((c) => ({
        ...owed(c, c.extended_until),
        status: statusText(c, c.extended_until, turn.now, turn.ctx.timezone),
      }));
      return turn.reply(rp.owedList(turn.unit!.name, items, turn.ctx.timezone));
    },
  },
  giahan: {
    access: 'organizer',
    async run(turn, args) {
      if (!args.trim()) return turn.reply(rp.giahanUsage());
      const picked = await campaignForOrganizer(turn, args);
      if (!picked) return;
      const { unitText, until } = splitUnitAndDate(picked.rest, turn.now, turn.ctx.timezone);
      if (!until) return turn.reply(rp.dateNotUnderstood());
      checkFuture(until, turn.now, rp.extensionLabel());
      if (!unitText) return turn.reply(rp.giahanUsage());
      const unit = await unitFor(turn, picked.c, unitText);
      if (!unit) return;
      await grantExtension(turn.ctx, turn.trx, picked.c, unit.id, until);
      return turn.reply(rp.extended(unit.name, owed(picked.c), until, turn.ctx.timezone));
    },
  },
  mien: {
    access: 'organizer',
    async run(turn, args) {
      if (!args.trim()) return turn.reply(rp.mienUsage());
      const picked = await campaignForOrganizer(turn, args);
      if (!picked) return;
      const unit = await unitFor(turn, picked.c, picked.rest);
      if (!unit) return;
      await excuseUnit(turn.trx, picked.c, unit.id, null);
      return turn.reply(rp.excused(unit.name, owed(picked.c)));
    },
  },
};

/** "/nhacnho": a chase round now for every active requirement (overdue units), plus event registration reminders. */
export async function chaseNow(turn: Turn): Promise<{ units: number }> {
  const active = await turn.trx
    .selectFrom('campaigns')
    .select('id')
    .where('status', '=', 'active')
    .where('deadline', '<=', turn.now)
    .execute();
  let units = 0;
  for (const c of active) units += await chaseRound(turn.ctx, turn.trx, c.id, 0, turn.now);
  return { units };
}

/**
 * Unit chat messages about reports: answers to the bot's questions, replies to reminders and
 * chases, and unmistakable phrases ("đã gửi báo cáo số 45/BC-UBND").
 */
export const reportTextHandler: TextHandler = async (turn) => {
  if (!turn.unit || !turn.chat.active) return false;
  if (await answerPrompt(turn)) return true;
  if (turn.msg.callbackData) return false;
  const text = stripMention(turn.msg.text, turn.botUsername);
  const input = submissionFrom(turn, text);
  const intent = classifyReportText(text);
  const ref = await refOfRepliedMessage(
    turn.trx,
    turn.msg.platform,
    turn.msg.chat.id,
    turn.msg.replyToMessageId,
  );
  if (ref?.startsWith('campaign:')) {
    const c = await getCampaign(turn.trx, Number(ref.slice(9)));
    if (!c) return false;
    if (intent === 'report' || input.files.length > 0) await record(turn, c, input);
    else await askToConfirm(turn, c, input);
    return true;
  }
  if (intent === 'report') {
    await submitToOwed(turn, input);
    return true;
  }
  if (intent === 'maybe' && (turn.msg.mentionsBot || input.files.length > 0)) {
    const list = await owedCampaigns(turn.trx, turn.unit.id);
    if (list.length === 0) return false;
    if (list.length > 1) await submitToOwed(turn, input);
    else await askToConfirm(turn, list[0]!, input);
    return true;
  }
  return false;
};
