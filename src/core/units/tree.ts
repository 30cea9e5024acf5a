/**
 * The unit tree: a district and the communes below it. A group may act only for its own
 * descendants, and messages for a unit without a group go up to its nearest ancestor's.
 */
import { sql } from 'kysely';
import type { Unit } from '../../db/schema';
import type { Trx } from '../../db/types';
import { sm, type SummaryGroup } from '../../messages/vi';

/** Every unit below this one (children, grandchildren…), in the tree's order. */
export async function descendantsOf(trx: Trx, unitId: number): Promise<Unit[]> {
  // One statement with one text: an `in (…)` list of ids made a new text for every count.
  const rows = await sql<Unit>`
    WITH RECURSIVE below(id, depth) AS (
      SELECT id, 1 FROM units WHERE parent_id = ${unitId}
      UNION ALL
      SELECT u.id, b.depth + 1 FROM units u JOIN below b ON u.parent_id = b.id WHERE b.depth < 32)
    SELECT u.* FROM units u WHERE u.id IN (SELECT id FROM below) ORDER BY u.sort_order, u.code`.execute(
    trx,
  );
  return rows.rows;
}

/** Names shown per group before "…và N đơn vị khác". */
const NAMES_PER_GROUP = 3;

export interface Named {
  name: string;
  category: string | null;
  parentName?: string | null;
  /** For overdue units: shown beside the name. */
  daysLate?: number;
}

/**
 * Units grouped for a summary: under their parent when they have one (the province sees "Thuộc
 * UBND huyện X", not 150 communes), else by category; the first few names unless `full`.
 */
export function summaryGroups(units: Named[], full: boolean): SummaryGroup[] {
  const by = new Map<string, string[]>();
  for (const u of units) {
    const key = u.parentName ? sm.underParent(u.parentName) : (u.category ?? sm.otherGroup());
    by.set(key, [...(by.get(key) ?? []), u.daysLate ? sm.daysLate(u.name, u.daysLate) : u.name]);
  }
  return [...by].map(([label, names]) => ({
    label,
    count: names.length,
    names: full ? names : names.slice(0, NAMES_PER_GROUP),
  }));
}
