/**
 * Reads a unit's reply to a training-course invitation — typed on a phone in a group chat —
 * into the people it registers, a decline, or nothing.
 *
 * The reply is read line by line, sentence by sentence. Questions, greetings, thanks and
 * contact lines are set aside; declines are noted. What remains is cut into segments (a line,
 * or parts of it between ";" or inline numbering); in each segment names are found
 * (names.ts) and the text around them becomes titles and phones. Segments without a name
 * may complete the person above them ("Chức vụ: …", a title line, a phone line) or, when they
 * end with ":", head the names below them ("Chuyên viên:").
 *
 * Precision matters as much as recall: a segment is registered as a person only when
 * something vouches for the name (see names.ts).
 */
import {
  Budget,
  CHAT_LINE_MAX_CHARS,
  CHAT_MAX_CHARS,
  CHAT_MAX_LINES,
  capLines,
  type CappedLines,
} from '../text/limits';
import { cleanText, fold } from '../text/normalize';
import {
  declineReason,
  isAddressLine,
  isDecline,
  isGreeting,
  isPoliteness,
  isQuestionStart,
  withoutContact,
} from './intent';
import { findNames, type NameSpan } from './names';
import { trimEdges } from './text';
import { isTitleLike, isTitleStart, tidyTitle } from './titles';
import { tokenize, type Tok } from './tokens';

export interface Attendee {
  name: string;
  title?: string;
  phone?: string;
}

export type ParsedReply =
  | { kind: 'attendees'; attendees: Attendee[]; truncated?: true }
  | { kind: 'declined'; reason?: string; truncated?: true }
  | { kind: 'none'; truncated?: true }; // not a list: a question, "dạ em gửi ạ", "ok đã nhận", empty…

/**
 * Reads at most CHAT_MAX_CHARS characters, CHAT_LINE_MAX_CHARS per line, within the parse
 * budget; `truncated` says when some of the text was left unread.
 */
export function parseAttendeeReply(text: string): ParsedReply {
  const { lines, truncated: cut } = replyLines(text);
  const budget = new Budget();
  let truncated = cut;

  const collector = new Collector();
  let declineText: string | undefined;
  for (const rawLine of lines) {
    if (budget.spent()) {
      truncated = true;
      break;
    }
    const line = rawLine.trim();
    if (!line) {
      collector.breakAdjacency();
      continue;
    }
    // A closing "Trân trọng!" after the list: what follows is a signature, not attendees.
    if (isPoliteness(line) && collector.size > 0) break;
    for (const sentence of sentencesOf(withoutContact(line))) {
      let s = sentence;
      if (isQuestionStart(s) || isPoliteness(s) || isAddressLine(s)) continue;
      if (/\?\s*\S{0,3}\s*$/u.test(s)) s = withoutFinalClause(s);
      if (isGreeting(s)) s = afterGreeting(s);
      if (isDecline(s)) {
        declineText ??= s;
        s = s
          .split(/[,;]/)
          .filter((clause) => !isDecline(clause))
          .join(', ');
      }
      for (const segment of segmentsOf(s)) collector.add(parseSegment(segment));
    }
  }

  const mark = truncated ? { truncated: true as const } : {};
  if (collector.size > 0) return { kind: 'attendees', attendees: collector.attendees(), ...mark };
  if (declineText !== undefined) {
    const reason = declineReason(declineText);
    return reason ? { kind: 'declined', reason, ...mark } : { kind: 'declined', ...mark };
  }
  return { kind: 'none', ...mark };
}

/** The reply as NFC lines within the chat caps (tabs of a pasted table become " | "). */
function replyLines(text: string): CappedLines {
  // Decomposed text is at most a few times longer than NFC: cut before normalizing, cap after.
  const rough = text.length > 4 * CHAT_MAX_CHARS ? text.slice(0, 4 * CHAT_MAX_CHARS) : text;
  const clean = cleanText(rough.replace(/\r\n?/g, '\n').replace(/\t+/g, ' | '));
  const capped = capLines(clean, CHAT_MAX_CHARS, CHAT_LINE_MAX_CHARS, CHAT_MAX_LINES);
  return { lines: capped.lines, truncated: capped.truncated || rough !== text };
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
  | { kind: 'people'; people: Attendee[] }
  | {
      kind: 'detail';
      title?: string;
      phone?: string;
      labelled: boolean;
      header: boolean;
      otherField: boolean;
    };

/** What a run of tokens holds besides names: its title text (as typed) and phones. */
interface Piece {
  title: string;
  phones: string[];
}

function parseSegment(segment: string): SegmentResult {
  const toks = tokenize(segment);
  const found = findNames(toks, segment);
  const registers = /đăng\s*ký|tham\s*(?:dự|gia)/iu.test(segment);
  const spans = found.filter((_, k) => !isMentionedInPassing(toks, found, k, segment, registers));
  if (!spans.length) return detailOf(toks, segment);

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
  const people = spans.map((span, k): Attendee => {
    const phone = pieces[k + 1]!.phones[0] ?? (k === 0 ? pieces[0]!.phones[0] : undefined);
    return withOptional(span.name, titles[k], phone);
  });
  return { kind: 'people', people };
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

/** Words right before a name that make it the object of a sentence: "cảm ơn đ/c X", "nhờ anh X", "thay cho đ/c X". */
const OBJECT_BEFORE =
  /(?:^|\s)(?:cho|của|nhờ|gặp|hỏi|báo|nhắn|gọi|theo|thay|bỏ|rút|trừ|cảm ơn|cám ơn|liên hệ|@)\s*$/iu;
/** First words after a name that make the name the subject of a sentence: "X đã rời nhóm", "X bên BTC gửi…". */
const SENTENCE_AFTER = new Set(
  (
    'đã sẽ đang vừa mới nhắn nhờ giúp gửi rồi bên check có không ko cũng thì ơi à hỏi xem nói để về vào ra đi lên ' +
    'được bị cho anh chị em mình cần muốn phải hả nhỉ vậy xin quá'
  ).split(' '),
);

/**
 * A name mentioned in a sentence rather than listed: addressed ("@X", "nhờ anh X gửi…"),
 * thanked, replaced ("thay cho đ/c X"), the subject of a verb ("X đã rời nhóm"), or the
 * sender introducing themself ("em là X, văn thư…") without registering.
 */
function isMentionedInPassing(
  toks: Tok[],
  spans: NameSpan[],
  k: number,
  segment: string,
  registers: boolean,
): boolean {
  const span = spans[k]!;
  const before = segment.slice(
    k === 0 ? 0 : toks[spans[k - 1]!.last]!.end,
    toks[span.first]!.start,
  );
  if (OBJECT_BEFORE.test(before)) return true;
  if (/(?:^|\s)(?:tôi|em|mình|con)\s+là\s*$/iu.test(before) && !registers) return true;
  const afterEnd = k + 1 < spans.length ? toks[spans[k + 1]!.first]!.start : segment.length;
  const after = tidyTitle(segment.slice(toks[span.last]!.end, afterEnd));
  const firstWord = (after.split(/[\s,;:()]+/)[0] ?? '').toLowerCase();
  return SENTENCE_AFTER.has(firstWord);
}

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
  return { title: tidyTitle(parts.filter(Boolean).join(', ')), phones };
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
  if (title) a.title = title;
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

  private addPerson(person: Attendee): void {
    if (!person.title && this.pendingTitle) {
      person.title = this.pendingTitle;
      this.titleLinesFirst = true;
    }
    if (!person.title && this.groupTitle) person.title = this.groupTitle;
    this.pendingTitle = undefined;
    const key = fold(person.name);
    const same = this.byKey.get(key);
    if (same) {
      same.title ??= person.title;
      same.phone ??= person.phone;
      this.last = same;
    } else {
      this.people.push(person);
      this.byKey.set(key, person);
      this.last = person;
    }
    this.adjacent = true;
  }

  attendees(): Attendee[] {
    return this.people.map((p) => withOptional(p.name, p.title, p.phone));
  }
}
