/**
 * Tasks of a plan, from the three shapes plans give them in:
 * - an item with labelled lines ("1. <task>" / "- Cơ quan chủ trì: …" / "- Cơ quan phối hợp: …" /
 *   "- Thời gian thực hiện: …"), in any section;
 * - "Tổ chức thực hiện": a heading per unit ("1. Sở Thông tin và Truyền thông", "3. Sở Tài chính:
 *   …", "4. Đề nghị các cơ quan …") whose bullets and paragraphs are its tasks;
 * - a table with a "chủ trì" column.
 */
import { fieldsOf, type ItemFields } from './items';
import { isLabelHeading, leadSubject, supportIn } from './fields';
import { splitUnitList, startsUnitName } from './names';
import { type Line, foldKeep, trimPhrase } from './text';
import { type Node, type Section, walk } from './tree';
import { readInlineTiming, readTimeField, type Timing, type WhenContext } from './when';

export interface TaskDraft {
  title: string;
  lead: string[];
  support: string[];
  timing: Timing;
  source: string;
  /** Line indexes the task was read from. */
  lines: number[];
  /** The heading's units, for requirements written inside the item. */
  context: string[];
}

const MAX_TITLE = 300;

export function shortTitle(s: string): string {
  const t = trimPhrase(s.replace(/\s+/g, ' '));
  if (t.length <= MAX_TITLE) return t;
  const cut = t.lastIndexOf(' ', MAX_TITLE - 1);
  return `${t.slice(0, cut > MAX_TITLE / 2 ? cut : MAX_TITLE - 1)}…`;
}

/** The paragraph that closes the body ("Trên đây là Kế hoạch…", "Trong quá trình…", "…./."). */
export function isClosing(l: Line): boolean {
  if (/\.\s*\/\s*\.\s*$/.test(l.text)) return true;
  return /^(?:tren day la|trong qua trinh|qua trinh (?:to chuc )?(?:trien khai|thuc hien)|yeu cau (?:thu truong )?(?:cac|co quan)|noi nhan)(?![a-z])/.test(
    l.bodyFold,
  );
}

function timingOfField(f: ItemFields, ctx: WhenContext): Timing {
  if (f.time) return readTimeField(f.time.value, f.time.valueFold, ctx);
  return { kind: 'none', text: '' };
}

/** Items with a "chủ trì" line: one task each. Returns the nodes consumed. */
function structuredTasks(sections: Section[], ctx: WhenContext, out: TaskDraft[]): Set<Node> {
  const consumed = new Set<Node>();
  for (const s of sections) {
    if (s.role === 'purpose' || s.role === 'funding' || s.role === 'event') continue;
    for (const n of walk(s.node)) {
      if (n === s.node && s.node.line) continue;
      // "a) Chủ trì: …" under an item already read is one of that item's lines.
      if (n.parent && consumed.has(n.parent) && n.line && isLabelHeading(n.line.bodyFold)) {
        consumed.add(n);
        continue;
      }
      const f = fieldsOf(n);
      if (!f.lead || !f.title) continue;
      consumed.add(n);
      const lead = splitUnitList(f.lead.value);
      if (!lead.length) continue;
      out.push({
        title: shortTitle(f.title),
        lead,
        support: f.support ? splitUnitList(f.support.value) : [],
        timing: timingOfField(f, ctx),
        source: f.source,
        lines: f.lines,
        context: lead,
      });
    }
  }
  // Items without labelled lines whose text names its lead ("Phòng X chủ trì, phối hợp với Y …"),
  // and bullets that carry their labels inline ("… (Chủ trì: Sở X; thời gian: Quý II/2024)").
  for (const s of sections) {
    if (s.role !== 'content' && s.role !== 'other') continue;
    for (const n of walk(s.node)) {
      if (consumed.has(n)) continue;
      for (const c of n.content) {
        const t = inlineTask(c.line, ctx);
        if (t) out.push(t);
      }
      if (n.children.length || !n.line || n === s.node) continue;
      const f = fieldsOf(n);
      for (const c of n.content) {
        const lead = leadSubject(c.line.body);
        if (!lead.length) continue;
        consumed.add(n);
        const own = readInlineTiming(c.line.body, c.line.bodyFold, ctx);
        out.push({
          title: shortTitle(f.title || c.line.body),
          lead,
          support: supportIn(c.line.body).filter((x) => !lead.includes(x)),
          timing: f.time ? timingOfField(f, ctx) : own,
          source: [n.line.text, c.line.text].join('\n'),
          lines: [n.line.index, c.line.index],
          context: lead,
        });
        break;
      }
    }
  }
  return consumed;
}

const PREFIX = /^(?:trach nhiem cua|doi voi|de nghi|yeu cau|giao|nhiem vu cua)\s+/;

/** "chủ trì: …", "phối hợp: …", "thời gian: …" written inside one line, up to ";", ")" or ".". */
const INLINE_LEAD = /[(;,–-]\s*(?:co quan |don vi )?chu tri(?: thuc hien)?\s*:\s*/;
const INLINE_SUPPORT = /[(;,–-]\s*(?:co quan |don vi )?phoi hop(?: thuc hien)?\s*:\s*/;
const INLINE_TIME = /[(;,–-]\s*(?:thoi gian|thoi han|tien do)(?: thuc hien| hoan thanh)?\s*:\s*/;

function inlineValue(text: string, fold: string, re: RegExp): { value: string; at: number } | null {
  const m = re.exec(fold);
  if (!m) return null;
  const from = m.index + m[0].length;
  const end = /[;)]|\.(?:\s|$)/.exec(fold.slice(from));
  return { value: text.slice(from, end ? from + end.index : undefined).trim(), at: m.index };
}

/** A bullet whose labels are inline: "Tổ chức tập huấn (Chủ trì: Sở X; phối hợp: Sở Y; thời gian: Quý II/2024)." */
function inlineTask(l: Line, ctx: WhenContext): TaskDraft | null {
  if (l.kind === 'row' || !l.bodyFold.includes('chu tri')) return null;
  const lead = inlineValue(l.body, l.bodyFold, INLINE_LEAD);
  if (!lead || lead.at < 5) return null;
  const units = splitUnitList(lead.value);
  if (!units.length) return null;
  const support = inlineValue(l.body, l.bodyFold, INLINE_SUPPORT);
  const time = inlineValue(l.body, l.bodyFold, INLINE_TIME);
  const title = shortTitle(l.body.slice(0, lead.at));
  if (title.length < 5) return null;
  return {
    title,
    lead: units,
    support: support ? splitUnitList(support.value) : [],
    timing: time
      ? readTimeField(time.value, foldKeep(time.value), ctx)
      : { kind: 'none', text: '' },
    source: l.text,
    lines: [l.index],
    context: units,
  };
}

/** Where a heading that is a whole sentence ("UBND các xã căn cứ Kế hoạch … xây dựng …") turns from its units to its task. */
const SUBJECT_END =
  /\s(?:co trach nhiem|chiu trach nhiem|chu tri|can cu|chu dong|khan truong|phoi hop voi|to chuc trien khai|trien khai thuc hien|xay dung|thuc hien|ra soat|tiep tuc|theo doi|huong dan|tong hop)(?![a-z])/;

/** The units a heading of "Tổ chức thực hiện" names, and the task written after its colon. */
export function unitHeading(l: Line): { units: string[]; rest: string } | null {
  let body = l.body;
  let fold = l.bodyFold;
  const p = PREFIX.exec(fold);
  if (p) {
    body = body.slice(p[0].length);
    fold = fold.slice(p[0].length);
  }
  let unitPart = body;
  let rest = '';
  const colon = body.indexOf(':');
  if (colon > 0 && colon < 300) {
    unitPart = body.slice(0, colon);
    rest = body.slice(colon + 1).trim();
  } else {
    const subject = SUBJECT_END.exec(fold.slice(0, 300));
    // The verb must follow a name ("Phòng Tư pháp có trách nhiệm"), in lower case as verbs are.
    if (
      subject &&
      subject.index > 2 &&
      /^\s\p{Ll}/u.test(body.slice(subject.index, subject.index + 2))
    ) {
      unitPart = body.slice(0, subject.index);
      rest = body;
    }
  }
  if (unitPart.length > 400 || !startsUnitName(unitPart, foldKeep(unitPart))) return null;
  const units = splitUnitList(unitPart);
  return units.length ? { units, rest } : null;
}

function sentenceTask(
  text: string,
  headingUnits: string[],
  ctx: WhenContext,
  lines: number[],
  source = text,
): TaskDraft | null {
  const clean = trimPhrase(text);
  if (clean.length < 8) return null;
  const subject = leadSubject(clean);
  const lead = subject.length ? subject : headingUnits;
  if (!lead.length) return null;
  const support = supportIn(clean).filter((s) => !lead.includes(s));
  return {
    title: shortTitle(clean),
    lead,
    support,
    timing: readInlineTiming(clean, foldKeep(clean), ctx),
    source,
    lines,
    context: headingUnits.length ? headingUnits : lead,
  };
}

/** Tasks under the headings of "Tổ chức thực hiện" that name units. */
function organizationTasks(
  section: Section,
  consumed: Set<Node>,
  ctx: WhenContext,
  out: TaskDraft[],
): void {
  let closed = false;
  const visit = (n: Node, inherited: string[]) => {
    if (closed || consumed.has(n)) return;
    let units = inherited;
    if (n.line && n !== section.node) {
      const h = unitHeading(n.line);
      if (h) {
        units = h.units;
        if (h.rest) {
          const t = sentenceTask(h.rest, units, ctx, [n.line.index], n.line.body);
          if (t) out.push(t);
        }
      } else if (inherited.length) {
        // A sub-item of a unit's paragraph: one task with its own details as source.
        const detail = [n.line.body, ...n.content.map((c) => c.line.body)].join(' ');
        const t = sentenceTask(n.line.body, inherited, ctx, [n.line.index], detail);
        if (t) out.push(t);
        return;
      }
    }
    for (const c of n.content) {
      if (isClosing(c.line)) {
        closed = true;
        return;
      }
      if (c.line.kind === 'row') continue;
      // "Sở Tài chính:" on a line of its own (no number): the bullets below are its tasks.
      if (c.line.kind === 'para' && /:\s*$/.test(c.line.body)) {
        const h = unitHeading(c.line);
        if (h && !h.rest) {
          units = h.units;
          continue;
        }
      }
      const inline = inlineTask(c.line, ctx);
      if (inline) {
        out.push(inline);
        continue;
      }
      const text = c.line.body;
      const source = [text, ...c.subs.map((s) => s.body)].join(' ');
      // Without a unit heading above, only a sentence that names its lead ("Sở Y tế chủ trì…") is a task.
      const t = sentenceTask(
        text,
        units,
        ctx,
        [c.line.index, ...c.subs.map((s) => s.index)],
        source,
      );
      if (t) out.push(t);
    }
    for (const child of n.children) visit(child, units);
  };
  visit(section.node, []);
}

const HEADER_CONTENT =
  /^(?:noi dung|nhiem vu|ten nhiem vu|cong viec|hoat dong|ten hoat dong|ten de an|noi dung cong viec)/;
const HEADER_TIME = /^(?:thoi gian|thoi han|tien do|moc)/;
const HEADER_SUPPORT = /phoi hop/;
const HEADER_LEAD =
  /chu tri|(?:don vi|co quan|bo phan)\s+(?:thuc hien|chiu trach nhiem|dau moi|phu trach)|chiu trach nhiem|phu trach|dau moi/;
/** Agenda rows ("7h30' - 8h00'") are a programme, not tasks. */
const CLOCK_CELL = /^\d{1,2}\s*(?:h|g|gio|:)\s*\d{0,2}/;

interface Columns {
  content: number;
  lead: number;
  support: number | null;
  time: number | null;
}

function tableColumns(cells: string[]): Columns | null {
  const f = cells.map((c) => foldKeep(c).trim());
  let content = -1;
  let lead = -1;
  let support: number | null = null;
  let time: number | null = null;
  f.forEach((c, i) => {
    if (time === null && HEADER_TIME.test(c)) time = i;
    else if (support === null && HEADER_SUPPORT.test(c)) support = i;
    else if (lead < 0 && HEADER_LEAD.test(c)) lead = i;
    else if (content < 0 && HEADER_CONTENT.test(c)) content = i;
  });
  return content >= 0 && lead >= 0 ? { content, lead, support, time } : null;
}

/** Rows of a task table ("STT | Nội dung | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian"). */
function tableTasks(lines: Line[], ctx: WhenContext, out: TaskDraft[]): void {
  let cols: Columns | null = null;
  let width = 0;
  for (const l of lines) {
    if (l.kind !== 'row') {
      cols = null;
      continue;
    }
    const cells = l.text.split('\t');
    const header = tableColumns(cells);
    if (header) {
      cols = header;
      width = cells.length;
      continue;
    }
    if (!cols) continue;
    if (cells.some((c) => CLOCK_CELL.test(foldKeep(c).trim()))) continue;
    // Rows that lost merged cells line up from the right, where the unit and time columns are.
    const shift = cells.length < width ? width - cells.length : 0;
    const at = (i: number | null) => (i === null || i - shift < 0 ? '' : (cells[i - shift] ?? ''));
    const title = at(cols.content);
    const lead = splitUnitList(at(cols.lead));
    if (!title || !lead.length) continue;
    const time = at(cols.time);
    out.push({
      title: shortTitle(title),
      lead,
      support: splitUnitList(at(cols.support)),
      timing: time ? readTimeField(time, foldKeep(time), ctx) : { kind: 'none', text: '' },
      source: cells.filter(Boolean).join(' | '),
      lines: [l.index],
      context: lead,
    });
  }
}

export function extractTasks(
  sections: Section[],
  tableLines: Line[],
  ctx: WhenContext,
): TaskDraft[] {
  const out: TaskDraft[] = [];
  const consumed = structuredTasks(sections, ctx, out);
  for (const s of sections) if (s.role === 'organization') organizationTasks(s, consumed, ctx, out);
  tableTasks(tableLines, ctx, out);
  return out.filter((t) => t.lead.length > 0);
}
