/**
 * From the text of a plan to the draft an organizer reviews: the document, its units, events,
 * report requirements and tasks, each with the sentence it came from, and warnings for what the
 * plan leaves open. Pure and linear in the input; a document that is not a plan is refused, never
 * guessed at.
 */
import { pw } from '../../messages/plans';
import { parseAgendaText } from '../agenda/parse';
import { DomainError } from '../errors';
import { addDays, atLocal, type DateKey } from '../time/format';
import { firstPeriod } from '../time/recurrence';
import { deadlineFromVietnamesePhrase } from '../time/schedule';
import { parseAppendixUnits } from '../units/import';
import { unitKey } from '../units/lookup';
import { extractEvents, type EventDraft } from './events';
import { planHeadingIndex, readHeader } from './header';
import { isCollective } from './names';
import { extractRequirements, type RequirementNote } from './requirements';
import { extractTasks, type TaskDraft } from './tasks';
import type {
  DraftAgendaItem,
  DraftEvent,
  DraftRequirement,
  DraftTask,
  DraftUnit,
  PlanContent,
} from './types';
import { type Line, toLines, unspaced } from './text';
import { buildTree, sectionsOf } from './tree';
import type { Due, Timing, WhenContext } from './when';

/** Warnings of one kind beyond this many add nothing for the reader. */
const MAX_NOTES = 10;

export interface ExtractOptions {
  now: Date;
  tz: string;
}

export function notAPlan(): DomainError {
  return new DomainError('not_a_plan', pw.notAPlan(), { kind: 'unprocessable' });
}

const APPENDIX = /^phu luc(?:\s*(?:so\s*)?(?:[ivx]+|\d{1,2}|[a-d]))?(?:\s*[:.\-–]\s*.*)?$/;

function isAppendixHeading(l: Line): boolean {
  return l.kind === 'para' && l.text.length <= 160 && APPENDIX.test(unspaced(l.fold));
}

interface Appendix {
  lines: Line[];
  /** The heading and title lines, folded, to tell what the appendix holds. */
  titleFold: string;
}

function splitAppendices(lines: Line[]): Appendix[] {
  const out: Appendix[] = [];
  for (const l of lines) {
    if (isAppendixHeading(l)) out.push({ lines: [l], titleFold: l.fold });
    else if (out.length) {
      const a = out[out.length - 1]!;
      a.lines.push(l);
      if (a.lines.length <= 6 && l.kind === 'para') a.titleFold += ` ${l.fold}`;
    }
  }
  return out;
}

const instants = new Map<string, Date>();
/** The deadline of a date as the plan states it (cached: a long plan repeats its dates). */
function dueInstant(d: Due, tz: string): Date {
  const key = `${d.dateKey}|${d.mode}|${tz}`;
  let t = instants.get(key);
  if (!t) {
    if (instants.size > 5000) instants.clear();
    instants.set(key, (t = deadlineFromVietnamesePhrase(d.dateKey, d.mode, tz)));
  }
  return t;
}

function timingFields(t: Timing, tz: string) {
  switch (t.kind) {
    case 'due':
      return {
        due: dueInstant(t.due, tz).toISOString(),
        dueText: t.text || null,
        recurrence: null,
        standing: false,
      };
    case 'standing':
      return { due: null, dueText: t.text || null, recurrence: t.recurrence, standing: true };
    case 'periodic':
      return { due: null, dueText: t.text || null, recurrence: t.recurrences[0]!, standing: true };
    default:
      return { due: null, dueText: t.text || null, recurrence: null, standing: false };
  }
}

function agendaOf(appendices: Appendix[], day: DateKey, tz: string): DraftAgendaItem[] {
  const a = appendices.find((x) => /chuong trinh/.test(x.titleFold));
  if (!a) return [];
  return parseAgendaText(a.lines.map((l) => l.text).join('\n')).map((it) => ({
    startsAt: atLocal(day, it.startsAt, tz).toISOString(),
    endsAt: it.endsAt ? atLocal(day, it.endsAt, tz).toISOString() : null,
    title: it.title,
    presenter: it.presenter ?? null,
    isBreak: it.isBreak,
  }));
}

export function extractPlan(text: string, opts: ExtractOptions): PlanContent {
  const { tz, now } = opts;
  const lines = toLines(text);
  const headingAt = planHeadingIndex(lines);
  if (headingAt < 0) throw notAPlan();
  const header = readHeader(lines, headingAt, now);
  const doc = header.document;
  const warnings: string[] = [];
  if (header.blankNumber) warnings.push(pw.blankNumber('…/KH-…'));
  if (!doc.issuedOn) warnings.push(pw.blankDate());
  if (!doc.title) warnings.push(pw.noTitle());

  const after = lines.slice(header.bodyStart);
  const endAt = after.findIndex((l) => /^noi nhan/.test(l.bodyFold) || isAppendixHeading(l));
  const body = endAt < 0 ? after : after.slice(0, endAt);
  const rest = endAt < 0 ? [] : after.slice(endAt);
  const appendices = splitAppendices(rest);
  const sections = sectionsOf(buildTree(body));
  const ctx: WhenContext = { year: header.year, issuedOn: doc.issuedOn };

  const tableLines = [...body, ...appendices.flatMap((a) => a.lines)].filter(
    (l) => l.kind === 'row',
  );
  const tasks = extractTasks(sections, tableLines, ctx);
  const contextByLine = new Map<number, string[]>();
  for (const t of tasks) for (const i of t.lines) contextByLine.set(i, t.context);
  const notes: RequirementNote[] = [];
  const requirements = extractRequirements(
    body,
    (i) => contextByLine.get(i) ?? [],
    doc.title,
    ctx,
    notes,
  );
  const events = extractEvents(sections, doc.title, ctx);

  // Units invited in an appendix ("Phụ lục 1 — Danh sách …").
  let appendixUnits: Array<{ name: string; category: string | null }> = [];
  const list = appendices.find((a) => /danh sach|thanh phan|don vi/.test(a.titleFold));
  if (list) {
    try {
      appendixUnits = parseAppendixUnits(list.lines.map((l) => l.text).join('\n')).map((u) => ({
        name: u.name,
        category: u.category ?? null,
      }));
    } catch (e) {
      warnings.push(pw.appendixUnits(e instanceof Error ? e.message : String(e)));
    }
  }

  const content: PlanContent = {
    document: doc,
    units: [],
    events: events.map((e, i) => draftEvent(e, i, appendices, appendixUnits, tz, warnings)),
    requirements: draftRequirements(requirements, header.year, doc.issuedOn, tz, warnings),
    tasks: tasks.map((t, i) => draftTask(t, i, tz)),
    warnings,
  };
  for (const n of notes.slice(0, MAX_NOTES))
    warnings.push(
      n.kind === 'relative' ? pw.relativeReport(n.source) : pw.periodicWithoutPeriod(n.source),
    );
  const undated = content.tasks.filter((t) => !t.due && !t.recurrence && !t.standing);
  if (undated.length) warnings.push(pw.tasksWithoutTime(undated.map((t) => t.title)));
  content.units = collectUnits(content, appendixUnits);
  const collectives = content.units.filter((u) => u.collective).map((u) => u.name);
  if (collectives.length) warnings.push(pw.collectiveUnits(collectives));
  for (const r of content.requirements.filter((x) => !x.recurrence).slice(0, MAX_NOTES))
    if (r.deadline && new Date(r.deadline) <= now)
      warnings.push(pw.pastDeadline(r.title, new Date(r.deadline), tz));
  if (!content.tasks.length && !content.requirements.length && !content.events.length)
    warnings.push(pw.nothingFound());
  return content;
}

function draftTask(t: TaskDraft, i: number, tz: string): DraftTask {
  return {
    key: `t${i + 1}`,
    title: t.title,
    lead: t.lead,
    support: t.support,
    ...timingFields(t.timing, tz),
    source: t.source,
  };
}

function draftRequirements(
  list: ReturnType<typeof extractRequirements>,
  year: number,
  issuedOn: string | null,
  tz: string,
  warnings: string[],
): DraftRequirement[] {
  const from = atLocal(issuedOn ?? `${year}-01-01`, '00:00', tz);
  const seen = new Set<string>();
  const out: DraftRequirement[] = [];
  for (const r of list) {
    const recurrence = r.timing.kind === 'periodic' ? r.timing.recurrence : null;
    const due = r.timing.kind === 'due' ? r.timing.due : null;
    const key = `${r.units.map(keyOf).join('|')}#${JSON.stringify(recurrence ?? due)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const deadline = recurrence ? firstPeriod(recurrence, from, tz).deadline : dueInstant(due!, tz);
    if (!r.units.length) warnings.push(pw.reportWithoutUnits(r.title));
    out.push({
      key: `r${out.length + 1}`,
      title: r.title,
      deadline: deadline.toISOString(),
      deadlineText: r.timing.text || null,
      recurrence,
      units: r.units,
      to: r.to,
      source: r.source,
    });
  }
  return out;
}

function draftEvent(
  e: EventDraft,
  i: number,
  appendices: Appendix[],
  appendixUnits: Array<{ name: string }>,
  tz: string,
  warnings: string[],
): DraftEvent {
  const agenda = e.planLevel && e.date ? agendaOf(appendices, e.date, tz) : [];
  let startsAt: string | null = null;
  let endsAt: string | null = null;
  let registrationDeadline: string | null = null;
  if (e.date) {
    if (agenda.length) {
      startsAt = agenda[0]!.startsAt;
      endsAt = agenda[agenda.length - 1]!.endsAt ?? agenda[agenda.length - 1]!.startsAt;
    } else {
      if (!e.startTime) warnings.push(pw.eventDefaultTime(e.title));
      startsAt = atLocal(e.date, e.startTime ?? '08:00', tz).toISOString();
    }
    if (e.registrationDue) registrationDeadline = dueInstant(e.registrationDue, tz).toISOString();
    else {
      const day = addDays(e.date, -1);
      registrationDeadline = deadlineFromVietnamesePhrase(day, 'before-day', tz).toISOString();
      warnings.push(pw.registrationDefault(e.title, day));
    }
  } else warnings.push(pw.eventWithoutDate(e.title, e.timeText));
  const units = e.planLevel ? appendixUnits.map((u) => u.name) : [];
  if (!units.length) warnings.push(pw.eventWithoutUnits(e.title));
  return {
    key: `e${i + 1}`,
    title: e.title,
    startsAt,
    endsAt,
    venue: e.venue,
    mode: e.mode,
    onlinePoints: e.onlinePoints,
    agenda,
    registrationDeadline,
    units,
    source: e.source,
  };
}

const keys = new Map<string, string>();
/** unitKey, remembered: a long plan names the same units over and over. */
function keyOf(name: string): string {
  let k = keys.get(name);
  if (k === undefined) {
    if (keys.size > 20_000) keys.clear();
    keys.set(name, (k = unitKey(name)));
  }
  return k;
}

/** Every unit the draft names, once (by the folded name lookup uses), appendix units first. */
function collectUnits(
  content: PlanContent,
  appendixUnits: Array<{ name: string; category: string | null }>,
): DraftUnit[] {
  const byKey = new Map<string, DraftUnit>();
  const add = (name: string, category: string | null) => {
    const key = keyOf(name);
    if (!key || byKey.has(key)) return;
    let unitName = name;
    let parent: string | null = null;
    const m = /^(.{3,}?)\s+(?:trực thuộc|thuộc)\s+(\S.{2,})$/u.exec(name);
    if (m && !isCollective(name)) {
      unitName = m[1]!;
      parent = m[2]!;
    }
    byKey.set(key, {
      key: `u${byKey.size + 1}`,
      name: unitName,
      category,
      parent,
      existingCode: null,
      collective: isCollective(name),
    });
  };
  for (const u of appendixUnits) add(u.name, u.category);
  for (const t of content.tasks) for (const n of [...t.lead, ...t.support]) add(n, null);
  for (const r of content.requirements) for (const n of r.units) add(n, null);
  for (const e of content.events) for (const n of e.units) add(n, null);
  return [...byKey.values()];
}
