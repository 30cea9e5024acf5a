/**
 * Every text of plan import, tasks and the organizer exports: warnings of the extractor, chat
 * replies, dashboard pages, and the words of the exported files.
 */
import type { PlanContent } from '../core/plans/types';
import type { UnitReportStatus } from '../core/reports/manage';
import type { TaskView } from '../core/tasks/manage';
import type { SummaryReportInput } from '../export/summary-report';
import type { TaskStatus } from '../core/tasks/status';
import type { Recurrence } from '../core/time/recurrence';
import { describeRecurrence } from '../core/time/recurrence';
import {
  formatDateKey,
  formatDateTime,
  formatDeadline,
  formatDeadlineStatus,
} from '../core/time/format';

const list = (items: string[], max = 5) =>
  items.length <= max
    ? items.join('; ')
    : `${items.slice(0, max).join('; ')} và ${items.length - max} mục khác`;

const quote = (s: string, n = 90) => `“${s.length > n ? `${s.slice(0, n - 1)}…` : s}”`;

/** Warnings the extractor attaches to a draft: what the organizer should look at before applying. */
export const pw = {
  notAPlan: () =>
    'Văn bản này không phải là một kế hoạch (không có tiêu đề “KẾ HOẠCH”), nên không trích xuất nhiệm vụ hay hạn báo cáo nào. Vui lòng gửi đúng tệp kế hoạch.',
  scannedPdf: () =>
    'Tệp PDF không có lớp chữ (có thể là bản quét/ảnh chụp), bot không đọc được nội dung. Vui lòng gửi tệp Word (.docx) hoặc PDF xuất trực tiếp từ Word.',
  emptyFile: () => 'Tệp không có nội dung chữ nào.',
  fileTooLarge: (max: number) => `Tệp quá lớn (tối đa ${Math.round(max / 1024 / 1024)} MB).`,
  unreadableFile: (kind: string) =>
    `Không đọc được tệp ${kind}: tệp hỏng hoặc không đúng định dạng.`,
  unsupportedFile: (name: string) =>
    `Định dạng tệp “${name}” chưa hỗ trợ. Vui lòng gửi .docx, .pdf (có lớp chữ), .txt hoặc .md.`,
  oldDoc: () =>
    'Tệp .doc (Word 97-2003) chưa hỗ trợ. Vui lòng mở bằng Word và lưu lại dạng .docx rồi gửi lại.',
  blankNumber: (raw: string) => `Kế hoạch chưa có số (“Số: ${raw}”).`,
  blankDate: () => 'Ngày ban hành của kế hoạch chưa điền đủ.',
  noTitle: () => 'Không đọc được tên kế hoạch.',
  nothingFound: () =>
    'Không tìm thấy nhiệm vụ, hạn báo cáo hay sự kiện nào trong kế hoạch. Vui lòng kiểm tra lại văn bản.',
  tasksWithoutTime: (titles: string[]) =>
    `${titles.length} nhiệm vụ không nêu thời hạn (bot sẽ không nhắc hạn, chỉ theo dõi tiến độ): ${list(titles.map((t) => quote(t, 60)))}.`,
  relativeReport: (source: string) =>
    `Có yêu cầu báo cáo nhưng thời hạn tính theo sự việc, chưa có ngày cụ thể: ${quote(source)} — hãy thêm yêu cầu báo cáo với ngày cụ thể nếu cần.`,
  periodicWithoutPeriod: (source: string) =>
    `Có yêu cầu báo cáo “định kỳ” nhưng không nêu kỳ (quý, 6 tháng, năm): ${quote(source)}.`,
  reportWithoutUnits: (title: string) =>
    `Chưa xác định được đơn vị phải báo cáo cho “${title}”: hãy chọn đơn vị trước khi áp dụng.`,
  eventWithoutDate: (title: string, when: string | null) =>
    `Sự kiện “${title}” chưa có ngày cụ thể${when ? ` (${when})` : ''}: hãy điền ngày giờ trước khi áp dụng, nếu không sự kiện sẽ không được tạo.`,
  eventWithoutUnits: (title: string) =>
    `Sự kiện “${title}” chưa có danh sách đơn vị được mời: hãy chọn đơn vị trước khi áp dụng.`,
  eventDefaultTime: (title: string) =>
    `Sự kiện “${title}”: kế hoạch không nêu giờ bắt đầu, tạm đặt 8h00.`,
  registrationDefault: (title: string, day: string) =>
    `Sự kiện “${title}”: kế hoạch không nêu hạn đăng ký, tạm đặt trước ngày ${formatDateKey(day)}.`,
  pastDeadline: (title: string, deadline: Date, tz: string) =>
    `Hạn của “${title}” (${formatDeadline(deadline, tz)}) đã qua.`,
  collectiveUnits: (names: string[]) =>
    `Một số đơn vị là tên chung cho nhiều đơn vị (${list(names.map((n) => quote(n, 50)))}): khi áp dụng, bot giao cho các đơn vị thuộc nhóm cùng tên nếu có, nếu không sẽ tạo một đơn vị đại diện để liên kết nhóm chat.`,
  ambiguousUnit: (name: string, candidates: string[]) =>
    `“${name}” khớp nhiều đơn vị đã có (${list(candidates)}): hãy chọn mã đơn vị đúng.`,
  appendixUnits: (detail: string) => `Không đọc được danh sách đơn vị ở phụ lục: ${detail}`,
  truncated: () => 'Văn bản rất dài: một số dòng quá dài đã được cắt bớt khi đọc.',
};

export const PERIOD_WORD: Record<Recurrence['kind'], string> = {
  yearly: 'hằng năm',
  'half-yearly': '6 tháng',
  quarterly: 'hằng quý',
  monthly: 'hằng tháng',
};

export function recurrenceText(r: Recurrence): string {
  return describeRecurrence(r);
}

// ---------------------------------------------------------------------------------------------
// Tasks

export const TASK_STATUS_LABEL: Record<TaskStatus, string> = {
  done_on_time: 'Hoàn thành đúng hạn',
  done_late: 'Hoàn thành quá hạn',
  in_progress: 'Đang thực hiện trong hạn',
  overdue: 'Quá hạn',
  standing: 'Thường xuyên',
};

const names = (units: Array<{ name: string }>) => units.map((u) => u.name).join('; ') || '—';

function dueLine(v: TaskView, tz: string): string {
  if (v.standing)
    return `Thời hạn: thường xuyên${v.dueText ? ` (${v.dueText})` : ''} — bot hỏi tiến độ ${v.recurrence ? PERIOD_WORD[v.recurrence.kind] : 'hằng quý'}`;
  if (v.due) return `Thời hạn: ${formatDeadline(v.due, tz)}${v.dueText ? ` (${v.dueText})` : ''}`;
  return `Thời hạn: không nêu${v.dueText ? ` (${v.dueText})` : ''}`;
}

const TASK_HOWTO =
  'Khi có tiến độ, xin TRẢ LỜI tin nhắn này (ví dụ: “đang triển khai, đạt 50%” hoặc “đã hoàn thành”, có thể kèm tệp), hoặc gửi /nhiemvu để xem các nhiệm vụ của đơn vị.';

function progressText(v: TaskView): string {
  return v.progress !== null && !v.completedAt ? ` — đạt ${v.progress}%` : '';
}

export const tk = {
  status: TASK_STATUS_LABEL,
  assigned: (v: TaskView, tz: string) =>
    [
      `📌 NHIỆM VỤ SỐ ${v.id}: ${v.title}`,
      v.sourcePlan ? `Theo: ${v.sourcePlan}` : null,
      `Đơn vị chủ trì: ${names(v.lead)}`,
      v.support.length ? `Đơn vị phối hợp: ${names(v.support)}` : null,
      dueLine(v, tz),
      '',
      TASK_HOWTO,
    ]
      .filter((l) => l !== null)
      .join('\n'),
  supportNotice: (v: TaskView, tz: string) =>
    [
      `🤝 PHỐI HỢP NHIỆM VỤ SỐ ${v.id}: ${v.title}`,
      v.sourcePlan ? `Theo: ${v.sourcePlan}` : null,
      `Đơn vị được phân công phối hợp với ${names(v.lead)} (đơn vị chủ trì) thực hiện nhiệm vụ này.`,
      dueLine(v, tz),
      'Đơn vị chủ trì báo cáo tiến độ; đơn vị phối hợp có thể trả lời tin nhắn này để cập nhật phần việc của mình.',
    ]
      .filter((l) => l !== null)
      .join('\n'),
  reminder: (v: TaskView, now: Date, tz: string) =>
    `⏰ NHẮC HẠN NHIỆM VỤ SỐ ${v.id}: ${v.title}\n${dueLine(v, tz)} (${formatDeadlineStatus(v.due!, now, tz)})${progressText(v)}.\n${TASK_HOWTO}`,
  chase: (v: TaskView, daysLate: number, tz: string) =>
    `🔴 ĐÔN ĐỐC NHIỆM VỤ SỐ ${v.id}: ${v.title}\n${dueLine(v, tz)} — đã quá hạn ${daysLate} ngày${progressText(v)}.\nĐề nghị đơn vị khẩn trương hoàn thành và báo cáo. ${TASK_HOWTO}`,
  chasedSummary: (v: TaskView, daysLate: number) =>
    `📋 Đã đôn đốc nhiệm vụ số ${v.id} (${v.title}) — quá hạn ${daysLate} ngày; đơn vị chủ trì: ${names(v.lead)}.`,
  checkIn: (v: TaskView, period: string) =>
    `🗓 NHIỆM VỤ THƯỜNG XUYÊN SỐ ${v.id}: ${v.title}\nĐề nghị đơn vị cập nhật kết quả thực hiện${period ? ` ${period}` : ' trong kỳ'}: TRẢ LỜI tin nhắn này (có thể kèm tệp, số văn bản báo cáo).`,
  recorded: (
    v: TaskView,
    unitName: string,
    o: { lead: boolean; completedNow: boolean; progress: number | null; files: number },
  ) => {
    const files = o.files ? ` (kèm ${o.files} tệp)` : '';
    if (!o.lead)
      return `✅ Đã ghi nhận cập nhật của ${unitName} (đơn vị phối hợp) về nhiệm vụ số ${v.id}${files}. Đơn vị chủ trì (${names(v.lead)}) báo cáo hoàn thành nhiệm vụ.`;
    if (o.completedNow)
      return `✅ Đã ghi nhận: ${unitName} hoàn thành nhiệm vụ số ${v.id} — ${TASK_STATUS_LABEL[v.status]}${files}. Cảm ơn đơn vị!`;
    if (v.completedAt)
      return `✅ Đã ghi nhận thêm thông tin cho nhiệm vụ số ${v.id} (đã hoàn thành trước đó)${files}.`;
    const progress = o.progress !== null ? `, đạt ${o.progress}%` : '';
    return `✅ Đã ghi nhận tiến độ nhiệm vụ số ${v.id} của ${unitName}${progress}${files} — ${TASK_STATUS_LABEL[v.status]}.`;
  },
  unitList: (
    unitName: string,
    items: Array<{ view: TaskView; role: 'lead' | 'support' }>,
    tz: string,
  ) =>
    items.length === 0
      ? `${unitName} hiện không có nhiệm vụ nào được giao.`
      : `📌 Nhiệm vụ của ${unitName} (${items.length}):\n${items
          .map(
            ({ view: v, role }) =>
              `#${v.id} ${v.title}\n   ${role === 'lead' ? 'Chủ trì' : `Phối hợp với ${names(v.lead)}`} — ${TASK_STATUS_LABEL[v.status]}${progressText(v)}\n   ${dueLine(v, tz)}`,
          )
          .join(
            '\n',
          )}\n\nCập nhật: trả lời tin nhắn giao nhiệm vụ, hoặc gửi “nhiệm vụ <số> đạt 50%”, “đã hoàn thành nhiệm vụ <số>”.`,
  organizerSummary: (
    counts: Record<TaskStatus, number>,
    overdue: TaskView[],
    tz: string,
    now: Date,
  ) => {
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    if (!total) return 'Chưa có nhiệm vụ nào được giao.';
    const lines = [
      `📊 Tổng hợp ${total} nhiệm vụ:`,
      ...(Object.keys(TASK_STATUS_LABEL) as TaskStatus[]).map(
        (s) => `• ${TASK_STATUS_LABEL[s]}: ${counts[s]}`,
      ),
    ];
    if (overdue.length) {
      lines.push('', 'Nhiệm vụ quá hạn:');
      for (const v of overdue.slice(0, 20))
        lines.push(
          `#${v.id} ${v.title} — ${names(v.lead)} (hạn ${formatDeadline(v.due!, tz)}, ${formatDeadlineStatus(v.due!, now, tz)})`,
        );
      if (overdue.length > 20) lines.push(`… và ${overdue.length - 20} nhiệm vụ khác.`);
    }
    lines.push(
      '',
      'Xem một nhiệm vụ: /nhiemvu <số>. Xuất báo cáo: /xuatbaocao, /xuattep, /xuattonghop.',
    );
    return lines.join('\n');
  },
  detail: (
    v: TaskView,
    reports: Array<{
      at: Date;
      unit: string;
      text: string | null;
      progress: number | null;
      done: boolean;
    }>,
    tz: string,
  ) =>
    [
      `📌 NHIỆM VỤ SỐ ${v.id}: ${v.title}`,
      `Đơn vị chủ trì: ${names(v.lead)}`,
      v.support.length ? `Đơn vị phối hợp: ${names(v.support)}` : null,
      dueLine(v, tz),
      `Tình trạng: ${TASK_STATUS_LABEL[v.status]}${progressText(v)}`,
      reports.length ? '\nCập nhật gần đây:' : null,
      ...reports.map(
        (r) =>
          `• ${formatDateTime(r.at, tz)} — ${r.unit}${r.done ? ' (hoàn thành)' : r.progress !== null ? ` (${r.progress}%)` : ''}${r.text ? `: ${r.text.length > 120 ? `${r.text.slice(0, 119)}…` : r.text}` : ''}`,
      ),
    ]
      .filter((l) => l !== null)
      .join('\n'),
  noSuchTask: (id: number) => `Không có nhiệm vụ số ${id} (hoặc nhiệm vụ đã hủy).`,
  notYourTask: (id: number) => `Nhiệm vụ số ${id} không giao cho đơn vị này.`,
  noOpenTask: () => 'Đơn vị hiện không có nhiệm vụ nào đang thực hiện.',
  choiceInvalid: (n: number) => `Vui lòng trả lời một số từ 1 đến ${n}.`,
  whichTask: (views: TaskView[], tz: string) =>
    `Đơn vị đang chủ trì ${views.length} nhiệm vụ:\n${views.map((v, i) => `${i + 1}. #${v.id} ${v.title} — ${dueLine(v, tz)}`).join('\n')}\nCập nhật vừa gửi là của nhiệm vụ nào? Trả lời số thứ tự (ví dụ: 1).`,
};

// ---------------------------------------------------------------------------------------------
// Organizer exports (status workbook, files zip, Báo cáo tổng hợp)

export const REPORT_STATUS_LABEL: Record<UnitReportStatus, string> = {
  submitted: 'Hoàn thành đúng hạn',
  late: 'Hoàn thành quá hạn',
  pending: 'Đang thực hiện trong hạn (chưa báo cáo)',
  overdue: 'Quá hạn (chưa báo cáo)',
  excused: 'Được miễn báo cáo',
};

const lowerFirst = (s: string) => s.charAt(0).toLocaleLowerCase('vi') + s.slice(1);
const excerpt = (s: string, n: number) => {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > n ? `${t.slice(0, n - 1)}…` : t;
};
const mb = (bytes: number) =>
  `${(bytes / 1024 / 1024).toLocaleString('vi-VN', { maximumFractionDigits: 1 })} MB`;

function countLines<S extends string>(
  statuses: S[],
  labels: Record<S, string>,
  total: string,
): string[] {
  const counts = new Map<S, number>();
  for (const s of statuses) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [
    `${total}: ${statuses.length}`,
    ...(Object.keys(labels) as S[]).map((s) => `${labels[s]}: ${counts.get(s) ?? 0}`),
  ];
}

function reportSubject(title: string, period: string | null): string {
  const base = /^báo cáo\s+/iu.test(title) ? title.replace(/^báo cáo\s+/iu, '') : lowerFirst(title);
  return `Tổng hợp ${base}${period ? ` (${period})` : ''}`;
}

const SUMMARY_LABELS = {
  motto1: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
  motto2: 'Độc lập - Tự do - Hạnh phúc',
  kind: 'BÁO CÁO',
  recipientsLabel: 'Nơi nhận:',
  signHint: '(Ký, ghi rõ họ tên, đóng dấu)',
  annexLabel: 'Phụ lục',
};

const SIGNER = 'THỦ TRƯỞNG CƠ QUAN';
/** Left for the organizer to write, in both summary reports. */
const PROPOSALS = { heading: 'IV. ĐỀ XUẤT, KIẾN NGHỊ', paragraphs: ['……………………………………………………………'] };
/** The annex names the report it belongs to, whose number is given when it is signed. */
const annexSubtitle = (year: number) =>
  `(Kèm theo Báo cáo số      /BC-… ngày … tháng … năm ${year})`;

const sameBody = (a: string | null | undefined, b: string | null | undefined) =>
  !!a &&
  !!b &&
  a.toLocaleLowerCase('vi').normalize('NFC') === b.toLocaleLowerCase('vi').normalize('NFC');

/** The body above the report's issuer, and whom the report goes to: the plan's issuer when it is another body. */
function addressing(issuer: string | null, planIssuer: string | null | undefined) {
  const other = planIssuer && !sameBody(issuer, planIssuer) ? planIssuer : null;
  return {
    parentBody: issuer ? other : null,
    recipients: [other ? `${other} (báo cáo);` : '……………… (báo cáo);', 'Lưu: VT.'],
  };
}

interface ReportUnitRow {
  name: string;
  status: UnitReportStatus;
  submittedAt: Date | null;
  text: string | null;
  files: unknown[];
  extendedUntil: Date | null;
  daysLate: number;
  documentNumber: string | null;
  documentDate: string | null;
}

function documentRef(u: Pick<ReportUnitRow, 'documentNumber' | 'documentDate'>): string {
  const date = u.documentDate
    ? (() => {
        const [y, m, d] = u.documentDate.split('-').map(Number);
        return `ngày ${d}/${m}/${y}`;
      })()
    : '';
  return [u.documentNumber ? `số ${u.documentNumber}` : '', date].filter(Boolean).join(' ');
}

function unitResultParagraph(u: ReportUnitRow, i: number, tz: string): string {
  const when = u.submittedAt ? `báo cáo lúc ${formatDateTime(u.submittedAt, tz)}` : '';
  const doc = documentRef(u);
  const late = u.status === 'late' ? ' (quá hạn)' : '';
  const content = u.text ? ` Nội dung: ${excerpt(u.text, 600)}` : '';
  const files = u.files.length ? ` (kèm ${u.files.length} tệp)` : '';
  return `${i}. ${u.name}: ${when}${late}${doc ? `, văn bản ${doc}` : ''}${files}.${content}`;
}

export const xp = {
  noPlan: (id: number) => `Không có kế hoạch số ${id}.`,
  noCampaign: (id: number) => `Không có yêu cầu báo cáo số ${id}.`,
  reportStatus: REPORT_STATUS_LABEL,
  taskStatus: TASK_STATUS_LABEL,
  excerpt,
  reportColumns: [
    { header: 'STT', width: 6, center: true },
    { header: 'Đơn vị', width: 36 },
    { header: 'Nhóm', width: 22 },
    { header: 'Tình trạng', width: 24 },
    { header: 'Thời điểm gửi', width: 18, center: true },
    { header: 'Số văn bản', width: 18, center: true },
    { header: 'Ngày văn bản', width: 13, center: true },
    { header: 'Số tệp', width: 8, center: true },
    { header: 'Ghi chú', width: 40 },
  ],
  taskColumns: [
    { header: 'STT', width: 6, center: true },
    { header: 'Nhiệm vụ', width: 48 },
    { header: 'Đơn vị chủ trì', width: 28 },
    { header: 'Đơn vị phối hợp', width: 28 },
    { header: 'Thời hạn', width: 22 },
    { header: 'Tình trạng', width: 22 },
    { header: 'Tiến độ', width: 9, center: true },
    { header: 'Báo cáo gần nhất', width: 18, center: true },
    { header: 'Số văn bản', width: 16, center: true },
    { header: 'Nội dung báo cáo', width: 44 },
  ],
  campaignSheetName: (id: number, title: string) => `BC${id} ${title}`,
  campaignSheetTitle: (title: string, period: string | null) =>
    `Tình hình báo cáo: ${title}${period ? ` (${period})` : ''}`,
  tasksSheetName: 'Nhiệm vụ',
  tasksSheetTitle: (title: string | null) =>
    `Tình hình thực hiện nhiệm vụ${title ? ` — Kế hoạch ${lowerFirst(title)}` : ''}`,
  deadlineLine: (d: Date, tz: string) => `Hạn báo cáo: ${formatDeadline(d, tz)}`,
  asOf: (now: Date, tz: string) => `Số liệu đến ${formatDateTime(now, tz)}`,
  reportCounts: (statuses: UnitReportStatus[]) =>
    countLines(statuses, REPORT_STATUS_LABEL, 'Tổng số đơn vị phải báo cáo'),
  taskCounts: (statuses: TaskStatus[]) =>
    countLines(statuses, TASK_STATUS_LABEL, 'Tổng số nhiệm vụ'),
  reportNote: (u: ReportUnitRow & { category: string | null }, tz: string) => {
    const notes: string[] = [];
    if (u.extendedUntil) notes.push(`Gia hạn đến ${formatDeadline(u.extendedUntil, tz)}`);
    if (u.status === 'overdue') notes.push(`Quá hạn ${u.daysLate} ngày`);
    if (u.text) notes.push(excerpt(u.text, 200));
    return notes.join('. ') || null;
  },
  taskDue: (t: TaskView, tz: string) =>
    t.standing
      ? `Thường xuyên${t.dueText ? ` (${t.dueText})` : ''}`
      : t.due
        ? `${formatDeadline(t.due, tz)}${t.dueText ? ` (${t.dueText})` : ''}`
        : (t.dueText ?? 'Không nêu'),
  unnamedFile: (i: number) => `tep-${i}`,
  campaignFolder: (id: number, title: string, period: string | null) =>
    `BC${id} - ${excerpt(title, 50)}${period ? ` (${period})` : ''}`,
  taskFolder: (id: number, title: string) => `NV${id} - ${excerpt(title, 50)}`,
  zipNote: (
    title: string,
    included: number,
    missing: Array<{
      folder: string;
      stt: number;
      unit: string;
      name: string;
      state: string;
      size: number | null;
    }>,
    limit: number,
    now: Date,
    tz: string,
  ) => {
    const why = (m: { state: string; size: number | null }) =>
      m.state === 'too_large'
        ? `quá giới hạn lưu trữ ${mb(limit)}${m.size ? ` (tệp ${mb(m.size)})` : ''}; đề nghị đơn vị gửi lại qua thư điện tử`
        : m.state === 'pending'
          ? 'đang tải về từ nền tảng chat, xuất lại sau ít phút'
          : m.state === 'unavailable'
            ? 'nền tảng không cho tải tệp này'
            : 'tải về không thành công';
    return [
      `DANH SÁCH TỆP: ${title}`,
      `Xuất lúc ${formatDateTime(now, tz)}.`,
      `Tệp được đặt tên theo mẫu <STT>_<đơn vị>_<tên tệp gốc>; STT là số thứ tự của đơn vị trong bảng tình hình báo cáo.`,
      `Giới hạn lưu trữ mỗi tệp: ${mb(limit)} (biến FILE_STORE_MAX_BYTES); Telegram chỉ cho bot tải tệp đến 20 MB.`,
      '',
      `Số tệp trong gói: ${included}.`,
      missing.length ? `Tệp KHÔNG có trong gói (${missing.length}):` : 'Không có tệp nào bị thiếu.',
      ...missing.map(
        (m) =>
          `- ${m.folder ? `${m.folder} / ` : ''}${String(m.stt).padStart(2, '0')} ${m.unit}: ${m.name} — ${why(m)}`,
      ),
    ].join('\n');
  },

  campaignReport: (
    d: {
      campaign: {
        title: string;
        period_label: string | null;
        deadline: Date;
        source_plan: string | null;
      };
      units: Array<ReportUnitRow & { category: string | null }>;
    },
    doc: { issuer: string | null; place: string | null } | null,
    issuer: string | null,
    date: { day: number; month: number; year: number },
    tz: string,
  ): SummaryReportInput => {
    const c = d.campaign;
    const done = d.units.filter((u) => u.status === 'submitted' || u.status === 'late');
    const late = d.units.filter((u) => u.status === 'late');
    const missing = d.units.filter((u) => u.status === 'overdue' || u.status === 'pending');
    const counts = xp.reportCounts(d.units.map((u) => u.status));
    const to = addressing(issuer, doc?.issuer);
    return {
      parentBody: to.parentBody,
      issuer,
      symbol: null,
      place: doc?.place ?? null,
      date,
      subject: reportSubject(c.title, c.period_label),
      intro: [
        `${c.source_plan ? `Thực hiện ${c.source_plan}` : `Thực hiện yêu cầu báo cáo “${c.title}”`} (hạn ${formatDeadline(c.deadline, tz)}), ${issuer ?? '…'} tổng hợp tình hình báo cáo của các đơn vị như sau:`,
      ],
      sections: [
        { heading: 'I. TÌNH HÌNH CHUNG', paragraphs: [`${counts.join('; ')}.`] },
        {
          heading: 'II. KẾT QUẢ BÁO CÁO CỦA CÁC ĐƠN VỊ',
          paragraphs: done.length
            ? done.map((u, i) => unitResultParagraph(u, i + 1, tz))
            : ['Chưa có đơn vị nào gửi báo cáo.'],
        },
        {
          heading: 'III. ĐƠN VỊ BÁO CÁO CHẬM, CHƯA BÁO CÁO',
          paragraphs: [
            late.length
              ? `Đơn vị báo cáo quá hạn (${late.length}): ${late.map((u) => u.name).join('; ')}.`
              : 'Không có đơn vị báo cáo quá hạn.',
            missing.length
              ? `Đơn vị chưa báo cáo (${missing.length}): ${missing.map((u) => `${u.name}${u.status === 'overdue' ? ` (quá hạn ${u.daysLate} ngày)` : ''}`).join('; ')}.`
              : 'Tất cả đơn vị đã báo cáo hoặc được miễn.',
          ],
        },
        PROPOSALS,
      ],
      recipients: to.recipients,
      signerTitle: SIGNER,
      labels: SUMMARY_LABELS,
      annex: {
        title: 'TỔNG HỢP TÌNH HÌNH BÁO CÁO CỦA CÁC ĐƠN VỊ',
        subtitle: annexSubtitle(date.year),
        columns: [
          { header: 'STT', width: 6 },
          { header: 'Đơn vị', width: 34 },
          { header: 'Tình trạng', width: 22 },
          { header: 'Thời điểm gửi', width: 16 },
          { header: 'Số, ngày văn bản', width: 20 },
          { header: 'Ghi chú', width: 20 },
        ],
        rows: d.units.map((u, i) => [
          String(i + 1),
          u.name,
          REPORT_STATUS_LABEL[u.status],
          u.submittedAt ? formatDateTime(u.submittedAt, tz) : '',
          documentRef(u),
          u.status === 'overdue'
            ? `Quá hạn ${u.daysLate} ngày`
            : u.files.length
              ? `${u.files.length} tệp`
              : '',
        ]),
      },
    };
  },

  planReport: (
    content: PlanContent,
    tasks: TaskView[],
    lastReports: Map<number, { at: Date; text: string | null; documentNumber: string | null }>,
    campaigns: Array<{
      campaign: { title: string; period_label: string | null };
      units: Array<ReportUnitRow>;
    }>,
    issuer: string | null,
    date: { day: number; month: number; year: number },
    tz: string,
  ): SummaryReportInput => {
    const doc = content.document;
    const planRef = `Kế hoạch${doc.number ? ` số ${doc.number}` : ''}${doc.title ? ` ${lowerFirst(doc.title)}` : ''}${doc.issuer ? ` của ${doc.issuer}` : ''}`;
    const counts = xp.taskCounts(tasks.map((t) => t.status));
    const overdue = tasks.filter((t) => t.status === 'overdue');
    const lateDone = tasks.filter((t) => t.status === 'done_late');
    const to = addressing(issuer, doc.issuer);
    return {
      parentBody: to.parentBody,
      issuer,
      symbol: null,
      place: doc.place,
      date,
      subject: `Kết quả thực hiện ${planRef.replace(/ của .*$/u, '')}`,
      intro: [`Thực hiện ${planRef}, ${issuer ?? '…'} báo cáo kết quả thực hiện như sau:`],
      sections: [
        {
          heading: 'I. TÌNH HÌNH CHUNG',
          paragraphs: [
            `${counts.join('; ')}.`,
            ...campaigns.map(
              (c) =>
                `${c.campaign.title}${c.campaign.period_label ? ` (${c.campaign.period_label})` : ''}: ${xp.reportCounts(c.units.map((u) => u.status)).join('; ')}.`,
            ),
          ],
        },
        {
          heading: 'II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ',
          paragraphs: tasks.length
            ? tasks.map((t, i) => {
                const last = lastReports.get(t.id);
                return `${i + 1}. ${t.title} (chủ trì: ${names(t.lead)}): ${TASK_STATUS_LABEL[t.status]}${t.progress !== null && !t.completedAt ? `, đạt ${t.progress}%` : ''}.${last?.text ? ` Kết quả: ${excerpt(last.text, 400)}` : ''}`;
              })
            : ['Kế hoạch không có nhiệm vụ được theo dõi.'],
        },
        {
          heading: 'III. NHIỆM VỤ CHẬM TIẾN ĐỘ, ĐƠN VỊ CHƯA BÁO CÁO',
          paragraphs: [
            overdue.length
              ? `Nhiệm vụ quá hạn chưa hoàn thành (${overdue.length}): ${overdue.map((t) => `${t.title} (${names(t.lead)})`).join('; ')}.`
              : 'Không có nhiệm vụ quá hạn chưa hoàn thành.',
            ...(lateDone.length
              ? [
                  `Nhiệm vụ hoàn thành quá hạn (${lateDone.length}): ${lateDone.map((t) => `${t.title} (${names(t.lead)})`).join('; ')}.`,
                ]
              : []),
            ...campaigns.map((c) => {
              const missing = c.units.filter(
                (u) => u.status === 'overdue' || u.status === 'pending',
              );
              const late = c.units.filter((u) => u.status === 'late');
              return `${c.campaign.title}: ${late.length ? `báo cáo quá hạn: ${late.map((u) => u.name).join('; ')}; ` : ''}${missing.length ? `chưa báo cáo: ${missing.map((u) => u.name).join('; ')}` : 'tất cả đơn vị đã báo cáo'}.`;
            }),
          ],
        },
        PROPOSALS,
      ],
      recipients: to.recipients,
      signerTitle: SIGNER,
      labels: SUMMARY_LABELS,
      annex: {
        title: 'TỔNG HỢP TÌNH HÌNH THỰC HIỆN NHIỆM VỤ',
        subtitle: annexSubtitle(date.year),
        columns: [
          { header: 'STT', width: 6 },
          { header: 'Nhiệm vụ', width: 34 },
          { header: 'Đơn vị chủ trì', width: 20 },
          { header: 'Thời hạn', width: 16 },
          { header: 'Tình trạng', width: 16 },
          { header: 'Báo cáo gần nhất', width: 16 },
        ],
        rows: tasks.map((t, i) => {
          const last = lastReports.get(t.id);
          return [
            String(i + 1),
            t.title,
            names(t.lead),
            xp.taskDue(t, tz),
            TASK_STATUS_LABEL[t.status],
            last
              ? `${formatDateTime(last.at, tz)}${last.documentNumber ? `, số ${last.documentNumber}` : ''}`
              : '',
          ];
        }),
      },
    };
  },
};

// ---------------------------------------------------------------------------------------------
// Plan import and exports in the organizer chat

const FORMAT_NAME: Record<'xlsx' | 'zip' | 'docx', string> = {
  xlsx: 'bảng tình hình thực hiện (Excel)',
  zip: 'gói tệp các đơn vị đã gửi (.zip)',
  docx: 'dự thảo Báo cáo tổng hợp (Word)',
};

export const pm = {
  reading: (fileName: string) =>
    `📥 Đang đọc kế hoạch${fileName ? ` “${fileName}”` : ''}… Bot sẽ trả lời kết quả trong ít phút.`,
  fileTooLarge: (fileName: string) =>
    `Tệp${fileName ? ` “${fileName}”` : ''} quá lớn để đọc (tối đa 20 MB).`,
  downloadFailed: (fileName: string) =>
    `Không tải được tệp${fileName ? ` “${fileName}”` : ''} từ nền tảng chat. Vui lòng gửi lại, hoặc tải lên ở trang quản trị (mục Kế hoạch).`,
  imported: (
    d: {
      document: PlanContent['document'];
      units: PlanContent['units'];
      events: PlanContent['events'];
      requirements: PlanContent['requirements'];
      tasks: PlanContent['tasks'];
      warnings: string[];
    },
    url: string,
  ) => {
    const matched = d.units.filter((u) => u.existingCode).length;
    const lines = [
      `📄 Đã đọc kế hoạch${d.document.number ? ` số ${d.document.number}` : ''}${d.document.title ? `: ${d.document.title}` : ''}`,
      `• ${d.tasks.length} nhiệm vụ (${d.tasks.filter((t) => t.due).length} có thời hạn, ${d.tasks.filter((t) => t.standing).length} thường xuyên/định kỳ)`,
      `• ${d.requirements.length} yêu cầu báo cáo${d.requirements.length ? ` (${d.requirements.filter((r) => r.recurrence).length} định kỳ)` : ''}`,
      `• ${d.events.length} sự kiện`,
      `• ${d.units.length} đơn vị (${matched} đơn vị đã có trong danh sách)`,
    ];
    if (d.warnings.length) {
      lines.push('', `⚠️ Cần xem lại (${d.warnings.length}):`);
      for (const w of d.warnings.slice(0, 6)) lines.push(`- ${excerpt(w, 300)}`);
      if (d.warnings.length > 6) lines.push(`- … và ${d.warnings.length - 6} lưu ý khác.`);
    }
    lines.push('', `Chưa có gì được gửi tới các đơn vị. Xem lại, sửa và áp dụng tại: ${url}`);
    return lines.join('\n');
  },
  kehoachHelp: () =>
    'Gửi tệp kế hoạch (.docx, .pdf có lớp chữ, .txt) vào nhóm này, hoặc dán toàn văn kế hoạch sau lệnh /kehoach. Bot đọc thành bản nháp (nhiệm vụ, hạn báo cáo, sự kiện, đơn vị) để Ban tổ chức xem lại trước khi áp dụng.',
  notAPlanText: () =>
    'Nội dung dán vào chưa phải là một kế hoạch (cần có tiêu đề “KẾ HOẠCH”). Bot không trích xuất gì.',
  whichExport: (
    command: string,
    choices: {
      campaigns: Array<{ id: number; title: string; period: string | null }>;
      plans: Array<{ id: number; title: string | null }>;
    },
  ) => {
    if (!choices.campaigns.length && !choices.plans.length)
      return 'Chưa có yêu cầu báo cáo hay kế hoạch nào để xuất.';
    const lines = [
      `Vui lòng chọn nội dung cần xuất, ví dụ: /${command} #${choices.campaigns[0]?.id ?? 1} hoặc /${command} kh ${choices.plans[0]?.id ?? 1}`,
    ];
    if (choices.campaigns.length) {
      lines.push('', 'Yêu cầu báo cáo:');
      for (const c of choices.campaigns)
        lines.push(`#${c.id} ${c.title}${c.period ? ` (${c.period})` : ''}`);
    }
    if (choices.plans.length) {
      lines.push('', 'Kế hoạch đã áp dụng:');
      for (const p of choices.plans) lines.push(`kh ${p.id} ${p.title ?? ''}`);
    }
    return lines.join('\n');
  },
  exportCaption: (
    format: 'xlsx' | 'zip' | 'docx',
    target: { kind: 'campaign' | 'plan'; id: number },
  ) =>
    `📎 ${capitalizeVi(FORMAT_NAME[format])} — ${target.kind === 'campaign' ? `yêu cầu báo cáo #${target.id}` : `kế hoạch ${target.id}`}`,
  exportLink: (format: 'xlsx' | 'zip' | 'docx', url: string) =>
    `📎 Tải ${FORMAT_NAME[format]} tại: ${url}\n(liên kết dùng được 7 ngày, không cần đăng nhập; xin đừng chuyển cho người ngoài)`,
};

function capitalizeVi(s: string): string {
  return s.charAt(0).toLocaleUpperCase('vi') + s.slice(1);
}

// ---------------------------------------------------------------------------------------------
// Dashboard: plans (review before applying) and tasks

export const pd = {
  nav: { plans: 'Kế hoạch', tasks: 'Nhiệm vụ' },
  plans: {
    title: 'Kế hoạch',
    heading: 'Nhập kế hoạch',
    intro:
      'Tải lên tệp kế hoạch (.docx, .pdf có lớp chữ, .txt) hoặc dán toàn văn. Bot đọc thành bản nháp: nhiệm vụ, yêu cầu báo cáo, sự kiện và đơn vị, mỗi mục kèm câu gốc. Chưa có gì được gửi cho đến khi Ban tổ chức xem lại và bấm Áp dụng.',
    file: 'Tệp kế hoạch',
    fileHelp: '.docx, .pdf (có lớp chữ, không phải bản quét), .txt, .md — tối đa 10 MB.',
    text: 'Hoặc dán toàn văn kế hoạch',
    submit: 'Đọc kế hoạch',
    needInput: 'Vui lòng chọn tệp hoặc dán nội dung kế hoạch.',
    list: 'Các kế hoạch đã nhập',
    empty: 'Chưa có kế hoạch nào.',
    colPlan: 'Kế hoạch',
    colItems: 'Nội dung đọc được',
    colStatus: 'Trạng thái',
    colCreated: 'Nhập lúc',
    counts: (c: { tasks: number; requirements: number; events: number; units: number }) =>
      `${c.tasks} nhiệm vụ, ${c.requirements} yêu cầu báo cáo, ${c.events} sự kiện, ${c.units} đơn vị`,
    status: { draft: 'Bản nháp', applied: 'Đã áp dụng' } as Record<string, string>,
    untitled: '(chưa đọc được tên)',
  },
  review: {
    back: 'Các kế hoạch',
    number: 'Số',
    issuer: 'Cơ quan ban hành',
    issuedOn: 'Ngày ban hành',
    place: 'Địa danh',
    source: 'Nguồn',
    none: '—',
    warnings: 'Cần xem lại',
    noWarnings: 'Không có lưu ý nào.',
    sourceLabel: 'Câu gốc trong kế hoạch',
    tasks: 'Nhiệm vụ',
    requirements: 'Yêu cầu báo cáo',
    events: 'Sự kiện',
    units: 'Đơn vị',
    noItems: 'Không có mục nào.',
    fTitle: 'Nội dung',
    fLead: 'Đơn vị chủ trì (mỗi dòng một đơn vị)',
    fSupport: 'Đơn vị phối hợp (mỗi dòng một đơn vị)',
    fUnits: 'Đơn vị (mỗi dòng một đơn vị)',
    fDue: 'Hạn (trước ngày)',
    fDueHelp: 'Để trống nếu không có hạn. “Trước ngày 10/11” nghĩa là hạn chót 23h59 ngày 9/11.',
    fDueText: 'Thời gian theo kế hoạch',
    fStanding: 'Thường xuyên (không có hạn, bot hỏi tiến độ định kỳ)',
    fDeadline: 'Hạn báo cáo (trước ngày)',
    fRecurrence: 'Định kỳ',
    recNone: 'Không định kỳ (một lần)',
    recKinds: {
      yearly: 'Hằng năm',
      'half-yearly': '6 tháng',
      quarterly: 'Hằng quý',
      monthly: 'Hằng tháng',
    } as Record<string, string>,
    fStartsAt: 'Bắt đầu',
    fVenue: 'Địa điểm',
    fRegistration: 'Hạn đăng ký',
    fName: 'Tên đơn vị',
    fCode: 'Mã đơn vị đã có (để trống: tạo mới)',
    agenda: (n: number) => `Chương trình: ${n} mục`,
    invited: (n: number) => `${n} đơn vị được mời`,
    collective: 'Tên chung nhiều đơn vị',
    matched: (code: string) => `Khớp đơn vị đã có: ${code}`,
    isNew: 'Đơn vị mới',
    save: 'Lưu',
    drop: 'Bỏ mục này',
    dropConfirm: 'Bỏ mục này khỏi bản nháp?',
    applied: 'Đã áp dụng',
    appliedNote:
      'Mục đã áp dụng: sửa ở đây không thay đổi những gì đã tạo; mục mới thêm sẽ được tạo khi áp dụng lại.',
    apply: 'Áp dụng kế hoạch',
    applyHelp:
      'Tạo đơn vị, sự kiện, yêu cầu báo cáo và nhiệm vụ; gửi thư mời, yêu cầu báo cáo và giao nhiệm vụ tới nhóm của các đơn vị. Áp dụng lại không tạo trùng.',
    applyConfirm: (n: number) => `Áp dụng kế hoạch và gửi ${n} nhiệm vụ, yêu cầu tới các đơn vị?`,
    exports: 'Xuất báo cáo',
    exportXlsx: 'Bảng tình hình thực hiện (.xlsx)',
    exportZip: 'Tệp các đơn vị đã gửi (.zip)',
    exportDocx: 'Dự thảo Báo cáo tổng hợp (.docx)',
    skipped: (n: number) =>
      `${n} mục chưa tạo được (thiếu ngày, thiếu đơn vị hoặc hạn đã qua): xem lưu ý ở từng mục.`,
    skipReason: {
      no_units: 'chưa có đơn vị',
      no_date: 'chưa có ngày',
      in_past: 'thời gian đã qua',
      deadline_passed: 'hạn đã qua',
      no_lead: 'chưa có đơn vị chủ trì',
      rejected: 'không tạo được',
    } as Record<string, string>,
  },
  flash: {
    saved: () => 'Đã lưu thay đổi của bản nháp.',
    dropped: () => 'Đã bỏ mục khỏi bản nháp.',
    applied: (n?: number) =>
      n
        ? `Đã áp dụng: tạo ${n} mục và gửi tới các nhóm.`
        : 'Không có mục mới nào để tạo (đã áp dụng trước đó).',
  } as Record<string, (n?: number) => string>,
  tasks: {
    title: 'Nhiệm vụ',
    heading: 'Nhiệm vụ được giao',
    empty: 'Chưa có nhiệm vụ nào. Nhập và áp dụng một kế hoạch để giao nhiệm vụ.',
    all: 'Tất cả',
    filter: 'Lọc theo tình trạng',
    colTask: 'Nhiệm vụ',
    colLead: 'Chủ trì',
    colDue: 'Thời hạn',
    colStatus: 'Tình trạng',
    colProgress: 'Tiến độ',
    colLast: 'Cập nhật gần nhất',
    support: 'Phối hợp',
    plan: 'Thuộc kế hoạch',
    reports: 'Các lần cập nhật',
    noReports: 'Chưa có cập nhật nào từ đơn vị.',
    files: (n: number) => `${n} tệp`,
    done: 'hoàn thành',
  },
};
