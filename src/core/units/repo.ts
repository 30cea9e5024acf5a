import { sql } from 'kysely';
import { inTransaction, type Trx } from '../../db/types';
import type { Unit } from '../../db/schema';
import { newCode } from '../codes';
import { DomainError } from '../errors';
import { rules } from '../../messages/vi';
import { fold } from '../text/normalize';
import type { Platform } from '../channel';
import type { UnitSelector } from '../events/types';
import { resolveParents, type UnitInput } from './import';

export interface UnitUpsert {
  code: string;
  name: string;
  category?: string | null;
  order?: number;
  /**
   * The parent's code (a commune's district). Omitted: the unit keeps its parent; null: it
   * becomes a top unit. The parent may be in the same batch.
   */
  parent?: string | null;
}

export interface UnitView {
  code: string;
  name: string;
  category: string | null;
  order: number;
  /** The parent's code, or null at the top of the tree. */
  parent: string | null;
  /** Direct children. */
  children: number;
  joinCode: string;
  chats: Array<{ platform: Platform; chatId: string; title: string | null; active: boolean }>;
}

/** Refuses a batch that names a code twice, a parent nobody knows, or a loop in the tree. */
async function checkBatch(trx: Trx, units: UnitUpsert[]): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  for (const [i, u] of units.entries()) {
    const first = seen.get(u.code);
    if (first !== undefined)
      throw new DomainError('duplicate_code', rules.duplicateCode(u.code, first, i), {
        field: `[${i}].code`,
      });
    seen.set(u.code, i);
  }
  const parents = [...new Set(units.flatMap((u) => (u.parent ? [u.parent] : [])))];
  const known = new Set(
    parents.length
      ? (await trx.selectFrom('units').select('code').where('code', 'in', parents).execute()).map(
          (r) => r.code,
        )
      : [],
  );
  for (const [i, u] of units.entries()) {
    if (!u.parent) continue;
    if (u.parent === u.code)
      throw new DomainError('invalid_parent', rules.parentSelf(u.code), {
        field: `[${i}].parent`,
      });
    if (!seen.has(u.parent) && !known.has(u.parent))
      throw new DomainError('unknown_parent', rules.parentUnknown(u.parent), {
        field: `[${i}].parent`,
      });
  }
  return seen;
}

/** After the parents are written: no unit may be its own ancestor. */
async function checkNoCycle(trx: Trx, codes: string[]): Promise<void> {
  if (!codes.length) return;
  const loop = await sql<{ code: string }>`
    WITH RECURSIVE up(start_id, id, depth) AS (
      SELECT u.id, u.parent_id, 1 FROM units u WHERE u.code = ANY(${codes}::text[]) AND u.parent_id IS NOT NULL
      UNION ALL
      SELECT up.start_id, p.parent_id, up.depth + 1 FROM up JOIN units p ON p.id = up.id
      WHERE p.parent_id IS NOT NULL AND up.id <> up.start_id AND up.depth < 64)
    SELECT u.code FROM up JOIN units u ON u.id = up.start_id WHERE up.id = up.start_id LIMIT 1`.execute(
    trx,
  );
  const code = loop.rows[0]?.code;
  if (code) throw new DomainError('invalid_parent', rules.parentLoop(code), { field: 'parent' });
}

/**
 * Upserts by code; a new unit gets a fresh join code, an existing one keeps its code. Rules
 * (one code per unit in a batch, known parents, no loops) hold for every caller.
 */
export async function upsertUnits(db: Trx, units: UnitUpsert[]): Promise<void> {
  if (units.length === 0) return;
  await inTransaction(db, async (trx) => {
    await checkBatch(trx, units);
    for (let i = 0; i < units.length; i += 500) {
      const batch = units.slice(i, i + 500).map((u, j) => ({
        code: u.code,
        name: u.name.normalize('NFC'),
        name_key: fold(u.name),
        category: u.category?.normalize('NFC') ?? null,
        sort_order: u.order ?? i + j + 1,
        join_code: newCode(),
      }));
      await trx
        .insertInto('units')
        .values(batch)
        .onConflict((oc) =>
          oc.column('code').doUpdateSet((eb) => ({
            name: eb.ref('excluded.name'),
            name_key: eb.ref('excluded.name_key'),
            category: eb.ref('excluded.category'),
            sort_order: eb.ref('excluded.sort_order'),
            updated_at: sql<Date>`now()`,
          })),
        )
        .execute();
    }
    const withParent = units.filter((u) => u.parent !== undefined);
    if (!withParent.length) return;
    const pairs = JSON.stringify(withParent.map((u) => ({ code: u.code, parent: u.parent })));
    await sql`
      UPDATE units u SET parent_id = p.id
      FROM jsonb_to_recordset(${pairs}::jsonb) AS x(code text, parent text)
      LEFT JOIN units p ON p.code = x.parent
      WHERE u.code = x.code`.execute(trx);
    await checkNoCycle(
      trx,
      withParent.map((u) => u.code),
    );
  });
}

/** Saves an imported list, its "cấp trên" cells (codes or names) resolved first. */
export async function saveImportedUnits(db: Trx, units: UnitInput[]): Promise<void> {
  if (!units.some((u) => u.parentRef !== undefined)) return upsertUnits(db, units);
  const known = await db
    .selectFrom('units as u')
    .leftJoin('units as p', 'p.id', 'u.parent_id')
    .select(['u.code', 'u.name', 'p.code as parent'])
    .execute();
  await upsertUnits(db, resolveParents(units, known));
}

export async function listUnits(db: Trx, codes?: string[]): Promise<UnitView[]> {
  let q = db
    .selectFrom('units as u')
    .leftJoin('units as p', 'p.id', 'u.parent_id')
    .selectAll('u')
    .select((eb) => [
      'p.code as parent_code',
      eb
        .selectFrom('units as c')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('c.parent_id', '=', 'u.id')
        .as('children'),
    ])
    .orderBy('u.sort_order')
    .orderBy('u.code');
  if (codes?.length === 0) return [];
  if (codes) q = q.where('u.code', 'in', codes);
  const units = await q.execute();
  const chats = await db
    .selectFrom('chats')
    .select(['unit_id', 'platform', 'external_id', 'title', 'active'])
    .where('unit_id', 'is not', null)
    .orderBy('id')
    .execute();
  const byUnit = new Map<number, UnitView['chats']>();
  for (const c of chats) {
    const list = byUnit.get(c.unit_id!) ?? [];
    list.push({
      platform: c.platform as Platform,
      chatId: c.external_id,
      title: c.title,
      active: c.active,
    });
    byUnit.set(c.unit_id!, list);
  }
  return units.map((u) => ({
    code: u.code,
    name: u.name,
    category: u.category,
    order: u.sort_order,
    parent: u.parent_code,
    children: Number(u.children ?? 0),
    joinCode: u.join_code,
    chats: byUnit.get(u.id) ?? [],
  }));
}

/** Resolves a unit selector from the API: "all", a list of codes, or {categories}. */
/**
 * Resolves a unit selector: "all", a list of codes, or {categories, codes, withChildren}. A code
 * in `withChildren` names a parent with every unit below it (a district and its communes).
 */
export async function resolveUnitSelector(
  db: Trx,
  selector: UnitSelector,
): Promise<{ units: Unit[]; unknown: string[] }> {
  const all = await db
    .selectFrom('units')
    .selectAll()
    .orderBy('sort_order')
    .orderBy('code')
    .execute();
  if (selector === 'all') return { units: all, unknown: [] };
  const codes = Array.isArray(selector) ? selector : (selector.codes ?? []);
  const categories = Array.isArray(selector) ? [] : (selector.categories ?? []);
  const parents = Array.isArray(selector) ? [] : (selector.withChildren ?? []);
  const byCode = new Map(all.map((u) => [u.code, u]));
  const chosen = new Set(codes.filter((c) => byCode.has(c)).map((c) => byCode.get(c)!.id));
  const catKeys = new Set(categories.map(fold));
  for (const u of all) if (u.category !== null && catKeys.has(fold(u.category))) chosen.add(u.id);
  const children = new Map<number, number[]>();
  for (const u of all)
    if (u.parent_id !== null)
      children.set(u.parent_id, [...(children.get(u.parent_id) ?? []), u.id]);
  const stack = parents.filter((c) => byCode.has(c)).map((c) => byCode.get(c)!.id);
  const seen = new Set<number>();
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    chosen.add(id);
    stack.push(...(children.get(id) ?? []));
  }
  const knownCats = new Set(all.map((u) => (u.category ? fold(u.category) : '')));
  const unknown = [
    ...codes.filter((c) => !byCode.has(c)),
    ...parents.filter((c) => !byCode.has(c)),
    ...categories.filter((c) => !knownCats.has(fold(c))),
  ];
  return { units: all.filter((u) => chosen.has(u.id)), unknown };
}

export async function organizerJoinCode(db: Trx): Promise<string> {
  const existing = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', 'organizer_join_code')
    .executeTakeFirst();
  if (existing) return existing.value as string;
  await db
    .insertInto('settings')
    .values({ key: 'organizer_join_code', value: JSON.stringify(newCode()) })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', 'organizer_join_code')
    .executeTakeFirstOrThrow();
  return row.value as string;
}
