/**
 * What units say about the reports they owe. A statement is recorded only when what it names
 * (topic, period, kind of document) fits a report the unit owes; when it may fit the bot asks;
 * a message about another report, a promise, a question or a failed send is never recorded (a
 * unit wrongly marked as reported stops being chased). A clear statement counts even posted
 * without replying to the bot; a district may report for its communes by naming them.
 */
import type { Campaign, Unit } from '../../db/schema';
import { rp } from '../../messages/vi';
import { stripMention } from '../inbound/command';
import type { Turn } from '../inbound/turn';
import { closePrompt, isYes, numberedAnswer, openPrompt } from '../prompts/prompts';
import type { TextHandler } from '../router';
import { fold } from '../text/normalize';
import { resolveNamedChildren } from '../units/acting';
import { descendantsOf } from '../units/tree';
import { getCampaign, owed, owedCampaigns, recordSubmission, type SubmissionInput } from './manage';
import {
  classifyReportText,
  collectiveSubject,
  recognizeReport,
  reportSubjects,
  saysSent,
  type OwedReportRef,
} from './recognize';

const CHOOSE = 'report.choose';
const CONFIRM = 'report.confirm';
/** A correction may update a report recorded up to this long ago. */
const CORRECTION_WINDOW_MS = 30 * 86_400_000;

interface Pending {
  campaignIds: number[];
  input: SubmissionInput;
  /** The units it is for: the group's own, or communes a district named. */
  unitIds: number[];
}

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

/** What a unit may be reporting: what it owes, and what it reported lately (to correct it). */
async function reportsOf(turn: Turn, unitId: number): Promise<Campaign[]> {
  const owing = await owedCampaigns(turn.trx, unitId);
  const recent = await turn.trx
    .selectFrom('submissions as s')
    .innerJoin('campaigns as c', 'c.id', 's.campaign_id')
    .selectAll('c')
    .where('s.unit_id', '=', unitId)
    .where('c.status', '!=', 'cancelled')
    .where('s.updated_at', '>', new Date(turn.now.getTime() - CORRECTION_WINDOW_MS))
    .orderBy('s.updated_at', 'desc')
    .execute();
  return [...owing, ...recent.filter((c) => !owing.some((o) => o.id === c.id))];
}

const refOf = (c: Campaign): OwedReportRef => ({
  id: c.id,
  title: c.title,
  periodLabel: c.period_label,
  deadline: c.deadline,
  sourcePlan: c.source_plan,
});

async function record(
  turn: Turn,
  c: Campaign,
  unit: Unit,
  input: SubmissionInput,
): Promise<string> {
  const onBehalf = unit.id !== turn.unit!.id;
  const r = await recordSubmission(
    turn.trx,
    c,
    unit.id,
    { ...input, actingUnitId: onBehalf ? turn.unit!.id : null },
    turn.now,
  );
  await turn.audit('report.submitted', {
    campaign: c.id,
    unit: unit.code,
    late: r.late,
    updated: r.updated,
    ...(onBehalf ? { by: turn.unit!.code } : {}),
    ...(input.docNumber ? { doc: input.docNumber } : {}),
  });
  return rp.recorded(
    unit.name,
    owed(c, r.extendedUntil),
    turn.now,
    r.late,
    r.updated,
    turn.ctx.timezone,
    {
      number: input.docNumber,
      date: input.docDate,
    },
  );
}

async function recordAll(turn: Turn, p: Pending): Promise<void> {
  const parts: string[] = [];
  for (const unitId of p.unitIds) {
    const unit = await turn.trx
      .selectFrom('units')
      .selectAll()
      .where('id', '=', unitId)
      .executeTakeFirst();
    if (!unit) continue;
    for (const id of p.campaignIds) {
      const c = await getCampaign(turn.trx, id);
      if (c) parts.push(await record(turn, c, unit, p.input));
    }
  }
  const ref = p.campaignIds.length === 1 ? `campaign:${p.campaignIds[0]}` : undefined;
  await turn.reply(parts.join('\n'), ref ? { ref } : {});
}

async function askWhich(
  turn: Turn,
  list: Campaign[],
  p: Omit<Pending, 'campaignIds'>,
): Promise<void> {
  const promptId = await openPrompt(
    turn.trx,
    turn.chat.id,
    CHOOSE,
    { ...p, campaignIds: list.map((c) => c.id) } satisfies Pending as never,
    turn.now,
  );
  await turn.reply(
    rp.whichReport(
      list.map((c) => owed(c)),
      turn.ctx.timezone,
    ),
    {
      buttons: [
        list.map((_, i) => ({ text: String(i + 1), data: `p:${promptId}:${i + 1}` })),
        [{ text: 'Tất cả', data: `p:${promptId}:all` }],
      ],
    },
  );
}

async function askToConfirm(
  turn: Turn,
  c: Campaign,
  p: Omit<Pending, 'campaignIds'>,
): Promise<void> {
  const promptId = await openPrompt(
    turn.trx,
    turn.chat.id,
    CONFIRM,
    { ...p, campaignIds: [c.id] } satisfies Pending as never,
    turn.now,
  );
  await turn.reply(rp.confirmQuestion(owed(c)), {
    buttons: [[{ text: rp.confirmButton(), data: `p:${promptId}:yes` }]],
    ref: `campaign:${c.id}`,
  });
}

/** Answers to the bot's questions when they are the newest asked here: "1", "tất cả", "có". */
async function answerPrompt(turn: Turn): Promise<boolean> {
  const prompt = turn.arrival.prompt;
  if (!prompt || (prompt.kind !== CHOOSE && prompt.kind !== CONFIRM)) return false;
  const data = turn.msg.callbackData;
  const button = data?.startsWith('p:') ? data.split(':') : null;
  if (button && Number(button[1]) !== prompt.id) return false;
  const said = button
    ? button.slice(2).join(':')
    : fold(stripMention(turn.msg.text, turn.botUsername));
  const p = prompt.payload as unknown as Pending;
  if (prompt.kind === CHOOSE) {
    const all = /^(all|tat ca|ca hai|ca 2|ca ba|ca 3)$/.test(said);
    const n = numberedAnswer(said);
    if (!all && n === null) return false;
    if (!all && (n! < 1 || n! > p.campaignIds.length)) {
      await turn.reply(rp.choiceInvalid(p.campaignIds.length));
      return true;
    }
    await closePrompt(turn.trx, prompt.id);
    await recordAll(turn, all ? p : { ...p, campaignIds: [p.campaignIds[n! - 1]!] });
    return true;
  }
  if (said !== 'yes' && !isYes(said) && !/^(da gui|gui roi|nop roi)$/.test(said)) return false;
  await closePrompt(turn.trx, prompt.id);
  await recordAll(turn, p);
  return true;
}

/**
 * What a parent's message says of one unit below it, which the caller has named or counted: the
 * reports it owes, how the message reads against them (its subject settled: "các xã …" speaks of
 * this unit), and the reports it may mean.
 */
async function childReport(turn: Turn, text: string, unit: Unit) {
  const owes = await owedCampaigns(turn.trx, unit.id);
  const r = recognizeReport(text, owes.map(refOf), {
    now: turn.now,
    tz: turn.ctx.timezone,
    subjectSettled: true,
  });
  const ids = r.kind === 'report' || r.kind === 'maybe' ? r.ids : owes.map((c) => c.id);
  return { owes, r, ids };
}

/**
 * A district speaking of its communes as a group: "tất cả các xã trực thuộc đã gửi" records each
 * commune that owes the report; "một số xã", "5/13 xã" or a plain "các xã" asks for their names.
 * Never the district's own report.
 */
async function forAllChildren(
  turn: Turn,
  text: string,
  input: SubmissionInput,
  o: { addressed: boolean },
): Promise<boolean> {
  const group = collectiveSubject(text);
  if (!group) return false;
  const children = saysSent(text) ? await descendantsOf(turn.trx, turn.unit!.id) : [];
  if (!children.length) {
    // About other units, not this one's own report: silent unless spoken to.
    if (o.addressed) await turn.reply(rp.aboutOtherUnits());
    return true;
  }
  if (group === 'some') {
    await turn.reply(rp.nameTheUnits(children.slice(0, 2).map((u) => u.name)));
    return true;
  }
  const lines: string[] = [];
  for (const unit of children) {
    const { owes, r, ids } = await childReport(turn, text, unit);
    if (!owes.length || r.kind === 'other' || ids.length !== 1) continue;
    lines.push(
      await record(
        turn,
        owes.find((c) => c.id === ids[0])!,
        unit,
        input,
      ),
    );
  }
  await turn.reply(
    lines.length ? lines.join('\n') : rp.nameTheUnits(children.slice(0, 2).map((u) => u.name)),
  );
  return true;
}

/** A district naming communes that reported ("Các xã Tân Phú, Tân Thành đã gửi báo cáo"). */
async function forChildren(turn: Turn, text: string, input: SubmissionInput): Promise<boolean> {
  const subjects = reportSubjects(text);
  if (!subjects) return false;
  const named = [...subjects.reported, ...subjects.notReported];
  // Its own name ("UBND huyện Tân Phú đã gửi") is the unit's own statement, handled below.
  const others = named.filter((n) => fold(turn.unit!.name).indexOf(fold(n)) < 0);
  if (!others.length) return false;
  const resolved = await resolveNamedChildren(turn.trx, turn.unit!, others);
  if ('reply' in resolved) {
    await turn.reply(resolved.reply);
    return true;
  }
  const lines: string[] = [];
  const notYet = subjects.notReported
    .filter((n) => resolved.found.has(n))
    .map((n) => resolved.found.get(n)!.name);
  for (const typed of subjects.reported.filter((n) => resolved.found.has(n))) {
    const unit = resolved.found.get(typed)!;
    const { owes, r, ids } = await childReport(turn, text, unit);
    const docNumber =
      subjects.docNumbers?.[typed] ?? (r.kind === 'report' ? r.docNumber : undefined);
    const childInput = { ...input, ...(docNumber ? { docNumber } : {}) };
    if (r.kind === 'other') {
      lines.push(rp.childOther(unit.name));
    } else if (owes.length === 0) {
      lines.push(rp.childOwesNothing(unit.name));
    } else if (ids.length === 1) {
      lines.push(
        await record(
          turn,
          owes.find((c) => c.id === ids[0])!,
          unit,
          childInput,
        ),
      );
    } else {
      await askWhich(
        turn,
        owes.filter((c) => ids.includes(c.id)),
        { input: childInput, unitIds: [unit.id] },
      );
    }
  }
  if (notYet.length) lines.push(rp.childrenNotYet(notYet));
  if (lines.length) await turn.reply(lines.join('\n'));
  return true;
}

/**
 * A unit's message about reports. `addressed`: a reply to the bot, a mention, or /baocao — then
 * a message that may fit gets a question and one that does not gets an answer; unaddressed,
 * only a clear statement that fits is acted on and the rest stays silent.
 */
async function onReportMessage(
  turn: Turn,
  text: string,
  o: { addressed: boolean; command: boolean },
): Promise<boolean> {
  const input = submissionFrom(turn, text);
  const unit = turn.unit!;
  if (await forChildren(turn, text, input)) return true;
  if (await forAllChildren(turn, text, input, o)) return true;
  const reports = await reportsOf(turn, unit.id);
  const replied = turn.repliedRef;
  const replyTo = replied?.startsWith('campaign:') ? Number(replied.slice(9)) : undefined;
  const r = recognizeReport(text, reports.map(refOf), {
    now: turn.now,
    tz: turn.ctx.timezone,
    unitName: unit.name,
    ...(replyTo !== undefined ? { replyTo } : {}),
  });
  const owing = await owedCampaigns(turn.trx, unit.id);
  const pick = (ids: number[]) => reports.filter((c) => ids.includes(c.id));
  const withFiles = input.files.length > 0;
  if (r.kind === 'report') {
    const list = pick(r.ids);
    // A report already recorded is updated only by a correction or an explicit /baocao.
    const fresh = list.filter((c) => owing.some((x) => x.id === c.id) || r.correction || o.command);
    if (!fresh.length) {
      if (!o.addressed) return false;
      await turn.reply(rp.alreadyRecorded(list.map((c) => owed(c))));
      return true;
    }
    await recordAll(turn, {
      campaignIds: fresh.map((c) => c.id),
      input: {
        ...input,
        ...(r.docNumber ? { docNumber: r.docNumber } : {}),
        ...(r.docDate ? { docDate: r.docDate } : {}),
        correction: r.correction,
      },
      unitIds: [unit.id],
    });
    return true;
  }
  const repliedOwed = owing.find((c) => c.id === replyTo);
  // A file, or a short word ("dạ", "xong"), in reply to this report's reminder: that report.
  if (repliedOwed && r.kind !== 'other') {
    if (withFiles) {
      await recordAll(turn, { campaignIds: [repliedOwed.id], input, unitIds: [unit.id] });
      return true;
    }
    if (r.kind === 'none') {
      await askToConfirm(turn, repliedOwed, { input, unitIds: [unit.id] });
      return true;
    }
  }
  // Unaddressed, a question is asked only for a plain statement that something was sent
  // (not which), or a file with words that may mean a report; the rest stays silent.
  if (!o.addressed && !(r.kind === 'maybe' && (withFiles || classifyReportText(text) === 'report')))
    return false;
  if (r.kind === 'maybe' || (r.kind === 'none' && o.command)) {
    const candidates = r.kind === 'maybe' ? pick(r.ids) : owing;
    if (!candidates.length) {
      if (o.command) await turn.reply(rp.nothingOwed());
      return o.command;
    }
    if (candidates.length === 1)
      await askToConfirm(turn, candidates[0]!, { input, unitIds: [unit.id] });
    else await askWhich(turn, candidates, { input, unitIds: [unit.id] });
    return true;
  }
  if (r.kind === 'other') {
    await turn.reply(rp.notRecorded(r.reason));
    return true;
  }
  return false;
}

/** "/baocao [nội dung]": the unit says it has reported (for one of its communes when it names one). */
export async function reportCommand(turn: Turn, args: string): Promise<void> {
  await onReportMessage(turn, args, { addressed: true, command: true });
}

/**
 * Unit chat messages about reports: answers to the bot's questions, replies to reminders and
 * chases, mentions, and clear statements posted in the group.
 */
export const reportTextHandler: TextHandler = async (turn) => {
  if (!turn.unit || !turn.chat.active) return false;
  if (await answerPrompt(turn)) return true;
  if (turn.msg.callbackData) return false;
  const text = stripMention(turn.msg.text, turn.botUsername);
  const replied = turn.repliedRef;
  const addressed = replied?.startsWith('campaign:') === true || turn.msg.mentionsBot === true;
  return onReportMessage(turn, text, { addressed, command: false });
};
