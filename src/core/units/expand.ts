/**
 * A Phụ lục 1 row that stands for many ("Chủ tịch UBND cấp xã", "UBND các xã, phường, thị
 * trấn") becomes one unit per commune, each under its district, from the list of communes per
 * district the organizer has. Applying the same list again creates nothing new.
 */
import type { Trx } from '../../db/types';
import { tree as texts } from '../../messages/vi';
import { DomainError, notFound } from '../errors';
import { cleanText, fold } from '../text/normalize';
import { findUnits } from './lookup';
import { upsertUnits } from './repo';
import type { Db } from '../../db/types';

export interface CommuneList {
  /** The district: its unit code, or its name as typed ("Huyện Cao Lãnh", "UBND TP Sa Đéc"). */
  parent: string;
  /** Communes as typed: "xã Tân Phú", "Phường 1", "thị trấn Mỹ Thọ", or a bare name ("Tân Hòa"). */
  communes: string[];
}

/**
 * Reads lists as people paste them, one district per line or block:
 * "Huyện Cao Lãnh: xã Mỹ Long, xã Bình Hàng Trung; thị trấn Mỹ Thọ", or the district on its
 * own line ending with ":" and its communes on the lines below.
 */
export function parseCommuneLists(text: string): CommuneList[] {
  const out: CommuneList[] = [];
  let current: CommuneList | null = null;
  // Bounded: a province has a few hundred communes, not a novel.
  for (const raw of text.slice(0, 200_000).split('\n').slice(0, 5_000)) {
    const line = cleanText(raw).replace(/^[-–•*+\d.)\s]+(?=\p{L})/u, '');
    if (!line) continue;
    const colon = line.indexOf(':');
    const head = colon > 0 ? line.slice(0, colon).trim() : '';
    const rest = colon > 0 ? line.slice(colon + 1) : line;
    if (head) {
      current = { parent: head, communes: [] };
      out.push(current);
    }
    if (!current) continue;
    for (const name of rest.split(/[,;]/)) {
      const n = name.trim().replace(/[.。]$/, '');
      if (n) current.communes.push(n);
    }
  }
  return out.filter((l) => l.communes.length > 0);
}

const LEVEL = /^(xã|xa|phường|phuong|thị trấn|thi tran|tt\.?)\s+/iu;

/** "tân phú" → "UBND xã Tân Phú"; "Phường 1" → "UBND phường 1"; keeps a level already written. */
function communeName(typed: string): string {
  const t = cleanText(typed).replace(/^(ubnd|ủy ban nhân dân|uỷ ban nhân dân)\s+/iu, '');
  const m = LEVEL.exec(t);
  const level = m ? fold(m[1]!).replace(/\.$/, '') : 'xa';
  const word =
    level === 'phuong' ? 'phường' : level === 'thi tran' || level === 'tt' ? 'thị trấn' : 'xã';
  const place = (m ? t.slice(m[0].length) : t)
    .split(/\s+/)
    .map((w) => (/^\d/.test(w) ? w : w.charAt(0).toLocaleUpperCase('vi') + w.slice(1)))
    .join(' ');
  return `UBND ${word} ${place}`;
}

export interface ExpandResult {
  created: number;
  updated: number;
  units: Array<{ code: string; name: string; parent: string }>;
  /** The row that stood for all communes is removed when nothing refers to it yet. */
  placeholderRemoved: boolean;
}

/**
 * Creates (or renames) one unit per commune under its district; codes are the district's code
 * and a number ("H03-01"), so a second run finds the same units.
 */
export async function expandUnit(
  db: Db,
  placeholderCode: string,
  lists: CommuneList[],
): Promise<ExpandResult> {
  if (!lists.length)
    throw new DomainError('invalid_body', texts.expandEmpty(), { field: 'communes' });
  return db.transaction().execute(async (trx) => {
    const placeholder = await trx
      .selectFrom('units')
      .selectAll()
      .where('code', '=', placeholderCode)
      .executeTakeFirst();
    if (!placeholder) throw notFound(texts.unitUnknown(placeholderCode), 'code');
    const all = await trx.selectFrom('units').selectAll().execute();
    const rows: Array<{ code: string; name: string; parent: string }> = [];
    const taken = new Set(all.map((u) => u.code));
    for (const [i, list] of lists.entries()) {
      const byCode = all.find((u) => u.code === list.parent);
      const candidates = byCode
        ? [byCode]
        : findUnits(
            all.filter((u) => u.id !== placeholder.id),
            list.parent,
          );
      if (candidates.length !== 1)
        throw new DomainError(
          candidates.length ? 'ambiguous_parent' : 'unknown_parent',
          candidates.length
            ? texts.parentAmbiguous(
                list.parent,
                candidates.slice(0, 5).map((u) => u.name),
              )
            : texts.parentNotFound(list.parent),
          { field: `communes[${i}].parent` },
        );
      const parent = candidates[0]!;
      // A commune already under the district keeps its code; a new one takes the next free
      // number, never the code of a unit added by hand (which would be silently renamed).
      const mine = new Map(
        all.filter((u) => u.parent_id === parent.id).map((u) => [fold(u.name), u.code]),
      );
      const seen = new Set<string>();
      let n = 0;
      list.communes.forEach((typed) => {
        const name = communeName(typed);
        if (seen.has(fold(name))) return;
        seen.add(fold(name));
        let code = mine.get(fold(name));
        while (!code) {
          const next = `${parent.code}-${String(++n).padStart(2, '0')}`;
          if (!taken.has(next)) code = next;
        }
        taken.add(code);
        rows.push({ code, name, parent: parent.code });
      });
    }
    const existing = new Set(
      (
        await trx
          .selectFrom('units')
          .select('code')
          .where(
            'code',
            'in',
            rows.map((r) => r.code),
          )
          .execute()
      ).map((r) => r.code),
    );
    await upsertUnits(
      trx,
      rows.map((r, i) => ({
        ...r,
        category: placeholder.category,
        order: placeholder.sort_order * 1000 + i + 1,
      })),
    );
    const placeholderRemoved = await removeIfUnused(trx, placeholder.id);
    return {
      created: rows.filter((r) => !existing.has(r.code)).length,
      updated: rows.filter((r) => existing.has(r.code)).length,
      units: rows,
      placeholderRemoved,
    };
  });
}

async function removeIfUnused(trx: Trx, id: number): Promise<boolean> {
  const used = await trx
    .selectFrom('units as u')
    .select('u.id')
    .where('u.id', '=', id)
    .where(({ or, exists, selectFrom }) =>
      or([
        exists(selectFrom('chats').select('id').whereRef('chats.unit_id', '=', 'u.id')),
        exists(
          selectFrom('registrations').select('id').whereRef('registrations.unit_id', '=', 'u.id'),
        ),
        exists(
          selectFrom('campaign_units')
            .select('unit_id')
            .whereRef('campaign_units.unit_id', '=', 'u.id'),
        ),
        exists(selectFrom('units as c').select('c.id').whereRef('c.parent_id', '=', 'u.id')),
      ]),
    )
    .executeTakeFirst();
  if (used) return false;
  await trx.deleteFrom('units').where('id', '=', id).execute();
  return true;
}
