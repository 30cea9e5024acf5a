/**
 * A group speaking for units below it: a district registers or reports for its communes by
 * naming them ("Xã Tân Phú: …", "Các xã Tân Phú, Tân Thành đã gửi báo cáo"). Names are matched
 * among the group's own descendants only, ignoring diacritics, case and the xã/phường/thị trấn
 * prefix; an ambiguous name is asked back, a unit outside the group's tree is refused.
 */
import type { Unit } from '../../db/schema';
import type { Trx } from '../../db/types';
import { tree } from '../../messages/vi';
import { findUnits } from './lookup';
import { descendantsOf } from './tree';

export type NamedChildren = { found: Map<string, Unit> } | { reply: string };

export async function resolveNamedChildren(
  trx: Trx,
  acting: Unit,
  texts: string[],
): Promise<NamedChildren> {
  const below = await descendantsOf(trx, acting.id);
  const found = new Map<string, Unit>();
  for (const text of texts) {
    const matches = findUnits(below, text);
    if (matches.length === 1) {
      found.set(text, matches[0]!);
      continue;
    }
    if (matches.length > 1)
      return {
        reply: tree.childAmbiguous(
          text,
          matches.slice(0, 6).map((u) => u.name),
        ),
      };
    const elsewhere = findUnits(
      await trx.selectFrom('units').selectAll().where('id', '!=', acting.id).execute(),
      text,
    );
    return {
      reply: elsewhere.length
        ? tree.notBelow(text, acting.name)
        : tree.childUnknown(
            text,
            acting.name,
            below.slice(0, 5).map((u) => u.name),
          ),
    };
  }
  return { found };
}
