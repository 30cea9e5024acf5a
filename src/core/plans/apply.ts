/**
 * Applying a reviewed draft: units (matched to existing ones by name, else created, with their
 * parent), events (createEvent), report requirements (createCampaign) and tasks (createTask), all in
 * one transaction with the messages they send. Each applied item is recorded under its key, so
 * applying again creates nothing new — only items added to the draft since.
 */
import type { Transaction } from 'kysely';
import type { AppContext } from '../../app-context';
import type { Database, Unit } from '../../db/schema';
import type { Trx } from '../../db/types';
import { newCode } from '../codes';
import { createEvent } from '../events/manage';
import { createCampaign } from '../reports/manage';
import { createTask } from '../tasks/manage';
import { fold } from '../text/normalize';
import { formatDate } from '../time/format';
import { findUnits, unitKey } from '../units/lookup';
import { appliedItems, getDraftRow, toDraftView, type DraftView } from './drafts';
import type { DraftItemKind, DraftUnit, PlanContent, PlanDocument } from './types';

export type SkipReason =
  'no_units' | 'no_date' | 'in_past' | 'deadline_passed' | 'no_lead' | 'rejected';

export interface ApplyResult {
  draft: DraftView;
  created: Record<DraftItemKind, number>;
  existing: Record<DraftItemKind, number>;
  skipped: Array<{ key: string; kind: DraftItemKind; reason: SkipReason; message?: string }>;
}

/**
 * The context the use cases get while a plan is applied: their own `ctx.db.transaction()` joins
 * the apply transaction instead of opening another one, so everything commits together.
 */
export function joinTransaction(ctx: AppContext, trx: Transaction<Database>): AppContext {
  const db = new Proxy(trx, {
    get(target, prop) {
      if (prop === 'transaction')
        return () => ({ execute: <T>(fn: (t: typeof trx) => Promise<T>) => fn(trx) });
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  return { ...ctx, db: db as unknown as AppContext['db'] };
}

/** "Kế hoạch số 41/KH-UBND ngày 28/2/2022 của Ủy ban nhân dân tỉnh Tuyên Quang". */
export function planReference(d: PlanDocument): string {
  const parts = ['Kế hoạch'];
  if (d.number) parts.push(`số ${d.number}`);
  if (d.issuedOn) {
    const [y, m, day] = d.issuedOn.split('-').map(Number);
    parts.push(`ngày ${day}/${m}/${y}`);
  }
  if (d.issuer) parts.push(`của ${d.issuer}`);
  if (!d.number && d.title) parts.push(`“${d.title}”`);
  return parts.join(' ');
}

function slug(name: string): string {
  return (
    fold(name)
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40)
      .replace(/-+$/, '') || 'don-vi'
  );
}

async function freeCode(trx: Trx, base: string): Promise<string> {
  const taken = new Set(
    (await trx.selectFrom('units').select('code').where('code', 'like', `${base}%`).execute()).map(
      (r) => r.code,
    ),
  );
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}

const foldCategory = (s: string) =>
  fold(s)
    .replace(/[^a-z0-9 ]+/g, ' ')
    .replace(/^\s*cac\s+/, '')
    .replace(/\s+(?:lien quan|co lien quan)\s*$/, '')
    .replace(/\s+/g, ' ')
    .trim();

/** Resolves unit names to unit ids, creating units the plan names that do not exist yet. */
class UnitResolver {
  private units: Unit[] = [];
  private byKey = new Map<string, number[]>();
  created: number[] = [];

  constructor(
    private trx: Trx,
    private draftUnits: DraftUnit[],
  ) {}

  async load(): Promise<void> {
    this.units = await this.trx.selectFrom('units').selectAll().orderBy('sort_order').execute();
  }

  remember(name: string, ids: number[]): void {
    this.byKey.set(unitKey(name), ids);
  }

  /** Units of an existing category a collective stands for ("Các sở, ban, ngành" → "CÁC SỞ, BAN, NGÀNH TỈNH"). */
  private categoryMembers(name: string): number[] {
    const key = foldCategory(name);
    if (key.length < 3) return [];
    const cats = new Set(
      this.units
        .map((u) => u.category)
        .filter(
          (c): c is string =>
            !!c && (foldCategory(c) === key || foldCategory(c).startsWith(`${key} `)),
        ),
    );
    return this.units.filter((u) => u.category && cats.has(u.category)).map((u) => u.id);
  }

  /** One draft unit: the recorded id, its existing code, a name match, its category, or a new unit. */
  async resolve(
    u: DraftUnit,
    recorded: number | null | undefined,
  ): Promise<{ ids: number[]; created: boolean; id: number | null }> {
    if (recorded && this.units.some((x) => x.id === recorded)) {
      this.remember(u.name, [recorded]);
      return { ids: [recorded], created: false, id: recorded };
    }
    if (u.existingCode) {
      const hit = this.units.find((x) => x.code === u.existingCode);
      if (hit) {
        this.remember(u.name, [hit.id]);
        return { ids: [hit.id], created: false, id: hit.id };
      }
    }
    const found = findUnits(this.units, u.name, { limit: 3 }).filter(
      (f) => unitKey(f.name) === unitKey(u.name),
    );
    if (found.length === 1) {
      this.remember(u.name, [found[0]!.id]);
      return { ids: [found[0]!.id], created: false, id: found[0]!.id };
    }
    if (u.collective) {
      const members = this.categoryMembers(u.name);
      if (members.length) {
        this.remember(u.name, members);
        return { ids: members, created: false, id: null };
      }
    }
    const id = await this.create(u.name, u.category);
    this.remember(u.name, [id]);
    return { ids: [id], created: true, id };
  }

  private async create(name: string, category: string | null): Promise<number> {
    const order = (this.units.reduce((m, u) => Math.max(m, u.sort_order), 0) || 0) + 1;
    const row = await this.trx
      .insertInto('units')
      .values({
        code: await freeCode(this.trx, slug(name)),
        name: name.normalize('NFC'),
        name_key: fold(name),
        category: category?.normalize('NFC') ?? null,
        parent_id: null,
        sort_order: order,
        join_code: newCode(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    this.units.push(row);
    this.created.push(row.id);
    return row.id;
  }

  /** Ids of names used by items (a name edited in an item but not in the unit list is resolved too). */
  async ids(names: string[]): Promise<number[]> {
    const out: number[] = [];
    for (const n of names) {
      let ids = this.byKey.get(unitKey(n));
      if (!ids) {
        const draft = this.draftUnits.find((u) => unitKey(u.name) === unitKey(n));
        ids = (
          await this.resolve(
            draft ?? {
              key: '',
              name: n,
              category: null,
              parent: null,
              existingCode: null,
              collective: false,
            },
            null,
          )
        ).ids;
      }
      out.push(...ids);
    }
    return [...new Set(out)];
  }

  codes(ids: number[]): string[] {
    return ids.map((id) => this.units.find((u) => u.id === id)!.code);
  }

  async setParent(childId: number, parentName: string): Promise<void> {
    const [parent] = await this.ids([parentName]);
    if (parent === undefined || parent === childId) return;
    await this.trx
      .updateTable('units')
      .set({ parent_id: parent })
      .where('id', '=', childId)
      .where('parent_id', 'is', null)
      .execute();
  }
}

export async function applyDraft(ctx: AppContext, id: number, actor: string): Promise<ApplyResult> {
  return ctx.db.transaction().execute(async (trx) => {
    // One apply at a time per draft: a second one waits here and then finds everything recorded.
    await trx
      .selectFrom('plan_drafts')
      .select('id')
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    const row = await getDraftRow(trx, id);
    const content = row.content as PlanContent;
    const done = new Map((await appliedItems(trx, id)).map((a) => [a.item_key, a]));
    const now = ctx.clock();
    const inner = joinTransaction(ctx, trx);
    const created = { unit: 0, event: 0, requirement: 0, task: 0 };
    const existing = { unit: 0, event: 0, requirement: 0, task: 0 };
    const skipped: ApplyResult['skipped'] = [];
    const record = async (
      key: string,
      kind: DraftItemKind,
      targetId: number | null,
      isNew: boolean,
      detail: Record<string, unknown> = {},
    ) => {
      await trx
        .insertInto('plan_applied_items')
        .values({
          plan_id: id,
          item_key: key,
          kind,
          target_id: targetId,
          created: isNew,
          detail: JSON.stringify(detail),
        })
        .onConflict((oc) => oc.columns(['plan_id', 'item_key']).doNothing())
        .execute();
      (isNew ? created : existing)[kind] += 1;
    };

    const units = new UnitResolver(trx, content.units);
    await units.load();
    for (const u of content.units) {
      const prior = done.get(u.key);
      const r = await units.resolve(u, prior?.target_id);
      if (!prior)
        await record(
          u.key,
          'unit',
          r.id,
          r.created,
          r.id === null ? { members: r.ids.length } : {},
        );
    }
    for (const u of content.units) {
      if (!u.parent) continue;
      const [child] = await units.ids([u.name]);
      if (child !== undefined) await units.setParent(child, u.parent);
    }

    const source = planReference(content.document);
    for (const e of content.events) {
      if (done.has(e.key)) continue;
      if (!e.startsAt) {
        skipped.push({ key: e.key, kind: 'event', reason: 'no_date' });
        continue;
      }
      if (new Date(e.startsAt) <= now) {
        skipped.push({ key: e.key, kind: 'event', reason: 'in_past' });
        continue;
      }
      const ids = await units.ids(e.units);
      if (!ids.length) {
        skipped.push({ key: e.key, kind: 'event', reason: 'no_units' });
        continue;
      }
      const startsAt = new Date(e.startsAt);
      const ev = await createEvent(inner, {
        title: e.title,
        startsAt,
        endsAt: e.endsAt ? new Date(e.endsAt) : null,
        venue: e.venue,
        mode: e.mode,
        onlinePoints: e.onlinePoints,
        registrationDeadline: e.registrationDeadline ? new Date(e.registrationDeadline) : startsAt,
        units: units.codes(ids),
        agenda: e.agenda.map((a) => ({
          startsAt: new Date(a.startsAt),
          endsAt: a.endsAt ? new Date(a.endsAt) : null,
          title: a.title,
          presenter: a.presenter,
          isBreak: a.isBreak,
        })),
      });
      await record(e.key, 'event', ev.id, true);
    }

    for (const r of content.requirements) {
      if (done.has(r.key)) continue;
      const ids = await units.ids(r.units);
      if (!ids.length) {
        skipped.push({ key: r.key, kind: 'requirement', reason: 'no_units' });
        continue;
      }
      let deadline = r.deadline ? new Date(r.deadline) : null;
      if (deadline && deadline <= now) {
        if (!r.recurrence) {
          skipped.push({ key: r.key, kind: 'requirement', reason: 'deadline_passed' });
          continue;
        }
        deadline = null; // a recurring requirement starts at its next period
      }
      const c = await createCampaign(inner, {
        title: r.title,
        sourcePlan: source,
        deadline,
        units: units.codes(ids),
        recurrence: r.recurrence,
      });
      await record(r.key, 'requirement', c.id, true);
    }

    for (const t of content.tasks) {
      if (done.has(t.key)) continue;
      const lead = await units.ids(t.lead);
      if (!lead.length) {
        skipped.push({ key: t.key, kind: 'task', reason: 'no_lead' });
        continue;
      }
      const support = (await units.ids(t.support)).filter((x) => !lead.includes(x));
      const task = await createTask(inner, trx, {
        planId: id,
        title: t.title,
        source: t.source,
        sourcePlan: source,
        dueAt: t.due ? new Date(t.due) : null,
        dueText: t.dueText,
        recurrence: t.recurrence,
        standing: t.standing,
        leadUnitIds: lead,
        supportUnitIds: support,
      });
      await record(t.key, 'task', task.id, true);
    }

    const updated = await trx
      .updateTable('plan_drafts')
      .set({ status: 'applied', applied_at: row.applied_at ?? now, updated_at: now })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('audit_log')
      .values({
        actor,
        action: 'plan.apply',
        details: JSON.stringify({
          plan: id,
          created,
          skipped: skipped.length,
          at: formatDate(now, ctx.timezone),
        }),
      })
      .execute();
    return { draft: toDraftView(updated, await appliedItems(trx, id)), created, existing, skipped };
  });
}
