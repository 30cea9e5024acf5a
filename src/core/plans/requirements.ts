/**
 * Reporting duties of a plan: a sentence where units "báo cáo" with a deadline or a period —
 * "báo cáo kết quả thực hiện cho UBND thị xã … trước ngày 10/11/2024", "Định kỳ trước ngày 15/11
 * hằng năm các cơ quan, đơn vị … báo cáo tình hình thực hiện Kế hoạch này gửi Sở …", "Định kỳ
 * hàng quý, 6 tháng, cuối năm báo cáo …" (three requirements). A conditional report ("nếu có khó
 * khăn … báo cáo") is not one; a report without a time it can be chased on becomes a warning.
 */
import type { Recurrence } from '../time/recurrence';
import { listEndOf } from './fields';
import { splitUnitList, startsUnitName } from './names';
import { type Line, foldKeep, sentences, trimPhrase } from './text';
import { readInlineTiming, scanTime, type Timing, type WhenContext } from './when';

export interface RequirementDraft {
  title: string;
  timing:
    Extract<Timing, { kind: 'due' }> | { kind: 'periodic'; recurrence: Recurrence; text: string };
  units: string[];
  to: string | null;
  source: string;
  line: number;
}

export type RequirementNote =
  { kind: 'relative'; source: string; text: string } | { kind: 'no-period'; source: string };

const VERB = /(?<![a-z])bao cao(?!\s+vien)(?![a-z])/g;
const CONDITIONAL = /(?<![a-z])(?:neu co|truong hop|khi co|neu phat sinh)(?![a-z])/;
const OBJECT_END =
  /\s(?:gui|ve|cho|truoc|cham nhat|dinh ky|hang|theo|tai|de|trong|len|bang|dong thoi)(?![a-z])|[,;(:.]/;

const PERIOD_LABEL: Record<Recurrence['kind'], string> = {
  yearly: 'hằng năm',
  'half-yearly': '6 tháng',
  quarterly: 'hằng quý',
  monthly: 'hằng tháng',
};

function lowerFirst(s: string): string {
  return s.charAt(0).toLocaleLowerCase('vi') + s.slice(1);
}

function titleOf(
  sentence: string,
  fold: string,
  verbEnd: number,
  planTitle: string | null,
): string {
  const rest = sentence.slice(verbEnd);
  const end = OBJECT_END.exec(fold.slice(verbEnd, verbEnd + 300));
  let object = trimPhrase(rest.slice(0, end ? end.index : Math.min(rest.length, 200)));
  // "báo cáo UBND Tỉnh về …": the report's addressee, not its subject.
  if (startsUnitName(object, foldKeep(object))) object = '';
  const plan = planTitle ? `Kế hoạch ${lowerFirst(planTitle)}` : 'Kế hoạch';
  if (!object) return `Báo cáo kết quả thực hiện ${plan}`;
  object = object.replace(/kế hoạch này/iu, plan);
  if (/(?:thuc hien|trien khai)$/.test(foldKeep(object))) object = `${object} ${plan}`;
  return `Báo cáo ${object}`;
}

function recipientOf(sentence: string, fold: string, verbEnd: number): string | null {
  const window = fold.slice(verbEnd, verbEnd + 300);
  const direct = verbEnd + (window.length - window.trimStart().length);
  const candidates: number[] = [];
  if (startsUnitName(sentence, fold, direct)) candidates.push(direct);
  const re = /\s(?:gui ve|gui|ve|cho|len)\s+/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(window))) candidates.push(verbEnd + m.index + m[0].length);
  for (const at of candidates) {
    if (!startsUnitName(sentence, fold, at)) continue;
    const end = listEndOf(sentence, fold, at);
    const names = splitUnitList(sentence.slice(at, end));
    if (names.length) return names[0]!;
  }
  return null;
}

/** The units a sentence names before its verb ("… hằng năm các cơ quan, đơn vị; UBND huyện … báo cáo"). */
function subjectOf(sentence: string, fold: string, verbAt: number, ctx: WhenContext): string[] {
  const prefix = sentence.slice(0, verbAt);
  const prefixFold = fold.slice(0, verbAt);
  const tokens = scanTime(prefixFold, ctx);
  const afterTime = tokens.length ? Math.max(...tokens.map((t) => t.end)) : 0;
  const tries = [afterTime];
  const lastBreak = Math.max(
    prefix.lastIndexOf(','),
    prefix.lastIndexOf(';'),
    prefix.lastIndexOf('.'),
  );
  if (lastBreak >= 0) tries.push(lastBreak + 1);
  tries.push(0);
  for (const from of tries) {
    let at = from;
    while (at < prefix.length && /[\s,;:]/.test(prefix.charAt(at))) at++;
    const dk = /^dinh ky\s+/.exec(prefixFold.slice(at));
    if (dk) at += dk[0].length;
    if (at >= prefix.length || !startsUnitName(prefix, prefixFold, at)) continue;
    const names = splitUnitList(prefix.slice(at, listEndOf(prefix, prefixFold, at)));
    if (names.length) return names;
  }
  return [];
}

export function extractRequirements(
  lines: Line[],
  contextOf: (line: number) => string[],
  planTitle: string | null,
  ctx: WhenContext,
  notes: RequirementNote[],
): RequirementDraft[] {
  const out: RequirementDraft[] = [];
  for (const l of lines) {
    if (l.kind === 'row' || l.kind === 'roman') continue;
    for (const s of sentences(l.body)) {
      // The fold keeps lengths, so the sentence's fold is a slice of the line's.
      const fold = l.bodyFold.slice(s.start, s.start + s.text.length);
      VERB.lastIndex = 0;
      const verb = VERB.exec(fold);
      if (!verb) continue;
      if (CONDITIONAL.test(fold)) continue;
      const timing = readInlineTiming(s.text, fold, ctx);
      if (timing.kind === 'relative') {
        notes.push({ kind: 'relative', source: s.text, text: timing.text });
        continue;
      }
      if (timing.kind !== 'due' && timing.kind !== 'periodic') {
        if (/(?<![a-z])dinh ky(?![a-z])/.test(fold))
          notes.push({ kind: 'no-period', source: s.text });
        continue;
      }
      const verbEnd = verb.index + verb[0].length;
      const subject = subjectOf(s.text, fold, verb.index, ctx);
      const units = subject.length ? subject : contextOf(l.index);
      const base = {
        title: titleOf(s.text, fold, verbEnd, planTitle),
        units,
        to: recipientOf(s.text, fold, verbEnd),
        source: s.text,
        line: l.index,
      };
      if (timing.kind === 'due') {
        out.push({ ...base, timing });
        continue;
      }
      for (const recurrence of timing.recurrences) {
        out.push({
          ...base,
          title:
            timing.recurrences.length > 1
              ? `${base.title} (${PERIOD_LABEL[recurrence.kind]})`
              : base.title,
          timing: { kind: 'periodic', recurrence, text: timing.text },
        });
      }
    }
  }
  return out;
}
