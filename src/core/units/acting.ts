/**
 * A group speaking for units below it: a district registers or reports for its communes by
 * naming them ("Xã Tân Phú: …", "Các xã Tân Phú, Tân Thành đã gửi báo cáo"). Names are matched
 * among the group's own descendants only, ignoring diacritics, case and the xã/phường/thị trấn
 * prefix; an ambiguous name is asked back, a unit outside the group's tree is refused.
 */
import type { Unit } from '../../db/schema';
import type { Trx } from '../../db/types';
import { tree } from '../../messages/vi';
import { findUnits, unitKey } from './lookup';
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
    // Only which message to send depends on it: the names are enough, not whole rows.
    const elsewhere = findUnits(
      await trx
        .selectFrom('units')
        .select(['code', 'name', 'category'])
        .where('id', '!=', acting.id)
        .execute(),
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

/** A first line that names who sends the list: "Sở Y tế:", "Phòng Nội vụ cử: …". */
const HEADING_RE =
  /^\s*(?:[-•*]\s*)?((?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân|Sở|Phòng|Ban|Trung tâm|Trường|Công an|Bệnh viện|Văn phòng|Chi cục|Hội|Đài|Cục|Xã|Phường|Thị trấn|Huyện|Thành phố|Thị xã|Quận)(?:\s[^\s:：,.;()]+){1,8}?)\s*(?:[:：]|\s(?:cử|đăng ký|đăng kí|xin|gửi|gồm)(?=[\s:：]|$))/iu;

/**
 * The one unit, other than the group's own, that a list's first line names as its sender, and
 * whether it is below the group (then the group speaks for it). Null when the line names no
 * unit, the group's own, or none unmistakably.
 */
export async function headingUnit(
  trx: Trx,
  acting: Unit,
  text: string,
): Promise<{ unit: Unit; below: boolean } | null> {
  const first = text.split('\n').find((l) => l.trim()) ?? '';
  const m = HEADING_RE.exec(first.slice(0, 200));
  if (!m) return null;
  const typed = m[1]!;
  const key = unitKey(typed).split(' ');
  const within = (name: string) => {
    const words = keyWords(name);
    return key.every((w) => words.has(w));
  };
  // "UBND huyện:", "Phòng em:" or the group's own name: the group speaks for itself.
  if (key.length === 0 || within(acting.name)) return null;
  // The heading names the unit whole ("Sở Y tế", not "Phòng Văn hóa" for "Phòng Văn hóa và
  // Thông tin huyện Lai Vung", which may be the group's own office), and only one: no guessing.
  const whole = (name: string) => within(name) && keyWords(name).size === new Set(key).size;
  // Only units whose folded name holds every typed word can match: the database narrows the
  // table to those (a heading is common, and reading every unit for it cost the hot path dear).
  const typedWords = key.filter(Boolean);
  if (!typedWords.length) return null;
  const matches = (
    await trx
      .selectFrom('units')
      .selectAll()
      .where('id', '!=', acting.id)
      .where((eb) => eb.and(typedWords.map((w) => eb('name_key', 'like', `%${w}%`))))
      .execute()
  ).filter((u) => whole(u.name));
  if (matches.length !== 1) return null;
  const unit = matches[0]!;
  const below = await descendantsOf(trx, acting.id);
  return { unit, below: below.some((u) => u.id === unit.id) };
}

const KEYS = new Map<string, Set<string>>();

/** The words that identify a unit's name, kept per name: the hot path asks for hundreds. */
function keyWords(name: string): Set<string> {
  let words = KEYS.get(name);
  if (!words) {
    if (KEYS.size >= 5000) KEYS.clear();
    KEYS.set(name, (words = new Set(unitKey(name).split(' '))));
  }
  return words;
}
