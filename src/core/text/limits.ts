/**
 * How much of a message the parsers read. Every parser of what people type or paste runs in
 * time linear in what it reads; these bounds keep "what it reads" small enough that one hostile
 * message cannot hold the event loop (a Telegram message is at most 4,096 characters, so the
 * chat caps never cut a real one). Text beyond a cap is ignored and the parser says so
 * (`truncated`), so the caller can tell the sender.
 */

/** A chat message read as an attendee list or a report statement: Telegram's own limit. */
export const CHAT_MAX_CHARS = 4_096;
/** One line of a chat message (a person, a table row, a sentence). */
export const CHAT_LINE_MAX_CHARS = 500;
/** Lines of a chat message. */
export const CHAT_MAX_LINES = 400;
/**
 * A message read for a statement about a report: the statement comes first ("Đã gửi báo cáo
 * …"); a report's whole text pasted after /baocao is stored, not read.
 */
export const REPORT_STATEMENT_MAX_CHARS = 1_500;
/** A date or time typed in a command ("31/12/2024 17h", "ngày 10 tháng 11 năm 2024"). */
export const DATE_MAX_CHARS = 80;
/** A command's word ("/dangky@bot"); longer words are not commands. */
export const COMMAND_NAME_MAX_CHARS = 64;
/** A command's arguments (a list after /dangky, a broadcast after /thongbao). */
export const COMMAND_ARGS_MAX_CHARS = 16_000;
/** An agenda pasted from a plan (Phụ lục 2). */
export const AGENDA_MAX_CHARS = 60_000;
/** One row of a pasted agenda. */
export const AGENDA_LINE_MAX_CHARS = 2_000;
/**
 * A unit list pasted or uploaded as text or CSV: ~1,500 rows of ~60 characters (Phụ lục 1 of
 * seed 000 is 124 rows; a province with every commune a few hundred). Refused beyond, not cut:
 * a partial unit list would be wrong. At this size the worst text costs the loop ~0.1 s.
 */
export const IMPORT_MAX_CHARS = 100_000;
/** One row of a unit list. */
export const IMPORT_LINE_MAX_CHARS = 4_000;
/**
 * The last resort: a parse that still runs longer than this stops where it is and reports
 * itself truncated. The first calls of a fresh process compile the parsers' patterns (tens of
 * milliseconds), so the budget is only consulted after a few units of work: a short, ordinary
 * message is always read whole. (On Workers the clock does not advance during a synchronous
 * run, so there only the caps above apply.)
 */
export const PARSE_BUDGET_MS = 80;
/** Units of work (lines) always done before the budget is consulted. */
export const PARSE_BUDGET_GRACE = 40;

export interface CappedLines {
  lines: string[];
  truncated: boolean;
}

/**
 * The first `maxLines` lines of the first `maxChars` characters, each cut at `maxLineChars`.
 * Line breaks are \n, \r\n, \r and the Unicode line and paragraph separators.
 */
export function capLines(
  text: string,
  maxChars: number,
  maxLineChars: number,
  maxLines: number,
): CappedLines {
  let truncated = text.length > maxChars;
  const head = truncated ? text.slice(0, maxChars) : text;
  const lines: string[] = [];
  for (const line of head.split(/\r\n?|[\n\u2028\u2029\u0085]/)) {
    if (lines.length === maxLines) {
      truncated = true;
      break;
    }
    if (line.length > maxLineChars) {
      truncated = true;
      lines.push(line.slice(0, maxLineChars));
    } else lines.push(line);
  }
  return { lines, truncated };
}

/** A deadline checked between units of work (lines, segments): `spent()` once it has passed. */
export class Budget {
  private readonly until: number;
  private grace: number;
  constructor(ms: number = PARSE_BUDGET_MS, grace: number = PARSE_BUDGET_GRACE) {
    this.until = performance.now() + ms;
    this.grace = grace;
  }
  /** Call once per unit of work; true when the deadline has passed (never during the grace units). */
  spent(): boolean {
    if (this.grace > 0) {
      this.grace--;
      return false;
    }
    return performance.now() > this.until;
  }
}
