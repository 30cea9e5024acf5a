import { fold } from '../text/normalize';

export type ReportIntent = 'report' | 'maybe' | 'none';

const REPORT_WORD = String.raw`(?:bao cao|bc|van ban|cong van)`;
const SENT_VERB = String.raw`(?:gui|goi|nop|hoan thanh|hoan tat|upload|tai len|chuyen|day len|cap nhat)`;
/** "đã gửi báo cáo", "vừa nộp BC", "đã gửi xong báo cáo số 45/BC-UBND". */
const CLEAR = [
  new RegExp(
    String.raw`\b(?:da|vua|xin|em da|don vi da)\s+${SENT_VERB}(?:\s+(?:xong|lai|qua \S+|ve \S+))?\s+${REPORT_WORD}\b`,
  ),
  new RegExp(String.raw`\b${REPORT_WORD}\b.{0,40}\b(?:da|vua)\s+(?:duoc\s+)?${SENT_VERB}\b`),
  new RegExp(String.raw`^(?:kinh\s+)?(?:gui|nop)\s+${REPORT_WORD}\b`),
  new RegExp(String.raw`\b${SENT_VERB}\b.{0,30}\bso\s*\d+\s*/\s*bc\b`),
];
/** Not a statement that it was sent: a question, a promise, a denial. */
const NOT_SENT =
  /\b(?:chua|se|sap|dang|khi nao|bao gio|the nao|o dau|co phai|phai khong|duoc khong|chi|hoi|can|nho)\b|\?/;
const HINT = /\b(?:bao cao|bc|van ban|gui roi|nop roi|xong roi|da gui|da nop|file|tep)\b/;

/** Whether a unit's message says its report was sent: clearly, perhaps, or not at all. */
export function classifyReportText(text: string): ReportIntent {
  const f = fold(text)
    .replace(/[.,;:!]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (!f) return 'none';
  const clear = CLEAR.some((re) => re.test(f));
  const denied = NOT_SENT.test(f);
  if (clear && !denied) return 'report';
  if (clear || HINT.test(f))
    return denied && /\?|\b(khi nao|bao gio|the nao|o dau)\b/.test(f) ? 'none' : 'maybe';
  return 'none';
}
