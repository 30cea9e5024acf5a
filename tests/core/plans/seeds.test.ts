/**
 * The extractor against the hand-written answer key of seeds 000, 002 and 003
 * (tests/fixtures/seeds/expected.ts), scored per field. Items are matched one to one by their
 * wording (most words of the expected title found in the extracted one), then every field of a
 * matched item is compared; an expected item with no match counts as wrong in every field.
 */
import { readFileSync } from 'node:fs';
import { Document, Packer, Paragraph, Tab, TextRun } from 'docx';
import { describe, expect, it } from 'vitest';
import { extractPlan } from '../../../src/core/plans/extract';
import { planFileText } from '../../../src/core/plans/source';
import type { PlanContent } from '../../../src/core/plans/types';
import { fold } from '../../../src/core/text/normalize';
import { atLocal } from '../../../src/core/time/format';
import { unitKey } from '../../../src/core/units/lookup';
import { SEEDS, type ExpectedSeed } from '../../fixtures/seeds/expected';

const TZ = 'Asia/Ho_Chi_Minh';
const NOW = new Date('2024-03-01T02:00:00Z');

const words = (s: string) =>
  new Set(
    fold(s)
      .replace(/[^a-z0-9]+/g, ' ')
      .split(' ')
      .filter(Boolean),
  );
const coverage = (expected: string, got: string) => {
  const e = words(expected);
  const g = words(got);
  let hit = 0;
  for (const w of e) if (g.has(w)) hit++;
  return e.size ? hit / e.size : 0;
};
const sameUnits = (a: string[], b: string[]) => {
  const ka = a.map(unitKey).sort();
  const kb = b.map(unitKey).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i]);
};
const localIso = (s: string | null) => {
  if (!s) return null;
  const [d, t] = s.split('T');
  return atLocal(d!, t, TZ).toISOString();
};

/** Greedy one-to-one matching by wording, best pairs first. */
function match<E, G>(expected: E[], got: G[], score: (e: E, g: G) => number, min: number) {
  const pairs: Array<{ i: number; j: number; s: number }> = [];
  expected.forEach((e, i) => got.forEach((g, j) => pairs.push({ i, j, s: score(e, g) })));
  pairs.sort((a, b) => b.s - a.s);
  const byExpected = new Map<number, number>();
  const used = new Set<number>();
  for (const p of pairs) {
    if (p.s < min || byExpected.has(p.i) || used.has(p.j)) continue;
    byExpected.set(p.i, p.j);
    used.add(p.j);
  }
  return byExpected;
}

const ratio = (n: number, d: number) => (d === 0 ? 1 : n / d);

interface Scores {
  seed: string;
  document: number;
  tasksRecall: number;
  tasksPrecision: number;
  lead: number;
  support: number;
  due: number;
  standing: number;
  datedTasks: number;
  requirementsRecall: number;
  requirementsPrecision: number;
  requirementUnits: number;
  events: number;
  agenda: number;
  appendixUnits: number;
}

function score(exp: ExpectedSeed, got: PlanContent): Scores {
  const d = got.document;
  const docFields = [
    d.number === exp.document.number,
    d.title === exp.document.title,
    !!d.issuer && fold(d.issuer) === fold(exp.document.issuer),
    d.issuedOn === exp.document.issuedOn,
  ];

  const m = match(exp.tasks, got.tasks, (e, g) => coverage(e.title, g.title), 0.8);
  let lead = 0;
  let support = 0;
  let due = 0;
  let standing = 0;
  let dated = 0;
  exp.tasks.forEach((e, i) => {
    const j = m.get(i);
    if (j === undefined) return;
    const g = got.tasks[j]!;
    if (sameUnits(e.lead, g.lead)) lead++;
    if (sameUnits(e.support, g.support)) support++;
    if (localIso(e.due) === g.due) {
      due++;
      if (e.due) dated++;
    }
    if (e.standing === g.standing) standing++;
  });
  const datedExpected = exp.tasks.filter((t) => t.due).length;

  const rm = match(
    exp.requirements,
    got.requirements,
    (e, g) => {
      const when = e.recurrence
        ? g.recurrence?.kind === e.recurrence.kind &&
          (e.recurrence.month === undefined ||
            (g.recurrence as { month?: number }).month === e.recurrence.month) &&
          (e.recurrence.day === undefined ||
            (g.recurrence as { day?: number }).day === e.recurrence.day)
        : !g.recurrence && g.deadline === localIso(e.due ?? null);
      return when ? 1 : 0;
    },
    1,
  );
  let reqUnits = 0;
  exp.requirements.forEach((e, i) => {
    const j = rm.get(i);
    if (j !== undefined && sameUnits(e.units, got.requirements[j]!.units)) reqUnits++;
  });

  let eventFields = 0;
  let eventTotal = 0;
  let agendaOk = 0;
  let agendaTotal = 0;
  const em = match(exp.events, got.events, (e, g) => coverage(e.title, g.title), 0.8);
  exp.events.forEach((e, i) => {
    const j = em.get(i);
    const g = j === undefined ? null : got.events[j]!;
    const fields = [
      !!g,
      g?.startsAt === localIso(e.startsAt),
      g?.endsAt === localIso(e.endsAt),
      g?.venue === e.venue,
      (g?.mode ?? null) === e.mode,
      g?.units.length === e.units,
    ];
    eventTotal += fields.length;
    eventFields += fields.filter(Boolean).length;
    const day = e.startsAt?.slice(0, 10);
    agendaTotal += e.agenda.length;
    e.agenda.forEach((a, k) => {
      const x = g?.agenda[k];
      if (
        x &&
        day &&
        x.startsAt === localIso(`${day}T${a.start}`) &&
        x.endsAt === localIso(`${day}T${a.end}`) &&
        x.title === a.title &&
        (x.presenter ?? null) === a.presenter
      )
        agendaOk++;
    });
  });

  const expectedUnits = exp.appendixUnits.flatMap((c) =>
    c.names.map((n) => ({ n, c: c.category })),
  );
  const gotUnits = new Map(got.units.map((u) => [unitKey(u.name), u]));
  const unitsOk = expectedUnits.filter((u) => {
    const g = gotUnits.get(unitKey(u.n));
    return (
      g && fold(g.category ?? '').replace(/[^a-z ]/g, '') === fold(u.c).replace(/[^a-z ]/g, '')
    );
  }).length;

  return {
    seed: exp.file,
    document: ratio(docFields.filter(Boolean).length, docFields.length),
    tasksRecall: ratio(m.size, exp.tasks.length),
    tasksPrecision: ratio(m.size, got.tasks.length),
    lead: ratio(lead, exp.tasks.length),
    support: ratio(support, exp.tasks.length),
    due: ratio(due, exp.tasks.length),
    standing: ratio(standing, exp.tasks.length),
    datedTasks: ratio(dated, datedExpected),
    requirementsRecall: ratio(rm.size, exp.requirements.length),
    requirementsPrecision: ratio(rm.size, got.requirements.length),
    requirementUnits: ratio(reqUnits, exp.requirements.length),
    events: ratio(eventFields, eventTotal),
    agenda: ratio(agendaOk, agendaTotal),
    appendixUnits: ratio(unitsOk, expectedUnits.length),
  };
}

const results: Scores[] = [];

describe.each(SEEDS)('seed $file against its hand-written answer', (exp) => {
  const text = readFileSync(new URL(`../../fixtures/seeds/${exp.file}`, import.meta.url), 'utf8');
  const got = extractPlan(text, { now: NOW, tz: TZ });
  const s = score(exp, got);
  results.push(s);

  it('reads the document heading', () => {
    expect(got.document.title).toBe(exp.document.title);
    expect(got.document.number).toBe(exp.document.number);
    expect(s.document).toBeGreaterThanOrEqual(0.75);
  });

  it('finds every task with its lead units and its time', () => {
    expect(s.tasksRecall).toBe(1);
    expect(s.tasksPrecision).toBeGreaterThanOrEqual(0.95);
    expect(s.lead).toBe(1);
    expect(s.datedTasks).toBe(1);
    expect(s.due).toBe(1);
    expect(s.support).toBeGreaterThanOrEqual(0.9);
    expect(s.standing).toBeGreaterThanOrEqual(0.9);
  });

  it('finds every dated and periodic report requirement, and only those', () => {
    expect(s.requirementsRecall).toBe(1);
    expect(s.requirementsPrecision).toBe(1);
    expect(s.requirementUnits).toBe(1);
  });

  it('finds the event with its agenda and invited units', () => {
    expect(got.events).toHaveLength(exp.events.length);
    expect(s.events).toBe(1);
    expect(s.agenda).toBe(1);
    expect(s.appendixUnits).toBe(1);
  });
});

/** The seed as Word holds it when pasted in: one paragraph per line, columns separated by tabs. */
async function asDocx(text: string): Promise<Uint8Array> {
  const paragraphs = text
    .split('\n')
    .filter((l) => l.trim())
    .map(
      (l) =>
        new Paragraph({
          children: l
            .replace(/\*/g, '')
            .split('\t')
            .map((cell, i) =>
              i ? new TextRun({ children: [new Tab(), cell] }) : new TextRun(cell),
            ),
        }),
    );
  return new Uint8Array(
    await Packer.toBuffer(new Document({ sections: [{ children: paragraphs }] })),
  );
}

describe.each(SEEDS)('seed $file as a .docx read through mammoth', (exp) => {
  it('gives the same extraction as the text', async () => {
    const text = readFileSync(new URL(`../../fixtures/seeds/${exp.file}`, import.meta.url), 'utf8');
    const fromText = extractPlan(text, { now: NOW, tz: TZ });
    const fromDocx = extractPlan(await planFileText(await asDocx(text), 'kh.docx', undefined), {
      now: NOW,
      tz: TZ,
    });
    const view = (p: PlanContent) => ({
      document: p.document,
      tasks: p.tasks.map((t) => [t.title, t.lead, t.support, t.due, t.standing]),
      requirements: p.requirements.map((r) => [r.units, r.deadline, r.recurrence]),
      events: p.events.map((e) => [
        e.title,
        e.startsAt,
        e.endsAt,
        e.venue,
        e.units.length,
        e.agenda.length,
      ]),
      units: p.units.map((u) => [u.name, u.category]),
    });
    expect(view(fromDocx)).toEqual(view(fromText));
  });
});

describe('scores', () => {
  it('prints the per-field scores of the three seeds', () => {
    expect(results).toHaveLength(3);
    console.log(
      [
        'seed | doc | tasks R/P | lead | support | due | standing | dated | req R/P | req units | event | agenda | units',
      ]
        .concat(
          results.map((r) =>
            [
              r.seed,
              r.document,
              `${r.tasksRecall}/${r.tasksPrecision}`,
              r.lead,
              r.support,
              r.due,
              r.standing,
              r.datedTasks,
              `${r.requirementsRecall}/${r.requirementsPrecision}`,
              r.requirementUnits,
              r.events,
              r.agenda,
              r.appendixUnits,
            ]
              .map((x) => (typeof x === 'number' ? x.toFixed(2) : x))
              .join(' | '),
          ),
        )
        .join('\n'),
    );
  });
});
