/**
 * Reads a unit's reply to a training-course invitation — typed on a phone in a group chat —
 * into the people it registers, a decline, or nothing.
 *
 * The reply is read line by line, sentence by sentence. Forwarded headers, signature blocks,
 * questions, greetings, thanks and contact lines are set aside; declines are noted. A pasted
 * table with a header row is read by its columns (table.ts). What remains is cut into segments
 * (a line, or parts of it between ";" or inline numbering); in each segment names are found
 * (names.ts) and the text around them becomes titles and phones. Segments without a name may
 * complete the person above them ("Chức vụ: …", a title line, a phone line) or, when they end
 * with ":", head the names below them ("Chuyên viên:"). Around the list, frame.ts reads the
 * count the unit states, whether it adds to or replaces its list, and unit headings when a
 * district registers for its communes.
 *
 * Precision matters as much as recall: a segment is registered as a person only when
 * something vouches for the name (see names.ts), and the reply is called unmistakable
 * ('high' confidence, which lets the bot act without being addressed) only when its shape
 * leaves no doubt.
 */
import {
  Budget,
  CHAT_LINE_MAX_CHARS,
  CHAT_MAX_CHARS,
  CHAT_MAX_LINES,
  capLines,
  type CappedLines,
} from '../text/limits';
import { cleanText, fold, limitMarks } from '../text/normalize';
import {
  isForwardHeader,
  isListIntro,
  isSignatureLine,
  listMode,
  statedCount,
  unitHeading,
} from './frame';
import {
  declineReason,
  isAddressLine,
  isDecline,
  isDeclineUnmistakable,
  isGreeting,
  isNotAttending,
  isPoliteness,
  isQuestionStart,
  withoutContact,
} from './intent';
import { findNames, nameFromCell, type NameSpan } from './names';
import { PHONE_RE, isMobile, normalizePhone } from './phone';
import { tableHeader, tableRow, type Column, type TableHeader } from './table';
import { trimEdges } from './text';
import { isTitleLike, isTitleStart, tidyTitle, titleAsWritten } from './titles';
import { tokenize, type Tok } from './tokens';

export interface Attendee {
  name: string;
  title?: string;
  phone?: string;
}

/**
 * 'high': the reply is unmistakably a list (numbered or bulleted lines each with a person and
 * a title or phone, an introduction such as "cử 02 đồng chí:" followed by names, a table with a
 * header row, a "Họ tên:" form) or an unmistakable decline ("Đơn vị không cử người tham dự",
 * "xin phép vắng"); the bot may act on it without being addressed. 'low': anything less.
 */
export type Confidence = 'high' | 'low';

/** People listed under a unit heading ("Xã Tân Phú: 1. Ông …"), as a district registers for its communes. */
export interface AttendeeSection {
  /** The unit as typed: "Xã Tân Phú", "UBND xã Bình Thành", "Phường 1". */
  unitText: string;
  attendees: Attendee[];
  statedCount?: number;
  /** "Xã Mỹ Hòa: không cử người". */
  declined?: true;
  reason?: string;
}

export type ParsedReply =
  | {
      kind: 'attendees';
      /** Everyone registered, sections included, in order. */
      attendees: Attendee[];
      confidence: Confidence;
      /** The number the message says it sends ("cử 02 đồng chí"), which may differ from the list. */
      statedCount?: number;
      /**
       * 'add': the text adds to the unit's list ("bổ sung", "thêm", or a swap "thay đ/c A bằng
       * đ/c B", with A in `replaced`); 'replace': it says it replaces the list ("đăng ký lại",
       * "gửi lại danh sách"); undefined: the message does not say.
       */
      mode?: 'add' | 'replace';
      /** People the message takes off the list ("thay đ/c A bằng đ/c B" → A). */
      replaced?: string[];
      /** Present when people are listed under unit headings; people outside any section are the sender's own. */
      sections?: AttendeeSection[];
      truncated?: true;
    }
  | {
      kind: 'declined';
      reason?: string;
      confidence: Confidence;
      sections?: AttendeeSection[];
      truncated?: true;
    }
  | { kind: 'none'; truncated?: true }; // not a list: a question, "dạ em gửi ạ", "ok đã nhận", empty…

/**
 * Reads at most CHAT_MAX_CHARS characters, CHAT_LINE_MAX_CHARS per line, within the parse
 * budget; `truncated` says when some of the text was left unread.
 */
export function parseAttendeeReply(text: string): ParsedReply {
  const { lines, truncated: cut } = replyLines(text);
  const budget = new Budget();
  const reader = new Reader();
  let truncated = cut;

  for (let i = 0; i < lines.length; i++) {
    if (budget.spent()) {
      truncated = true;
      break;
    }
    const header = tableHeader(lines[i]!);
    if (header) {
      i = reader.readTable(lines, i, header);
      continue;
    }
    const line = cleanText(lines[i]!.replace(/\t+/g, ' | '));
    if (!line) {
      reader.collector.breakAdjacency();
      continue;
    }
    if (isForwardHeader(line)) continue;
    const people = reader.collector.size;
    // A closing "Trân trọng!" or a signature block after the list: what follows signs it.
    if ((isPoliteness(line) || isSignatureLine(line)) && people > 0) break;
    if (isSignatureLine(line)) continue;
    reader.readLine(line);
  }
  return reader.result(truncated);
}

/** The reply as NFC lines within the chat caps; tabs and runs of spaces are kept for tables. */
function replyLines(text: string): CappedLines {
  // Decomposed text is at most a few times longer than NFC: cut before normalizing, cap after.
  const rough = text.length > 3 * CHAT_MAX_CHARS ? text.slice(0, 3 * CHAT_MAX_CHARS) : text;
  const clean = limitMarks(rough.toWellFormed())
    .normalize('NFC')
    .replace(/\u0000/g, '');
  const capped = capLines(clean, CHAT_MAX_CHARS, CHAT_LINE_MAX_CHARS, CHAT_MAX_LINES);
  return { lines: capped.lines, truncated: capped.truncated || rough !== text };
}

/** What makes a reply unmistakable, gathered while reading it. */
interface Evidence {
  table: boolean;
  labelledName: boolean;
  intro: boolean;
  /** People on numbered or bulleted lines. */
  numbered: Attendee[];
  /** Numbered or bulleted lines that hold neither a person nor a detail of one. */
  numberedOther: number;
  /** A person was mentioned in passing, declined, or a question was asked. */
  chatter: boolean;
}

/** The state of one reading: the people so far and what frames them. */
class Reader {
  readonly collector = new Collector();
  private declineText: string | undefined;
  private declinedNames = false;
  private readonly declinedPeople: string[] = [];
  private count: number | undefined;
  private mode: 'add' | 'replace' | undefined;
  private readonly replaced: string[] = [];
  private mentionsSwap = false;
  private readonly evidence: Evidence = {
    table: false,
    labelledName: false,
    intro: false,
    numbered: [],
    numberedOther: 0,
    chatter: false,
  };

  /** Reads the rows under a table header; returns the index of the last line used. */
  readTable(lines: string[], at: number, header: TableHeader): number {
    let i = at + 1;
    for (; i < lines.length; i++) {
      const raw = lines[i]!;
      if (!raw.replace(/[\t|]/g, '').trim()) continue;
      const row = tableRow(raw, header);
      if (!row) break;
      const person = personFromRow(row);
      if (person) {
        this.collector.addPerson(person);
        this.evidence.table = true;
      }
    }
    this.collector.breakAdjacency();
    return i - 1;
  }

  readLine(line: string): void {
    // "Phường 11: A - PCT; Phường 6: B - CV": each unit heading after a ";" starts anew.
    const parts = line.split(/;\s*(?=\S)/);
    if (parts.length > 1 && parts.slice(1).some((p) => unitHeading(p))) {
      let current = parts[0]!;
      for (const part of parts.slice(1)) {
        if (unitHeading(part)) {
          this.readLine(current);
          current = part;
        } else current += `; ${part}`;
      }
      return this.readLine(current);
    }
    let text = line;
    const heading = unitHeading(text);
    if (heading) {
      this.collector.openSection(heading.unitText, heading.bare, heading.statedCount);
      if (!heading.bare && isListIntro(text)) this.evidence.intro = true;
      text = heading.rest;
      if (!text) return;
    }
    const bulleted = BULLET.test(text);
    let named = false;
    for (const sentence of sentencesOf(withoutContact(text))) {
      let s = sentence;
      if (isQuestionStart(s) || isPoliteness(s) || isAddressLine(s)) {
        if (isQuestionStart(s)) this.evidence.chatter = true;
        continue;
      }
      if (/\?\s*\S{0,3}\s*$/u.test(s)) {
        this.evidence.chatter = true;
        s = withoutFinalClause(s);
      }
      if (!heading || heading.bare) this.count ??= statedCount(s);
      this.mode ??= listMode(s);
      if (isListIntro(s)) this.evidence.intro = true;
      if (/(?:^|\s)(?:thay|đổi)(?:\s|$)/iu.test(s)) this.mentionsSwap = true;
      if (isGreeting(s)) s = afterGreeting(s);
      if (isDecline(s)) s = this.readDecline(s);
      for (const segment of segmentsOf(s)) {
        const result = parseSegment(segment);
        if (result.kind === 'people') {
          named = true;
          this.replaced.push(...result.replaced);
          if (result.passing) this.evidence.chatter = true;
          if (result.labelled) this.evidence.labelledName = true;
          for (const person of result.people) {
            const kept = this.collector.addPerson(person);
            if (bulleted) this.evidence.numbered.push(kept);
          }
        } else {
          if (result.title || result.phone || result.labelled || result.otherField) named = true;
          this.collector.add(result);
        }
      }
    }
    if (bulleted && !named) this.evidence.numberedOther++;
  }

  /**
   * A sentence that declines: the people it names before the decline do not attend ("Đ/c A bận
   * nên không dự được, …", "B - lái xe, ở nhà không dự"); what follows may still register
   * ("…, đơn vị cử đ/c C thay"). Returns the part left to read.
   */
  private readDecline(s: string): string {
    const clauses = s.split(/[,;]/);
    const first = clauses.findIndex((c) => isDecline(c));
    const declining = first < 0 ? [] : clauses.slice(0, first + 1);
    const names = declining.flatMap((c) => namesIn(c));
    if (names.length) {
      this.declinedNames = true;
      this.declinedPeople.push(...names);
    }
    this.collector.declineSection(declineReason(s), names.length > 0);
    this.declineText ??= s;
    return clauses
      .slice(first + 1)
      .filter((c) => !isDecline(c))
      .join(', ');
  }

  result(truncated: boolean): ParsedReply {
    const mark = truncated ? { truncated: true as const } : {};
    const sections = this.collector.sections();
    if (this.collector.size > 0) {
      const replaced = [...this.replaced];
      // "Đ/c A không đi được, thay bằng đ/c B": A is the one replaced.
      if (this.mentionsSwap) replaced.push(...this.declinedPeople);
      const unique = [...new Map(replaced.map((n) => [fold(n), n])).values()];
      const mode = this.mode ?? (unique.length ? 'add' : undefined);
      // "UBND xã Tân Thành cử 02 đ/c:" heads the whole reply: its count is the reply's.
      const count = this.count ?? (sections ? undefined : this.collector.headingCount());
      return {
        kind: 'attendees',
        attendees: this.collector.attendees(),
        confidence: this.listConfidence(),
        ...(count !== undefined ? { statedCount: count } : {}),
        ...(mode ? { mode } : {}),
        ...(unique.length ? { replaced: unique } : {}),
        ...(sections ? { sections } : {}),
        ...mark,
      };
    }
    if (this.declineText !== undefined || sections) {
      const reason = this.declineText !== undefined ? declineReason(this.declineText) : undefined;
      const high =
        this.declineText !== undefined &&
        !this.declinedNames &&
        !this.evidence.chatter &&
        isDeclineUnmistakable(this.declineText);
      return {
        kind: 'declined',
        ...(reason ? { reason } : {}),
        confidence: high ? 'high' : 'low',
        ...(sections ? { sections } : {}),
        ...mark,
      };
    }
    return { kind: 'none', ...mark };
  }

  private listConfidence(): Confidence {
    const e = this.evidence;
    if (e.table || e.labelledName || e.intro) return 'high';
    const detailed = e.numbered.every((a) => (a.title && isTitleLike(a.title)) || a.phone);
    if (e.numbered.length > 0 && detailed && e.numberedOther === 0 && !e.chatter) return 'high';
    return 'low';
  }
}

/** The attendee's own number: a mobile before an office landline. */
function bestPhone(phones: string[]): string | undefined {
  return phones.find(isMobile) ?? phones[0];
}

/** The people a clause names (declining, replaced), as found, without judging them. */
function namesIn(clause: string): string[] {
  const toks = tokenize(clause);
  return findNames(toks, clause).map((s) => s.name);
}

/** One row of a pasted table as an attendee, or nothing when its name cell holds no name. */
function personFromRow(row: Map<Column, string[]>): Attendee | undefined {
  const rest = row.get('rest')?.[0];
  if (rest !== undefined) {
    // A single-spaced row: the first name read, then the title.
    const toks = tokenize(rest);
    const span = findNames(toks, rest)[0];
    if (!span) return undefined;
    row.set('name', [span.name]);
    row.set('title', [rest.slice(toks[span.last]!.end)]);
  }
  const cell = row.get('name')?.[0];
  const name = cell ? nameFromCell(cell) : undefined;
  if (!name) return undefined;
  const titleCell = row.get('title')?.[0];
  const title = titleCell ? titleAsWritten(tidyTitle(titleCell)) : undefined;
  // The attendee's mobile: from the phone column first, else anywhere in the row outside the
  // ID-card, birth and office-landline columns; a landline is the office's, not the person's.
  const skip = new Set<Column>(['id', 'birth', 'stt', 'landline', 'gender']);
  const cells = [
    ...(row.get('phone') ?? []),
    ...[...row.entries()].filter(([c]) => c !== 'phone' && !skip.has(c)).flatMap(([, v]) => v),
  ];
  let phone: string | undefined;
  for (const c of cells) {
    for (const m of c.matchAll(PHONE_RE)) {
      const n = normalizePhone(m[1] ?? '');
      if (n && isMobile(n)) {
        phone = n;
        break;
      }
    }
    if (phone) break;
  }
  return withOptional(name, title, phone);
}

// ── Splitting a line ───────────────────────────────────────────────────────────────

/** Abbreviations followed by a dot that do not end a sentence ("TS. Mai Thanh Hải"). */
const DOTTED_ABBR =
  /^(?:TS|ThS|Ths|CN|KS|BS|GS|PGS|DS|LS|S|c|C|TP|TX|TT|P|Q|H|Mr|Ms|Mrs|CKI|CKII|St|Dr|\d{1,2})$/;

/** Splits at ". " / "! " before a capital letter, except after dotted abbreviations and numbering. */
function sentencesOf(line: string): string[] {
  const out: string[] = [];
  let from = 0;
  for (const m of line.matchAll(/(?<![.!])[.!]+\s+(?=\p{Lu})/gu)) {
    // Abbreviations are short: a window of the last few characters holds the whole word.
    const before = line.slice(Math.max(from, m.index - 12), m.index);
    const lastWord = before.split(/[\s(]+/).pop() ?? '';
    if (m[0].startsWith('.') && DOTTED_ABBR.test(lastWord)) continue;
    out.push(line.slice(from, m.index + 1));
    from = m.index + m[0].length;
  }
  out.push(line.slice(from));
  return out.map((s) => s.trim()).filter(Boolean);
}

/** "Kính gửi BTC, …" / "Dạ em chào BTC, Sở Y tế đăng ký:" — the list starts after the first ":" or else ",". */
function afterGreeting(sentence: string): string {
  const colon = sentence.indexOf(':');
  if (colon >= 0) return sentence.slice(colon + 1);
  const comma = sentence.indexOf(',');
  return comma >= 0 ? sentence.slice(comma + 1) : '';
}

/** "A - PGĐ, B - TP, có cần gửi thêm không ạ?" keeps the list and drops the question. */
function withoutFinalClause(sentence: string): string {
  const cut = Math.max(
    sentence.lastIndexOf(','),
    sentence.lastIndexOf(';'),
    sentence.lastIndexOf(':'),
  );
  return cut > 0 ? sentence.slice(0, cut) : '';
}

/** Splits at ";" outside parentheses and at inline numbering "1. … 2. …", then drops bullets. */
function segmentsOf(sentence: string): string[] {
  if (!sentence.includes(';'))
    return splitInlineNumbering(sentence).map(stripBullet).filter(Boolean);
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < sentence.length; i++) {
    const ch = sentence[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    else if (ch === ';' && depth === 0) {
      parts.push(sentence.slice(from, i));
      from = i + 1;
    }
  }
  parts.push(sentence.slice(from));
  return parts
    .flatMap(splitInlineNumbering)
    .map(stripBullet)
    .filter((p) => p.length > 0);
}

/** "1. Lê Văn Hai - CT UBND xã 2. Nguyễn Thị Ba - CV" → two segments, when numbers run 1, 2, 3… */
function splitInlineNumbering(part: string): string[] {
  const marks = [...part.matchAll(/(?<=^|[\s,;])(\d{1,2})\s*[.)/]\s+(?=\S)/g)];
  if (marks.length < 2) return [part];
  const sequential = marks.every(
    (m, k) => k === 0 || Number(m[1]) === Number(marks[k - 1]![1]) + 1,
  );
  if (!sequential) return [part];
  const cuts = marks.map((m) => m.index);
  if (cuts[0] !== 0 && part.slice(0, cuts[0]).trim() === '') cuts[0] = 0;
  const out = cuts[0] === 0 ? [] : [part.slice(0, cuts[0])];
  cuts.forEach((c, k) => out.push(part.slice(c, cuts[k + 1] ?? part.length)));
  return out;
}

/**
 * Bullets and numbering at the start of an entry: "-", "+", "•", "*", "1.", "1/", "1)", "01.",
 * "STT 1:", "a)", "Người thứ hai:", and a bare "1 " (a pasted table row; a count such as "02 đồng
 * chí" loses nothing by it). Case-sensitive on purpose: "a)" is a bullet, "A." may be an initial.
 */
const BULLET =
  /^\s*(?:[-+•*–—·>»◦▪●◆✓✔→|]+\s*|(?:[Ss][Tt][Tt]\s*)?\d{1,2}\s*[.):/\-–|]\s*|[a-h]\s*[).]\s+|[A-H]\)\s*|(?:[Ss][Tt][Tt]\s*)?\d{1,2}\s+(?=\p{L})|(?:[Nn]gười|[ĐđDd]ại\s*biểu|[Hh]ọc\s*viên)\s*(?:thứ\s*)?(?:\d+|nhất|hai|ba|tư|năm)\s*[:.)\-]\s*)+/u;

function stripBullet(segment: string): string {
  return segment.replace(BULLET, '').trim();
}

// ── One segment ────────────────────────────────────────────────────────────────────

type SegmentResult =
  | {
      kind: 'people';
      people: Attendee[];
      /** Names taken off the list ("thay đ/c A", "bỏ đ/c A"). */
      replaced: string[];
      /** A name was mentioned rather than listed ("cảm ơn đ/c A", "A đã rời nhóm"). */
      passing: boolean;
      /** A "Họ tên:" label vouched for a name. */
      labelled: boolean;
    }
  | {
      kind: 'detail';
      title?: string;
      phone?: string;
      labelled: boolean;
      header: boolean;
      otherField: boolean;
    };

/** What a run of tokens holds besides names: its title text (as typed), phones, and the text itself. */
interface Piece {
  title: string;
  phones: string[];
  raw: string;
}

function parseSegment(segment: string): SegmentResult {
  const toks = tokenize(segment);
  const found = findNames(toks, segment);
  const registers = /đăng\s*ký|tham\s*(?:dự|gia)/iu.test(segment);
  const roles = found.map((_, k) => roleOf(toks, found, k, segment, registers));
  const spans = found.filter((_, k) => roles[k] === 'listed');
  const replaced = found.filter((_, k) => roles[k] === 'replaced').map((sp) => sp.name);
  const passing = roles.includes('passing');
  const labelled = toks.some((t) => t.kind === 'label' && t.field === 'name');
  if (!spans.length) {
    if (replaced.length || passing)
      return { kind: 'people', people: [], replaced, passing, labelled };
    return detailOf(toks, segment);
  }

  const pieces = piecesAround(toks, spans, segment);

  const lead = leadingTitle(toks, spans[0]!, segment);
  const tail = pieces[pieces.length - 1]!;
  // Title before the name ("PGĐ Sở: Nguyễn Văn An", "PCT UBND xã - ông Lê Văn Tư") when the
  // text before the first name is a title and nothing title-like follows the last name.
  const titleFirst = lead !== '' && isTitleLike(lead) && !(tail.title && isTitleStart(tail.title));

  const titles = spans.map((_, k) =>
    titleFirst ? (k === 0 ? lead : pieces[k]!.title) : pieces[k + 1]!.title,
  );
  if (!titleFirst) shareTitleAfterColon(toks, spans, pieces, titles);
  const people = spans
    .map((span, k): Attendee | undefined => {
      // "B - Lái xe (không tham dự)": named with the list, but not attending. Only the text up
      // to the next name found (listed or not) speaks of this person.
      const next = found[found.indexOf(span) + 1];
      const own = segment.slice(
        toks[span.last]!.end,
        next ? toks[next.first]!.start : segment.length,
      );
      if (isNotAttending(own)) return undefined;
      const phone =
        bestPhone(pieces[k + 1]!.phones) ?? (k === 0 ? bestPhone(pieces[0]!.phones) : undefined);
      return withOptional(span.name, titles[k], phone);
    })
    .filter((a): a is Attendee => a !== undefined);
  return { kind: 'people', people, replaced, passing, labelled };
}

/**
 * "Mai Văn Hòa, Hồ Thị Lan: cán bộ phòng VH" — names listed with nothing between them and a
 * title after a colon share that title.
 */
function shareTitleAfterColon(
  toks: Tok[],
  spans: NameSpan[],
  pieces: Piece[],
  titles: (string | undefined)[],
): void {
  for (let k = 1; k < spans.length; k++) {
    if (!titles[k] || toks[spans[k]!.last + 1]?.text !== ':') continue;
    for (let j = k - 1; j >= 0 && !pieces[j + 1]!.title && !pieces[j + 1]!.phones.length; j--)
      titles[j] = titles[k];
  }
}

/** Pieces between names: piece 0 before the first name, piece k after name k. */
function piecesAround(toks: Tok[], spans: NameSpan[], segment: string): Piece[] {
  const bounds = spans.map((s, k) => [k === 0 ? 0 : spans[k - 1]!.last + 1, s.first] as const);
  return [
    ...bounds.map(([a, b]) => pieceOf(toks, a, b, segment)),
    pieceOf(toks, spans.at(-1)!.last + 1, toks.length, segment),
  ];
}

/** Words right before a name that make it the object of a sentence: "cảm ơn đ/c X", "nhờ anh X". */
const OBJECT_BEFORE =
  /(?:^|\s)(?:cho|của|nhờ|gặp|hỏi|báo|nhắn|gọi|theo|cảm ơn|cám ơn|liên hệ|chúc mừng|@)\s*$/iu;
/** Words right before a name that take it off the list: "thay đ/c X bằng …", "đi thay cho X", "bỏ đ/c X". */
const REPLACED_BEFORE = /(?:^|\s)(?:thay(?:\s+thế)?(?:\s+cho)?|bỏ|rút|trừ|đổi)\s*$/iu;
/** First words after a name that make the name the subject of a sentence: "X đã rời nhóm", "X bên BTC gửi…". */
const SENTENCE_AFTER = new Set(
  (
    'đã sẽ đang vừa mới nhắn nhờ giúp gửi rồi bên check có không ko cũng thì ơi à hỏi xem nói để về vào ra đi lên ' +
    'được bị cho anh chị em mình cần muốn phải hả nhỉ vậy xin quá'
  ).split(' '),
);

type Role = 'listed' | 'replaced' | 'passing';

/**
 * Whether a name is listed, taken off the list ("thay đ/c X bằng …"), or mentioned in a sentence
 * rather than listed: addressed ("@X", "nhờ anh X gửi…"), thanked, the subject of a verb ("X đã
 * rời nhóm"), or the sender introducing themself ("em là X, văn thư…") without registering.
 */
function roleOf(
  toks: Tok[],
  spans: NameSpan[],
  k: number,
  segment: string,
  registers: boolean,
): Role {
  const span = spans[k]!;
  const before = segment.slice(
    k === 0 ? 0 : toks[spans[k - 1]!.last]!.end,
    toks[span.first]!.start,
  );
  if (REPLACED_BEFORE.test(before)) return 'replaced';
  if (OBJECT_BEFORE.test(before)) return 'passing';
  if (/(?:^|\s)(?:tôi|em|mình|con)\s+là\s*$/iu.test(before) && !registers) return 'passing';
  const afterEnd = k + 1 < spans.length ? toks[spans[k + 1]!.first]!.start : segment.length;
  const after = trimEdges(segment.slice(toks[span.last]!.end, afterEnd).slice(0, 40));
  const firstWord = after.split(/[\s,;:()]+/, 1)[0] ?? '';
  const lower = firstWord.toLowerCase();
  if (SENTENCE_AFTER.has(lower)) return 'passing';
  // Verbs typed in lower case ("X chủ trì", "X phát biểu"); capitalised they begin a title ("X Chủ tịch …").
  return firstWord === lower && VERBS_AFTER.has(lower) ? 'passing' : 'listed';
}

/** Verbs that make a name the subject of a sentence when typed in lower case right after it. */
const VERBS_AFTER = new Set('chỉ chủ phát trình ký duyệt yêu nghỉ đề chuyển nhận vắng'.split(' '));

/** Words after which, in the text before a name, only its title remains: "Sở Y tế cử Phó Giám đốc Sở là ông …". */
const LEAD_STOPS = new Set([
  'cử',
  'gồm',
  'đăng',
  'ký',
  'ông',
  'bà',
  'anh',
  'chị',
  'em',
  'cô',
  'chú',
  'thầy',
]);

/**
 * Title of the first person in "title first" order: the text right before the name, after a
 * unit header ("Thanh tra tỉnh: Chánh Thanh tra …") or an introduction ("Đơn vị cử đ/c Giám đốc …").
 */
function leadingTitle(toks: Tok[], first: NameSpan, segment: string): string {
  let from = 0;
  let wordAfter = false;
  for (let i = first.first - 1; i >= 0; i--) {
    const t = toks[i]!;
    const stop =
      (t.kind === 'punct' && t.text === ':') ||
      t.kind === 'hon' ||
      (t.kind === 'word' && LEAD_STOPS.has(t.text.toLowerCase()));
    if (stop && wordAfter) {
      from = i + 1;
      break;
    }
    if (t.kind === 'word') wordAfter = true;
  }
  return pieceOf(toks, from, first.first, segment).title;
}

/** Title text (phones, e-mails, labels and other form fields removed) and phones of toks[from, to). */
function pieceOf(toks: Tok[], from: number, to: number, segment: string): Piece {
  const phones: string[] = [];
  const parts: string[] = [];
  let partStart = -1;
  let partEnd = -1;
  let inOtherField = false;
  const flush = (): void => {
    if (partStart >= 0) parts.push(trimEdges(segment.slice(partStart, partEnd)));
    partStart = -1;
  };
  let seenText = false;
  let lastWord = -1;
  for (let i = to - 1; i >= from && lastWord < 0; i--) if (toks[i]!.kind === 'word') lastWord = i;
  for (let i = from; i < to; i++) {
    const t = toks[i]!;
    if (t.kind === 'phone') phones.push(t.phone);
    // A rank or degree opening the piece ("- Thiếu tá, Phó Chỉ huy trưởng") is not part of the title.
    if (t.kind === 'hon' && !seenText && lastWord > i) {
      flush();
      continue;
    }
    if (t.kind === 'word') seenText = true;
    if (t.kind === 'label') inOtherField = t.field === 'other';
    else if (t.kind === 'phone') inOtherField = false;
    const dropped = t.kind === 'phone' || t.kind === 'email' || t.kind === 'label' || inOtherField;
    if (dropped) {
      flush();
      continue;
    }
    if (partStart < 0) partStart = t.start;
    partEnd = t.end;
  }
  flush();
  const raw = from < to ? segment.slice(toks[from]!.start, toks[to - 1]!.end) : '';
  return { title: tidyTitle(parts.filter(Boolean).join(', ')), phones, raw };
}

/** Field words that head a table ("STT Họ và tên Chức vụ SĐT") rather than a title. */
const FIELD_WORDS =
  /^(?:sđt|sdt|đt|dt|số\s*điện\s*thoại|điện\s*thoại|email|ghi\s*chú|đơn\s*vị|stt)$/iu;

/** A segment without a name: a title, phone or other field line that may belong to a neighbouring name. */
function detailOf(toks: Tok[], segment: string): SegmentResult {
  const piece = pieceOf(toks, 0, toks.length, segment);
  const labelled = toks.some((t) => t.kind === 'label' && t.field === 'title');
  const otherField = toks.some((t) => t.kind === 'label' && t.field === 'other');
  const header = /:\s*$/.test(segment);
  const usable = piece.title !== '' && !FIELD_WORDS.test(piece.title);
  const title = usable && (labelled || isTitleLike(piece.title)) ? piece.title : undefined;
  return { kind: 'detail', title, phone: piece.phones[0], labelled, header, otherField };
}

function withOptional(
  name: string,
  title: string | undefined,
  phone: string | undefined,
): Attendee {
  const a: Attendee = { name };
  if (title) a.title = titleAsWritten(title);
  if (phone) a.phone = phone;
  return a;
}

// ── Across segments ────────────────────────────────────────────────────────────────

/**
 * Gathers people across segments and lets detail lines complete them: a title or phone line
 * right under a name fills that person's missing field; a labelled title with no one to complete
 * waits for the next name ("Chức vụ" before "Họ tên"); a title line ending with ":" heads the
 * names that follow ("Chuyên viên:\n- A\n- B").
 */
class Collector {
  private readonly people: Attendee[] = [];
  private readonly byKey = new Map<string, Attendee>();
  private last: Attendee | undefined;
  private adjacent = false;
  private pendingTitle: string | undefined;
  private groupTitle: string | undefined;
  /** Titles come on the line before each name ("Phó Giám đốc\nNguyễn Văn An\nTrưởng phòng\n…"). */
  private titleLinesFirst = false;

  get size(): number {
    return this.people.length;
  }

  /** A blank line: the next line neither completes the person above nor falls under the last heading. */
  breakAdjacency(): void {
    this.adjacent = false;
    this.groupTitle = undefined;
  }

  add(result: SegmentResult): void {
    if (result.kind === 'people') {
      for (const person of result.people) this.addPerson(person);
      return;
    }
    const { title, phone } = result;
    if (title) {
      if (this.adjacent && this.last && !this.last.title) {
        this.last.title = title;
        if (phone && !this.last.phone) this.last.phone = phone;
      } else if (result.header && !result.labelled) {
        this.groupTitle = title;
        this.adjacent = false;
      } else if (result.labelled || this.people.length === 0 || this.titleLinesFirst) {
        // "Chức vụ: …" before "Họ tên: …", or a reply that puts each title on the line before the name.
        this.pendingTitle = title;
        this.adjacent = false;
      } else {
        // A bare title line under a complete person ("Trưởng đoàn") is a note, not the next person's title.
        this.adjacent = false;
      }
    } else if (phone) {
      if (this.adjacent && this.last && !this.last.phone) this.last.phone = phone;
    } else if (!result.otherField) {
      // Anything else ends the person above ("Người thứ hai:"), and a new heading ends the last
      // one ("Danh sách học viên:"); form fields such as "Đơn vị:" do neither.
      this.adjacent = false;
      this.pendingTitle = undefined;
      if (result.header) this.groupTitle = undefined;
    }
  }

  /** Adds a person (or completes the same person met before); returns the one kept. */
  addPerson(person: Attendee): Attendee {
    if (!person.title && this.pendingTitle) {
      person.title = this.pendingTitle;
      this.titleLinesFirst = true;
    }
    if (!person.title && this.groupTitle) person.title = this.groupTitle;
    this.pendingTitle = undefined;
    const key = fold(person.name);
    const same = this.byKey.get(key);
    let kept = person;
    if (same) {
      same.title ??= person.title;
      same.phone ??= person.phone;
      kept = same;
    } else {
      this.people.push(person);
      this.byKey.set(key, person);
    }
    this.last = kept;
    this.adjacent = true;
    const section = this.openSections.at(-1);
    if (section && !section.attendees.includes(kept)) section.attendees.push(kept);
    return kept;
  }

  private readonly openSections: AttendeeSection[] = [];
  private bareHeadings = 0;

  /** A unit heading: the people below it, until the next heading, are listed for that unit. */
  openSection(unitText: string, bare: boolean, statedCount: number | undefined): void {
    this.openSections.push({
      unitText,
      attendees: [],
      ...(statedCount !== undefined ? { statedCount } : {}),
    });
    if (bare) this.bareHeadings++;
    this.breakAdjacency();
  }

  /** The count stated by the first heading, if any. */
  headingCount(): number | undefined {
    return this.openSections[0]?.statedCount;
  }

  /** A decline under a heading with nobody listed yet declines for that unit. */
  declineSection(reason: string | undefined, namesSomeone: boolean): void {
    const section = this.openSections.at(-1);
    if (!section || section.attendees.length || namesSomeone) return;
    section.declined = true;
    if (reason) section.reason = reason;
  }

  /** The sections, when the reply lists people under unit headings (two headings, or one on its own). */
  sections(): AttendeeSection[] | undefined {
    const used = this.openSections.filter((s) => s.attendees.length > 0 || s.declined);
    if (used.length === 0 || (this.openSections.length < 2 && this.bareHeadings === 0))
      return undefined;
    return used.map((s) => ({
      ...s,
      attendees: s.attendees.map((p) => withOptional(p.name, p.title, p.phone)),
    }));
  }

  attendees(): Attendee[] {
    return this.people.map((p) => withOptional(p.name, p.title, p.phone));
  }
}
