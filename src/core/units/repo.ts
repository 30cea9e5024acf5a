import { sql } from 'kysely';
import type { Db, Trx } from '../../db/types';
import type { Unit } from '../../db/schema';
import { newCode } from '../codes';
import { fold } from '../text/normalize';
import type { Platform } from '../channel';

export interface UnitUpsert {
  code: string;
  name: string;
  category?: string | null;
  order?: number;
}

export interface UnitView {
  code: string;
  name: string;
  category: string | null;
  order: number;
  joinCode: string;
  chats: Array<{ platform: Platform; chatId: string; title: string | null; active: boolean }>;
}

/** Upserts by code; a new unit gets a fresh join code, an existing one keeps its code. */
export async function upsertUnits(db: Db, units: UnitUpsert[]): Promise<void> {
  if (units.length === 0) return;
  await db.transaction().execute(async (trx) => {
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
  });
}

export async function listUnits(db: Db, codes?: string[]): Promise<UnitView[]> {
  let q = db.selectFrom('units').selectAll().orderBy('sort_order').orderBy('code');
  if (codes) q = q.where('code', 'in', codes.length ? codes : ['\u0000']);
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
  return units.map((u) => toView(u, byUnit.get(u.id) ?? []));
}

function toView(u: Unit, chats: UnitView['chats']): UnitView {
  return {
    code: u.code,
    name: u.name,
    category: u.category,
    order: u.sort_order,
    joinCode: u.join_code,
    chats,
  };
}

/** Resolves a unit selector from the API: "all", a list of codes, or {categories}. */
export async function resolveUnitSelector(
  db: Trx,
  selector: 'all' | string[] | { categories?: string[]; codes?: string[] },
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
  const codeSet = new Set(codes);
  const catKeys = new Set(categories.map(fold));
  const units = all.filter(
    (u) => codeSet.has(u.code) || (u.category !== null && catKeys.has(fold(u.category))),
  );
  const known = new Set(all.map((u) => u.code));
  const knownCats = new Set(all.map((u) => (u.category ? fold(u.category) : '')));
  const unknown = [
    ...codes.filter((c) => !known.has(c)),
    ...categories.filter((c) => !knownCats.has(fold(c))),
  ];
  return { units, unknown };
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
