/**
 * Plan drafts in the database: created from a text (the extraction plus the existing units each
 * name matches), shown, corrected item by item or dropped, and finally applied (apply.ts).
 */
import { z } from 'zod';
import type { AppContext } from '../../app-context';
import type { PlanDraftRow, Unit } from '../../db/schema';
import type { Db, Trx } from '../../db/types';
import { pw } from '../../messages/plans';
import { DomainError, notFound } from '../errors';
import { isDateKey } from '../time/format';
import { recurrenceSchema } from '../time/recurrence';
import { deadlineFromVietnamesePhrase } from '../time/schedule';
import { findUnits, unitKey } from '../units/lookup';
import { extractPlan } from './extract';
import { isCollective } from './names';
import type { DraftItemKind, PlanContent } from './types';

export interface DraftView extends PlanContent {
  id: number;
  status: 'draft' | 'applied';
  sourceKind: 'text' | 'docx' | 'pdf';
  fileName: string | null;
  createdAt: string;
  updatedAt: string;
  appliedAt: string | null;
  /** What applying created or matched, by item key. */
  applied: Record<string, { kind: DraftItemKind; id: number | null; created: boolean }>;
}

/** The stored text is kept for the review page; longer texts keep their beginning. */
const MAX_STORED_TEXT = 600_000;

/** Matches each draft unit to at most one existing unit (ambiguous names are left for the organizer). */
export function matchExistingUnits(content: PlanContent, existing: Unit[]): void {
  for (const u of content.units) {
    if (u.existingCode) continue;
    const found = findUnits(existing, u.name, { limit: 5 });
    if (found.length === 1 && (unitKey(found[0]!.name) === unitKey(u.name) || !u.collective))
      u.existingCode = found[0]!.code;
    else if (found.length > 1 && !u.collective) {
      const exact = found.filter((f) => unitKey(f.name) === unitKey(u.name));
      if (exact.length === 1) u.existingCode = exact[0]!.code;
      else
        content.warnings.push(
          pw.ambiguousUnit(
            u.name,
            found.map((f) => `${f.code} ${f.name}`),
          ),
        );
    }
  }
}

export async function createDraft(
  ctx: AppContext,
  input: {
    text: string;
    sourceKind: 'text' | 'docx' | 'pdf';
    fileName?: string | null;
    createdBy?: string | null;
  },
  db: Trx = ctx.db,
): Promise<DraftView> {
  const content = extractPlan(input.text, { now: ctx.clock(), tz: ctx.timezone });
  const existing = await db.selectFrom('units').selectAll().execute();
  matchExistingUnits(content, existing);
  const row = await db
    .insertInto('plan_drafts')
    .values({
      source_kind: input.sourceKind,
      file_name: input.fileName ?? null,
      source_text: input.text.slice(0, MAX_STORED_TEXT),
      content: JSON.stringify(content),
      created_by: input.createdBy ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toDraftView(row, []);
}

export async function getDraftRow(db: Trx, id: number): Promise<PlanDraftRow> {
  const row = await db
    .selectFrom('plan_drafts')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound(`Không có bản nháp kế hoạch số ${id}.`);
  return row;
}

export async function appliedItems(db: Trx, id: number) {
  return db.selectFrom('plan_applied_items').selectAll().where('plan_id', '=', id).execute();
}

export function toDraftView(
  row: PlanDraftRow,
  applied: Array<{
    item_key: string;
    kind: DraftItemKind;
    target_id: number | null;
    created: boolean;
  }>,
): DraftView {
  const c = row.content as PlanContent;
  return {
    id: row.id,
    status: row.status,
    sourceKind: row.source_kind,
    fileName: row.file_name,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    appliedAt: row.applied_at ? row.applied_at.toISOString() : null,
    document: c.document,
    units: c.units,
    events: c.events,
    requirements: c.requirements,
    tasks: c.tasks,
    warnings: c.warnings,
    applied: Object.fromEntries(
      applied.map((a) => [a.item_key, { kind: a.kind, id: a.target_id, created: a.created }]),
    ),
  };
}

export async function getDraft(db: Db, id: number): Promise<DraftView> {
  const row = await getDraftRow(db, id);
  return toDraftView(row, await appliedItems(db, id));
}

export async function listDrafts(db: Db, limit = 100) {
  const rows = await db
    .selectFrom('plan_drafts')
    .select(['id', 'status', 'file_name', 'source_kind', 'content', 'created_at', 'applied_at'])
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => {
    const c = r.content as PlanContent;
    return {
      id: r.id,
      status: r.status,
      fileName: r.file_name,
      sourceKind: r.source_kind,
      document: c.document,
      counts: {
        units: c.units.length,
        events: c.events.length,
        requirements: c.requirements.length,
        tasks: c.tasks.length,
        warnings: c.warnings.length,
      },
      createdAt: r.created_at.toISOString(),
      appliedAt: r.applied_at ? r.applied_at.toISOString() : null,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Editing

const instant = z.iso.datetime({ offset: true });
/** An exact instant, or a date "YYYY-MM-DD" read as the plans write it ("trước ngày …"). */
const deadline = z.union([instant, z.string().refine(isDateKey, 'ngày dạng YYYY-MM-DD')]);
const name = z.string().trim().min(1).max(300);
const names = z.array(name).max(500);
const text = (max: number) => z.string().trim().max(max);

const unitItem = z.object({
  key: z.string().max(20).optional(),
  name,
  category: text(300).nullish(),
  parent: text(300).nullish(),
  existingCode: text(64).nullish(),
  collective: z.boolean().optional(),
});
const agendaItem = z.object({
  startsAt: instant,
  endsAt: instant.nullish(),
  title: text(500).min(1),
  presenter: text(500).nullish(),
  isBreak: z.boolean().optional(),
});
const eventItem = z.object({
  key: z.string().max(20).optional(),
  title: text(500).min(1),
  startsAt: instant.nullish(),
  endsAt: instant.nullish(),
  venue: text(500).nullish(),
  mode: text(200).nullish(),
  onlinePoints: text(2000).nullish(),
  agenda: z.array(agendaItem).max(200).optional(),
  registrationDeadline: instant.nullish(),
  units: names.optional(),
  source: text(5000).optional(),
});
const requirementItem = z.object({
  key: z.string().max(20).optional(),
  title: text(500).min(1),
  deadline: deadline.nullish(),
  deadlineText: text(300).nullish(),
  recurrence: recurrenceSchema.nullish(),
  units: names.optional(),
  to: text(300).nullish(),
  source: text(5000).optional(),
});
const taskItem = z.object({
  key: z.string().max(20).optional(),
  title: text(1000).min(1),
  lead: names.optional(),
  support: names.optional(),
  due: deadline.nullish(),
  dueText: text(300).nullish(),
  recurrence: recurrenceSchema.nullish(),
  standing: z.boolean().optional(),
  source: text(5000).optional(),
});

/** A list replaced whole, or items patched by key (null drops one). */
function listPatch<T extends z.ZodObject>(item: T) {
  return z.union([
    z.array(item).max(2000),
    z.record(z.string().max(20), item.partial().nullable()),
  ]);
}

export const draftPatchSchema = z
  .object({
    document: z
      .object({
        number: text(100).nullish(),
        title: text(1000).nullish(),
        issuer: text(300).nullish(),
        issuedOn: z.string().refine(isDateKey, 'ngày dạng YYYY-MM-DD').nullish(),
        place: text(100).nullish(),
      })
      .partial()
      .optional(),
    units: listPatch(unitItem).optional(),
    events: listPatch(eventItem).optional(),
    requirements: listPatch(requirementItem).optional(),
    tasks: listPatch(taskItem).optional(),
    /** Item keys to drop ("t3", "r1"…). */
    drop: z.array(z.string().max(20)).max(2000).optional(),
    warnings: z.array(text(2000)).max(500).optional(),
  })
  .strict();

export type DraftPatch = z.infer<typeof draftPatchSchema>;

type Keyed = { key: string };

function nextKey(prefix: string, items: Keyed[]): () => string {
  let n = items.reduce((max, i) => {
    const m = new RegExp(`^${prefix}(\\d+)$`).exec(i.key);
    return m ? Math.max(max, Number(m[1])) : max;
  }, 0);
  return () => `${prefix}${++n}`;
}

function applyList<T extends Keyed>(
  current: T[],
  patch: unknown,
  prefix: string,
  normalize: (item: Partial<T>, base: T | undefined) => T,
  field: string,
): T[] {
  if (patch === undefined) return current;
  const fresh = nextKey(prefix, current);
  if (Array.isArray(patch)) {
    const seen = new Set<string>();
    return patch.map((raw: Partial<T>) => {
      const base = raw.key ? current.find((c) => c.key === raw.key) : undefined;
      const key = raw.key && !seen.has(raw.key) ? raw.key : fresh();
      seen.add(key);
      return { ...normalize(raw, base), key };
    });
  }
  const byKey = patch as Record<string, Partial<T> | null>;
  const out = current.filter((c) => byKey[c.key] !== null);
  for (const [key, value] of Object.entries(byKey)) {
    if (value === null) continue;
    const i = out.findIndex((c) => c.key === key);
    if (i < 0)
      throw new DomainError('unknown_item', `Không có mục ${key} trong bản nháp.`, {
        field: `${field}.${key}`,
      });
    out[i] = { ...normalize({ ...out[i]!, ...value }, out[i]), key };
  }
  return out;
}

function instantOf(v: string | null | undefined, tz: string): string | null {
  if (!v) return null;
  return isDateKey(v)
    ? deadlineFromVietnamesePhrase(v, 'before-day', tz).toISOString()
    : new Date(v).toISOString();
}

/** Applies an edit to a draft's content (pure). */
export function patchContent(c: PlanContent, patch: DraftPatch, tz: string): PlanContent {
  const out: PlanContent = {
    ...c,
    document: { ...c.document, ...(patch.document ?? {}) } as PlanContent['document'],
    units: applyList(
      c.units,
      patch.units,
      'u',
      (u, base) => ({
        key: '',
        name: u.name ?? base?.name ?? '',
        category: u.category ?? null,
        parent: u.parent ?? null,
        existingCode: u.existingCode ?? null,
        collective: u.collective ?? isCollective(u.name ?? base?.name ?? ''),
      }),
      'units',
    ),
    events: applyList(
      c.events,
      patch.events,
      'e',
      (e, base) => ({
        key: '',
        title: e.title ?? base?.title ?? '',
        startsAt: instantOf(e.startsAt, tz),
        endsAt: instantOf(e.endsAt, tz),
        venue: e.venue ?? null,
        mode: e.mode ?? null,
        onlinePoints: e.onlinePoints ?? null,
        agenda: (e.agenda ?? []).map((a) => ({
          startsAt: new Date(a.startsAt).toISOString(),
          endsAt: a.endsAt ? new Date(a.endsAt).toISOString() : null,
          title: a.title,
          presenter: a.presenter ?? null,
          isBreak: a.isBreak ?? false,
        })),
        registrationDeadline: instantOf(e.registrationDeadline, tz),
        units: e.units ?? [],
        source: e.source ?? base?.source ?? '',
      }),
      'events',
    ),
    requirements: applyList(
      c.requirements,
      patch.requirements,
      'r',
      (r, base) => ({
        key: '',
        title: r.title ?? base?.title ?? '',
        deadline: instantOf(r.deadline, tz),
        deadlineText: r.deadlineText ?? null,
        recurrence: r.recurrence ?? null,
        units: r.units ?? [],
        to: r.to ?? null,
        source: r.source ?? base?.source ?? '',
      }),
      'requirements',
    ),
    tasks: applyList(
      c.tasks,
      patch.tasks,
      't',
      (t, base) => ({
        key: '',
        title: t.title ?? base?.title ?? '',
        lead: t.lead ?? [],
        support: t.support ?? [],
        due: instantOf(t.due, tz),
        dueText: t.dueText ?? null,
        recurrence: t.recurrence ?? null,
        standing: t.standing ?? false,
        source: t.source ?? base?.source ?? '',
      }),
      'tasks',
    ),
    warnings: patch.warnings ?? c.warnings,
  };
  if (patch.drop?.length) {
    const drop = new Set(patch.drop);
    out.units = out.units.filter((x) => !drop.has(x.key));
    out.events = out.events.filter((x) => !drop.has(x.key));
    out.requirements = out.requirements.filter((x) => !drop.has(x.key));
    out.tasks = out.tasks.filter((x) => !drop.has(x.key));
  }
  return out;
}

export async function patchDraft(
  ctx: AppContext,
  id: number,
  patch: DraftPatch,
): Promise<DraftView> {
  return ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('plan_drafts')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw notFound(`Không có bản nháp kế hoạch số ${id}.`);
    const content = patchContent(row.content as PlanContent, patch, ctx.timezone);
    const updated = await trx
      .updateTable('plan_drafts')
      .set({ content: JSON.stringify(content), updated_at: ctx.clock() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toDraftView(updated, await appliedItems(trx, id));
  });
}
