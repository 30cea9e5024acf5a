/**
 * Events a plan organizes: an item with a place ("Địa điểm: …") and a time ("Thời gian: 01 ngày,
 * dự kiến ngày 27/9/2024"), often the plan itself ("Kế hoạch tổ chức lớp tập huấn …") with its
 * invited units in Phụ lục 1 and its agenda in Phụ lục 2.
 */
import { toDateKey, type DateKey } from '../time/format';
import { fieldsOf } from './items';
import { type Line, foldKeep, trimPhrase } from './text';
import { type Node, type Section, nodeLines, walk } from './tree';
import { readInlineTiming, scanTime, type Due, type WhenContext } from './when';

export interface EventDraft {
  title: string;
  /** The day of the event, when the plan gives one. */
  date: DateKey | null;
  /** "HH:mm" when the time line says it ("từ 7h30"). */
  startTime: string | null;
  /** The time line as written ("Quý I năm 2022"), to say why there is no date. */
  timeText: string | null;
  venue: string | null;
  mode: string | null;
  onlinePoints: string | null;
  registrationDue: Due | null;
  /** The plan itself is the event: its appendices (invited units, agenda) belong to it. */
  planLevel: boolean;
  source: string;
}

const EVENT_WORDS =
  /^(?:to chuc\s+)?(?:cac\s+)?(?:hoi nghi|hoi thao|lop|tap huan|dien dan|hoi thi|cuoc thi|le\s|toa dam|khoa|dai hoi|hop bao|giao ban|so ket|tong ket|hoi cho|trien lam|buoi|gap mat|giao luu|cuoc hop|hop\s)/;
const MODE_WORDS = /truc tiep|truc tuyen|ket hop|hop tuyen|qua mang/;

function isEventTitle(s: string | null | undefined): boolean {
  return !!s && EVENT_WORDS.test(foldKeep(s).trim());
}

function dayOf(text: string, ctx: WhenContext): DateKey | null {
  for (const t of scanTime(foldKeep(text), ctx)) {
    if (t.kind !== 'date') continue;
    return toDateKey(t.year ?? ctx.year, t.month!, t.day!);
  }
  return null;
}

function timeOfDay(fold: string): string | null {
  const m = /(?<![\d/])(\d{1,2})\s*(?:h|gio|g)\s*(\d{2})?(?![\d/])/.exec(fold);
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2] ?? 0);
  if (h > 23 || min > 59) return null;
  return `${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')}`;
}

/** "Tại điểm cầu Tỉnh: …", "Tại điểm cầu cấp huyện: …" → "Điểm cầu Tỉnh; Điểm cầu cấp huyện". */
function onlinePointsOf(lines: Line[]): string | null {
  const points: string[] = [];
  for (const l of lines) {
    const m = /^(?:tai\s+)?(diem cau [^:]{1,60}):/.exec(l.bodyFold);
    if (!m) continue;
    const start = l.bodyFold.indexOf(m[1]!);
    const label = trimPhrase(l.body.slice(start, start + m[1]!.length));
    points.push(label.charAt(0).toLocaleUpperCase('vi') + label.slice(1));
  }
  return points.length ? [...new Set(points)].join('; ') : null;
}

function registrationDueOf(lines: Line[], ctx: WhenContext): Due | null {
  for (const l of lines) {
    if (!/dang ky/.test(l.bodyFold)) continue;
    const t = readInlineTiming(l.body, l.bodyFold, ctx);
    if (t.kind === 'due') return t.due;
  }
  return null;
}

export function extractEvents(
  sections: Section[],
  planTitle: string | null,
  ctx: WhenContext,
): EventDraft[] {
  const out: EventDraft[] = [];
  const planIsEvent = isEventTitle(planTitle);
  for (const s of sections) {
    if (s.role === 'organization' || s.role === 'funding' || s.role === 'purpose') continue;
    const skip = new Set<Node>();
    for (const n of walk(s.node)) {
      if (n.parent && skip.has(n.parent)) {
        skip.add(n);
        continue;
      }
      const f = fieldsOf(n);
      const date = f.time ? dayOf(f.time.value, ctx) : null;
      const formTitle = f.form && isEventTitle(f.form.value) ? trimPhrase(f.form.value) : null;
      const ownTitle = isEventTitle(f.title) ? f.title : null;
      if (!f.venue && !(date && (formTitle || ownTitle || planIsEvent))) continue;
      skip.add(n);
      const title = formTitle ?? ownTitle ?? planTitle ?? f.title;
      if (!title) continue;
      const lines = nodeLines(n);
      out.push({
        title: trimPhrase(title),
        date,
        startTime: f.time ? timeOfDay(f.time.valueFold) : null,
        timeText: f.time ? trimPhrase(f.time.value) : null,
        venue: f.venue ? trimPhrase(f.venue.value) || null : null,
        mode: f.form && MODE_WORDS.test(f.form.valueFold) ? trimPhrase(f.form.value) : null,
        onlinePoints: null,
        registrationDue: registrationDueOf(lines, ctx),
        planLevel: !formTitle && !ownTitle,
        source: f.source,
      });
    }
  }
  // The plan-level event gathers what the event sections say about it (điểm cầu, hạn đăng ký).
  const main =
    out.find((e) => e.planLevel) ?? (out.length === 1 && planIsEvent ? out[0] : undefined);
  if (main) {
    main.planLevel = true;
    const all = sections
      .filter((s) => s.role !== 'organization' && s.role !== 'funding')
      .flatMap((s) => nodeLines(s.node));
    main.onlinePoints = onlinePointsOf(all);
    main.registrationDue ??= registrationDueOf(all, ctx);
    if (!main.mode) {
      const modeLine = all.find(
        (l) => /^hinh thuc/.test(l.bodyFold) && MODE_WORDS.test(l.bodyFold),
      );
      if (modeLine) main.mode = trimPhrase(modeLine.body.replace(/^[^:]*:\s*/, ''));
    }
  }
  return out;
}
