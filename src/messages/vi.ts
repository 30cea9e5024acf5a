/**
 * Every text a user reads, in one place, as typed functions. Adapters and use cases import
 * from here; nothing else holds Vietnamese sentences.
 */

export const COMMANDS: Array<{ command: string; description: string }> = [
  { command: 'huongdan', description: 'Hướng dẫn sử dụng' },
  { command: 'lienket', description: 'Liên kết nhóm với đơn vị: /lienket <mã>' },
  { command: 'dangky', description: 'Đăng ký người tham dự (gửi lại là thay danh sách)' },
  { command: 'them', description: 'Bổ sung người tham dự' },
  { command: 'huy', description: 'Bỏ một người: /huy <họ tên>; rút cả đăng ký: /huy' },
  { command: 'danhsach', description: 'Xem đăng ký của đơn vị' },
  { command: 'lich', description: 'Chương trình các sự kiện sắp tới' },
  { command: 'baocao', description: 'Báo đã gửi báo cáo: /baocao <số, ngày văn bản>' },
  { command: 'trangthai', description: 'Những báo cáo đơn vị còn phải nộp' },
  { command: 'nhiemvu', description: 'Nhiệm vụ của đơn vị / tổng hợp nhiệm vụ' },
  { command: 'tonghop', description: 'Tổng hợp (Ban tổ chức, hoặc đơn vị có đơn vị cấp dưới)' },
  { command: 'thongbao', description: 'Gửi thông báo tới các đơn vị (Ban tổ chức)' },
  { command: 'nhacnho', description: 'Đôn đốc ngay các đơn vị chưa thực hiện (Ban tổ chức)' },
  { command: 'giahan', description: 'Gia hạn báo cáo cho một đơn vị (Ban tổ chức)' },
  { command: 'mien', description: 'Miễn báo cáo cho một đơn vị (Ban tổ chức)' },
  { command: 'xuat', description: 'Xuất danh sách đăng ký ra Excel (Ban tổ chức)' },
  { command: 'xuatbaocao', description: 'Bảng tình hình báo cáo .xlsx (Ban tổ chức)' },
  { command: 'xuattep', description: 'Gói tệp đơn vị đã gửi .zip (Ban tổ chức)' },
  { command: 'xuattonghop', description: 'Dự thảo Báo cáo tổng hợp .docx (Ban tổ chức)' },
  { command: 'kehoach', description: 'Đọc kế hoạch dán vào thành bản nháp (Ban tổ chức)' },
  { command: 'huylienket', description: 'Hủy liên kết nhóm chat của một đơn vị (Ban tổ chức)' },
  { command: 'dashboard', description: 'Nhận liên kết đăng nhập trang quản trị (nhắn riêng)' },
];

export const t = {
  /** Every command the role has, with what it does: units, parent units, organizers. */
  help: (role: 'unit' | 'organizer' | null, unitName?: string, hasChildren = false) => {
    const common = [
      '📘 Hướng dẫn sử dụng bot Điều phối',
      '',
      role === 'unit'
        ? `Nhóm này đang liên kết với: ${unitName}`
        : role === 'organizer'
          ? 'Nhóm này là nhóm của Ban tổ chức.'
          : 'Nhóm này chưa liên kết với đơn vị nào. Gửi /lienket <mã> (mã do Ban tổ chức cung cấp).',
      '',
    ];
    const unit = [
      'Đăng ký tham dự:',
      '• Trả lời (reply) thư mời, nhắc tên bot, hoặc /dangky, kèm danh sách — mỗi người một dòng: Họ tên - Chức vụ - SĐT. Gửi lại danh sách là thay thế.',
      '• Bổ sung: "bổ sung: <họ tên - chức vụ>" hoặc /them <danh sách>',
      '• /huy <họ tên> — bỏ một người; /huy — rút cả đăng ký (bot hỏi lại trước khi rút)',
      '• Không cử người: trả lời "Không cử người tham dự" (có thể ghi lý do, ví dụ "do trùng lịch")',
      '• /danhsach — xem đăng ký đã ghi nhận; /lich — chương trình sự kiện',
      '',
      'Báo cáo:',
      '• Khi đã gửi: trả lời tin nhắc, hoặc nhắn rõ "Đã gửi báo cáo … số 45/BC-UBND ngày …", hoặc /baocao kèm số, ngày văn bản (có thể kèm tệp). Gửi nhầm: "gửi lại" kèm tệp đúng.',
      '• /trangthai — những báo cáo còn phải nộp và hạn',
      '• /nhiemvu — nhiệm vụ của đơn vị; cập nhật bằng cách trả lời tin giao nhiệm vụ hoặc "đã hoàn thành nhiệm vụ 3", "nhiệm vụ 3 đạt 70%"',
    ];
    const parent = [
      '',
      'Thay mặt đơn vị cấp dưới (chưa có nhóm):',
      '• Đăng ký: ghi tên đơn vị trước danh sách, ví dụ "Xã Tân Phú:" rồi mỗi người một dòng; báo vắng: "Xã Tân Phú: không cử người"',
      '• Báo cáo: "Các xã Tân Phú, Tân Thành đã gửi báo cáo" hoặc /baocao xã Tân Phú số 12/BC-UBND',
      '• /huy xã Tân Phú — rút đăng ký của xã; /tonghop — tình hình các đơn vị cấp dưới',
    ];
    const organizer = [
      'Dành cho Ban tổ chức:',
      '• /tonghop — số liệu đăng ký và báo cáo; /tonghop <nhóm> — danh sách đủ của một nhóm đơn vị hoặc một huyện',
      '• /thongbao <nội dung> — gửi thông báo tới mọi đơn vị, có bước xem trước; chọn đối tượng ở đầu: "chưa đăng ký:", "chưa báo cáo:", "nhóm <tên nhóm>:"; "khẩn:" cho tin khẩn',
      '• /nhacnho — đôn đốc ngay đơn vị quá hạn báo cáo và nhắc đơn vị chưa đăng ký',
      '• /giahan [#số] <đơn vị> <ngày> — gia hạn báo cáo; /mien [#số] <đơn vị> [lý do] — miễn báo cáo',
      '• /xuat [số sự kiện] — danh sách đăng ký (Excel)',
      '• /xuatbaocao, /xuattep, /xuattonghop [#số | kh <số>] — bảng tình hình (.xlsx), tệp đơn vị đã gửi (.zip), dự thảo Báo cáo tổng hợp (.docx)',
      '• /kehoach <toàn văn> hoặc gửi tệp kế hoạch (.docx, .pdf) — bot đọc thành bản nháp để duyệt trên trang quản trị',
      '• /nhiemvu [số] — tổng hợp nhiệm vụ theo tình trạng, hoặc chi tiết một nhiệm vụ',
      '• /huylienket <đơn vị> — hủy liên kết các nhóm chat của một đơn vị',
      '• /dashboard — nhắn riêng cho bot để nhận liên kết đăng nhập trang quản trị',
    ];
    const linkHint = ['Liên kết nhóm: /lienket <mã> (mã do Ban tổ chức cung cấp).'];
    if (role === 'organizer') return [...common, ...organizer].join('\n');
    if (role === 'unit') return [...common, ...unit, ...(hasChildren ? parent : [])].join('\n');
    return [...common, ...linkHint].join('\n');
  },

  linkedUnit: (unitName: string) =>
    `✅ Đã liên kết nhóm này với đơn vị: ${unitName}.\nTừ nay bot sẽ gửi thư mời, nhắc lịch và đôn đốc báo cáo của đơn vị vào nhóm này. Gửi /huongdan để xem cách dùng.`,
  linkedOrganizer: () =>
    '✅ Đã liên kết nhóm này làm nhóm Ban tổ chức. Gửi /huongdan để xem các lệnh dành cho Ban tổ chức.',
  alreadyLinked: (unitName: string) => `Nhóm này đã liên kết với ${unitName} từ trước.`,
  relinked: (oldName: string, unitName: string) =>
    `✅ Đã chuyển liên kết của nhóm từ ${oldName} sang ${unitName}.`,
  linkMissingCode: () =>
    'Vui lòng gửi kèm mã liên kết, ví dụ: /lienket abcd2345efgh6789 (mã do Ban tổ chức cung cấp).',
  linkBadCode: () =>
    'Mã liên kết không đúng. Vui lòng kiểm tra lại mã do Ban tổ chức cung cấp (chú ý không có khoảng trắng).',
  linkRateLimited: (minutes: number) =>
    `Nhóm đã nhập sai mã quá nhiều lần. Vui lòng thử lại sau ${minutes} phút.`,
  linkPrivateChat: () =>
    'Lệnh /lienket dùng trong nhóm của đơn vị. Hãy thêm bot vào nhóm rồi gửi lệnh tại đó.',
  startPrivate: () =>
    'Xin chào! Đây là bot Điều phối. Hãy thêm bot vào nhóm của đơn vị và gửi /lienket <mã>. Gửi /huongdan để xem hướng dẫn.',
  backInGroup: () =>
    'Bot đã trở lại nhóm; liên kết cũ của nhóm vẫn giữ nguyên. Gửi /huongdan để xem cách dùng.',
  welcomeGroup: () =>
    'Xin chào! Để bot phục vụ nhóm, vui lòng gửi /lienket <mã> (mã do Ban tổ chức cung cấp).',

  notLinked: () =>
    'Nhóm này chưa liên kết với đơn vị nào. Vui lòng gửi /lienket <mã> (mã do Ban tổ chức cung cấp).',
  onlyUnitChat: () => 'Lệnh này chỉ dùng trong nhóm đã liên kết với một đơn vị.',
  onlyOrganizer: () => 'Xin lỗi, lệnh này chỉ dành cho nhóm của Ban tổ chức.',
  unknownCommand: (cmd: string) => `Bot chưa hiểu lệnh /${cmd}. Gửi /huongdan để xem các lệnh.`,
  buttonExpired: () =>
    'Nút này đã hết hiệu lực (yêu cầu đã được xử lý hoặc đã quá hạn). Vui lòng gửi lại lệnh nếu cần.',
  notUnderstood: () =>
    'Bot chưa hiểu tin nhắn này. Gửi /huongdan để xem các lệnh; để đăng ký tham dự, hãy trả lời đúng tin nhắn mời kèm danh sách.',
  redactedAfterSend: () => '[đã xoá nội dung bảo mật sau khi gửi]',
  internalError: () =>
    'Xin lỗi, bot gặp sự cố khi xử lý tin nhắn này. Vui lòng gửi lại sau ít phút; nếu vẫn lỗi, xin báo Ban tổ chức.',
};

import type { Attendee } from '../core/attendees/parse';
import type { AgendaItem, EventRow, RegistrationStatus } from '../db/schema';
import {
  localDateKey,
  formatDateKey,
  formatDateTime,
  formatDeadline,
  formatTime,
  formatTimeRange,
  formatWeekdayDate,
  partOfDay,
} from '../core/time/format';

const FIX_HOWTO =
  'Muốn sửa: gửi lại cả danh sách để thay thế; "bổ sung: <họ tên - chức vụ>" hoặc /them để thêm; /huy <họ tên> để bỏ một người; /huy để rút cả đăng ký; /danhsach để xem lại.';

const REPLY_FORMAT = [
  'Cách đăng ký: TRẢ LỜI (reply) tin nhắn này hoặc nhắc tên bot (@), hoặc gửi /dangky kèm danh sách, mỗi người một dòng:',
  'Họ tên - Chức vụ - Số điện thoại',
  'Ví dụ:',
  '1. Nguyễn Văn An - Phó Giám đốc - 0912345678',
  '2. Lê Thị Bình - Chuyên viên',
  'Nếu đơn vị không cử người, xin trả lời: "Không cử người tham dự" (có thể ghi lý do).',
].join('\n');

function attendeeLines(attendees: Attendee[]): string {
  return attendees
    .map(
      (a, i) =>
        `${i + 1}. ${a.name}${a.title ? ` – ${a.title}` : ''}${a.phone ? ` – ${a.phone}` : ''}`,
    )
    .join('\n');
}

function whenLine(e: Pick<EventRow, 'starts_at' | 'ends_at'>, tz: string): string {
  const start = e.starts_at;
  const end = e.ends_at;
  if (!end) return formatDateTime(start, tz);
  const sameDay = localDateKey(start, tz) === localDateKey(end, tz);
  return `${formatDateTime(start, tz)} ${sameDay ? `– ${formatTime(end, tz)}` : `đến ${formatDateTime(end, tz)}`}`;
}

/** The agenda laid out for a phone: one line per item, grouped by morning/afternoon. */
export function agendaText(items: AgendaItem[], tz: string): string {
  const lines: string[] = [];
  let part = '';
  for (const it of items) {
    const start = it.starts_at;
    const p = partOfDay(start, tz);
    if (p !== part) {
      part = p;
      lines.push(`\n${p.toUpperCase()}`);
    }
    const range = it.ends_at ? formatTimeRange(start, it.ends_at, tz) : formatTime(start, tz);
    lines.push(
      `• ${range}  ${it.is_break ? '☕ ' : ''}${it.title}${it.presenter ? `\n   (${it.presenter})` : ''}`,
    );
  }
  return lines.join('\n').trim();
}

export const ev = {
  invitation: (e: EventRow, tz: string) =>
    [
      `📣 THƯ MỜI: ${e.title}`,
      '',
      `🕖 Thời gian: ${whenLine(e, tz)}`,
      e.venue ? `📍 Địa điểm: ${e.venue}` : null,
      e.mode ? `🖥 Hình thức: ${e.mode}` : null,
      e.online_points ? `📡 Điểm cầu: ${e.online_points}` : null,
      e.quota_per_unit ? `👥 Số lượng: tối đa ${e.quota_per_unit} người/đơn vị` : null,
      `⏰ Hạn đăng ký: ${formatDeadline(e.registration_deadline, tz)}`,
      '',
      REPLY_FORMAT,
    ]
      .filter((l) => l !== null)
      .join('\n'),

  unreachable: (title: string, units: Array<{ code: string; name: string }>) =>
    units.length === 0
      ? `✅ Đã gửi thư mời "${title}" tới tất cả đơn vị được mời.`
      : `⚠️ Thư mời "${title}": ${units.length} đơn vị chưa liên kết nhóm nên chưa nhận được:\n${units.map((u) => `• ${u.name} (mã ${u.code})`).join('\n')}\nHãy gửi mã liên kết cho các đơn vị này.`,

  recorded: (r: {
    unitName: string;
    title: string;
    /** The whole list as it now stands. */
    attendees: Attendee[];
    /** Names added and removed by this message (empty on a first registration). */
    added: string[];
    removed: string[];
    first: boolean;
    late: boolean;
    /** "cử 02 đồng chí" when the list has another number of people. */
    statedCount?: number;
    /** Set when a parent's group registered for this unit. */
    onBehalf?: boolean;
  }) => {
    const head = r.first
      ? `✅ Đã ghi nhận ${r.attendees.length} người của ${r.unitName} tham dự "${r.title}"${r.onBehalf ? ' (đăng ký thay)' : ''}:`
      : r.added.length === 0 && r.removed.length === 0
        ? `✅ Danh sách của ${r.unitName} cho "${r.title}" không thay đổi (${r.attendees.length} người):`
        : `✅ Đã cập nhật đăng ký của ${r.unitName} cho "${r.title}"${r.onBehalf ? ' (đăng ký thay)' : ''}: ${[
            r.added.length ? `thêm ${r.added.join(', ')}` : '',
            r.removed.length ? `bỏ ${r.removed.join(', ')}` : '',
          ]
            .filter(Boolean)
            .join('; ')}.\nDanh sách hiện tại (${r.attendees.length} người):`;
    return [
      head,
      attendeeLines(r.attendees),
      r.statedCount !== undefined && r.statedCount !== r.attendees.length
        ? `\n⚠️ Tin nhắn ghi cử ${r.statedCount} người nhưng danh sách có ${r.attendees.length} người: bot ghi nhận đủ ${r.attendees.length} người như danh sách. Nếu chưa đúng, xin gửi lại danh sách.`
        : '',
      r.late ? '\n⚠️ Đăng ký sau hạn: Ban tổ chức vẫn ghi nhận và sẽ xem xét.' : '',
      '',
      FIX_HOWTO,
    ]
      .filter((l, i) => l !== '' || i > 2)
      .join('\n')
      .replace(/\n{3,}/g, '\n\n');
  },

  declined: (unitName: string, title: string, reason?: string | null, onBehalf = false) =>
    `Đã ghi nhận: ${unitName} không cử người tham dự "${title}"${reason ? ` (lý do: ${reason})` : ''}${onBehalf ? ' — báo thay' : ''}. Nếu thay đổi, chỉ cần gửi danh sách người tham dự.`,
  withdrawn: (unitName: string, title: string) =>
    `Đã rút toàn bộ đăng ký của ${unitName} cho "${title}" (đơn vị chưa cử ai). Muốn đăng ký lại, gửi danh sách người tham dự.`,
  withdrawConfirm: (unitName: string, title: string, n: number) =>
    `Rút toàn bộ đăng ký của ${unitName} cho "${title}" (${n} người)? Trả lời "có" hoặc bấm nút để xác nhận. Để bỏ một người, gửi /huy <họ tên>.`,
  withdrawButton: () => '✅ Rút đăng ký',
  nothingToWithdraw: (unitName: string, title: string) =>
    `${unitName} chưa có đăng ký nào cho "${title}" để rút.`,
  notInList: (typed: string, names: string[]) =>
    `Không thấy "${typed}" trong danh sách đã đăng ký${names.length ? `: ${names.join(', ')}` : ''}. Vui lòng ghi đúng họ tên người muốn bỏ.`,
  notInvited: (unitName: string, title: string) =>
    `${unitName} không có trong danh sách được mời dự "${title}". Chưa có gì được ghi nhận.`,
  notUnderstood: () =>
    `Bot chưa nhận ra danh sách người tham dự trong tin nhắn này.\n\n${REPLY_FORMAT}`,
  quotaExceeded: (quota: number, got: number) =>
    `Mỗi đơn vị được cử tối đa ${quota} người, tin nhắn có ${got} người. Vui lòng gửi lại danh sách không quá ${quota} người. Chưa có gì được ghi nhận.`,
  noOpenEvent: () => 'Hiện đơn vị không có sự kiện nào đang nhận đăng ký.',
  registerForChild: (example: string) =>
    `Đăng ký cho đơn vị cấp dưới: ghi tên đơn vị trước danh sách, ví dụ:\n${example}:\n1. Nguyễn Văn An - Chủ tịch UBND\nHoặc báo vắng: "${example}: không cử người tham dự".`,
  eventStarted: (title: string) =>
    `Sự kiện "${title}" đã bắt đầu nên không nhận đăng ký nữa. Xin liên hệ Ban tổ chức nếu cần.`,
  whichEvent: (titles: string[]) =>
    `Đơn vị đang được mời ${titles.length} sự kiện:\n${titles.map((t, i) => `${i + 1}. ${t}`).join('\n')}\nTin vừa gửi dành cho sự kiện nào? Trả lời số thứ tự (ví dụ: 1).`,
  choiceInvalid: (n: number) => `Vui lòng trả lời một số từ 1 đến ${n}.`,
  whichEventForCommand: (titles: string[]) =>
    `Đơn vị đang được mời ${titles.length} sự kiện:\n${titles.map((t, i) => `${i + 1}. ${t}`).join('\n')}\nVui lòng TRẢ LỜI (reply) tin nhắn mời của sự kiện đó kèm lệnh.`,
  registrationShow: (
    title: string,
    status: RegistrationStatus,
    attendees: Attendee[],
    late: boolean,
    declineReason: string | null = null,
  ) =>
    status === 'pending'
      ? `"${title}": đơn vị chưa đăng ký.`
      : status === 'declined'
        ? `"${title}": đơn vị đã báo không cử người tham dự${declineReason ? ` (lý do: ${declineReason})` : ''}.`
        : status === 'withdrawn'
          ? `"${title}": đơn vị đã rút đăng ký (chưa có ai tham dự). Gửi lại danh sách để đăng ký.`
          : `"${title}": đã đăng ký ${attendees.length} người${late ? ' (sau hạn)' : ''}:\n${attendeeLines(attendees)}`,
  registrationReminder: (e: EventRow, tz: string) =>
    `⏰ Nhắc đăng ký: đơn vị chưa gửi danh sách tham dự "${e.title}" (${formatDateTime(e.starts_at, tz)}).\nHạn đăng ký: ${formatDeadline(e.registration_deadline, tz)}.\n\n${REPLY_FORMAT}`,
  dayBefore: (e: EventRow, items: AgendaItem[], tz: string) =>
    `📅 Nhắc lịch: ngày mai ${formatWeekdayDate(e.starts_at, tz)} diễn ra "${e.title}".\n🕖 Bắt đầu: ${formatTime(e.starts_at, tz)}${e.venue ? `\n📍 ${e.venue}` : ''}\n\nCHƯƠNG TRÌNH\n${agendaText(items, tz)}`,
  morningOf: (e: EventRow, tz: string) =>
    `🔔 Hôm nay ${formatWeekdayDate(e.starts_at, tz)}: "${e.title}" bắt đầu lúc ${formatTime(e.starts_at, tz)}${e.venue ? ` tại ${e.venue}` : ''}. Kính mời đại biểu có mặt đúng giờ.`,
  session: (e: EventRow, it: AgendaItem, tz: string) =>
    `🔔 ${formatTime(it.starts_at, tz)}: ${it.title}${it.presenter ? `\nThực hiện: ${it.presenter}` : ''}\n(${e.title})`,
  speaker: (e: EventRow, it: AgendaItem, tz: string) =>
    `🎤 Nhắc báo cáo viên: ${it.presenter} — ${formatTimeRange(it.starts_at, new Date(it.ends_at ?? it.starts_at), tz)} "${it.title}" (${e.title}).`,
  changed: (e: EventRow, changes: string[], tz: string) =>
    `✏️ THAY ĐỔI: "${e.title}"\n${changes.map((c) => `• ${c}`).join('\n')}\n\nThời gian hiện tại: ${whenLine(e, tz)}${e.venue ? `\nĐịa điểm: ${e.venue}` : ''}`,
  cancelled: (e: EventRow, tz: string) =>
    `❌ THÔNG BÁO HỦY: "${e.title}" (${formatDateTime(e.starts_at, tz)}) đã được hủy. Các lời nhắc liên quan sẽ không gửi nữa. Xin cảm ơn các đơn vị.`,
  timeChanged: (tz: string, from: Date, to: Date) =>
    `Thời gian bắt đầu đổi từ ${formatDateTime(from, tz)} sang ${formatDateTime(to, tz)}`,
  venueChanged: (venue: string) => `Địa điểm mới: ${venue}`,
  agendaChanged: () => 'Chương trình có điều chỉnh (gửi /lich để xem chương trình mới)',
  deadlineChanged: (tz: string, d: Date) => `Hạn đăng ký mới: ${formatDeadline(d, tz)}`,
  agendaEmpty: () => 'Hiện không có sự kiện nào sắp diễn ra.',
  agendaOf: (e: EventRow, items: AgendaItem[], tz: string) =>
    `📅 ${e.title}\n${formatWeekdayDate(e.starts_at, tz)}${e.venue ? `\n📍 ${e.venue}` : ''}\n\n${items.length ? agendaText(items, tz) : `Bắt đầu: ${formatTime(e.starts_at, tz)} (chưa có chương trình chi tiết)`}`,
  exportCaption: (title: string) => `📎 Danh sách đăng ký: ${title}`,
  exportLink: (title: string, url: string) =>
    `📎 Danh sách đăng ký "${title}" (Excel): tải tại ${url}\n(liên kết dùng được 7 ngày, không cần đăng nhập; xin đừng chuyển cho người ngoài)`,
  noEventToExport: () => 'Chưa có sự kiện nào để xuất danh sách.',
};

export interface OwedReport {
  title: string;
  periodLabel: string | null;
  deadline: Date;
  extendedUntil: Date | null;
}

/** "báo cáo X", without doubling it when the title already says "Báo cáo …". */
const reportPhrase = (r: { title: string; periodLabel: string | null }) => {
  const name = reportName(r);
  return /^b[aá]o c[aá]o\b/i.test(name.normalize('NFC'))
    ? `báo cáo${name.slice('báo cáo'.length)}`
    : `báo cáo ${name}`;
};
const reportName = (r: { title: string; periodLabel: string | null }) =>
  r.periodLabel ? `${r.title} (${r.periodLabel})` : r.title;
const REPORT_FOR_CHILDREN =
  'Khi đơn vị cấp dưới đã nộp, nhắn vào nhóm này, ví dụ: "Xã Tân Phú, xã Tân Thành đã gửi báo cáo" hoặc /baocao xã Tân Phú số 12/BC-UBND.';
const REPORT_HOWTO =
  'Khi đã gửi, xin TRẢ LỜI tin nhắn này (có thể kèm tệp) hoặc gửi /baocao <số, ngày văn bản>.';

/** "UBND xã Tân Phú" → "Tân Phú": how people name a commune after "các xã". */
const shortUnitName = (name: string) =>
  name.replace(/^(?:UBND|Ủy ban nhân dân)\s+/iu, '').replace(/^(?:xã|phường|thị trấn)\s+/iu, '');

export const rp = {
  name: reportName,
  reminder: (r: OwedReport, status: string, tz: string) =>
    `⏰ NHẮC BÁO CÁO: ${reportName(r)}\nHạn: ${formatDeadline(r.extendedUntil ?? r.deadline, tz)} (${status}).\n${REPORT_HOWTO}`,
  chase: (r: OwedReport, status: string, tz: string) =>
    `🔴 ĐÔN ĐỐC: đơn vị chưa gửi ${reportPhrase(r)}.\nHạn: ${formatDeadline(r.extendedUntil ?? r.deadline, tz)} — ${status}.\nĐề nghị đơn vị khẩn trương gửi. ${REPORT_HOWTO}`,
  reportForChildren: () => REPORT_FOR_CHILDREN,
  reminderDigest: (r: OwedReport, units: Array<{ name: string; status: string }>) =>
    `⏰ NHẮC BÁO CÁO thay cho đơn vị cấp dưới: ${units.length} đơn vị chưa nộp ${reportName(r)}:\n${units
      .map((u) => `• ${u.name} — ${u.status}`)
      .join('\n')}\n${REPORT_FOR_CHILDREN}`,
  chaseDigest: (r: OwedReport, units: Array<{ name: string; status: string }>) =>
    `🔴 ĐÔN ĐỐC thay cho đơn vị cấp dưới: ${units.length} đơn vị chưa nộp ${reportPhrase(r)}:\n${units
      .map((u) => `• ${u.name} — ${u.status}`)
      .join('\n')}\n${REPORT_FOR_CHILDREN}`,
  overdueSummary: (
    r: OwedReport,
    groups: SummaryGroup[],
    total: number,
    round: number,
    link: string,
  ) =>
    total === 0
      ? `✅ ${reportName(r)}: tất cả đơn vị đã báo cáo hoặc được miễn.`
      : [
          `📋 Đôn đốc lần ${round} — ${reportName(r)}: còn ${total} đơn vị quá hạn:`,
          ...groupLines(groups),
          `Xem đủ: ${link}`,
        ].join('\n'),
  recorded: (
    unitName: string,
    r: OwedReport,
    at: Date,
    late: boolean,
    updated: boolean,
    tz: string,
    doc: { number?: string | null; date?: string | null } = {},
  ) =>
    `✅ Đã ghi nhận ${updated ? '(cập nhật) ' : ''}${reportPhrase(r)} của ${unitName}${doc.number ? ` — văn bản số ${doc.number}` : ''}${doc.date ? ` ngày ${formatDateKey(doc.date)}` : ''} — lúc ${formatTime(at, tz)} ${formatWeekdayDate(at, tz)}, ${late ? '⚠️ NỘP MUỘN' : 'đúng hạn'} (hạn ${formatDeadline(r.extendedUntil ?? r.deadline, tz)}).`,
  alreadyRecorded: (items: OwedReport[]) =>
    `Bot đã ghi nhận ${items.map((r) => reportPhrase(r)).join(', ')} của đơn vị từ trước. Nếu gửi lại bản khác, xin nhắn "gửi lại" kèm tệp hoặc số văn bản mới.`,
  notRecorded: (reason: string) =>
    `Bot chưa ghi nhận báo cáo: ${
      {
        'other-report':
          'tin nhắn nói về một báo cáo khác với báo cáo đơn vị đang phải nộp (gửi /trangthai để xem báo cáo còn phải nộp)',
        extension:
          'đây là đề nghị gia hạn; Ban tổ chức sẽ xem xét, đơn vị vẫn được nhắc đến khi có quyết định gia hạn',
        promise: 'đơn vị chưa gửi; khi đã gửi xin nhắn lại',
        question: 'đây là câu hỏi; Ban tổ chức sẽ trả lời',
        negation: 'đơn vị báo chưa gửi',
        failed: 'tin nhắn báo gửi không thành công; xin gửi lại rồi nhắn cho bot',
        draft: 'báo cáo đang ở dạng dự thảo; khi gửi chính thức xin nhắn lại',
        'other-unit': 'tin nhắn nói về đơn vị khác',
      }[reason] ?? 'tin nhắn chưa rõ là báo cáo nào'
    }.`,
  childOther: (name: string) =>
    `${name}: chưa ghi nhận (tin nhắn nói về báo cáo khác hoặc chưa gửi).`,
  childOwesNothing: (name: string) => `${name}: hiện không có báo cáo nào phải nộp.`,
  aboutOtherUnits: () =>
    'Tin nhắn nói về các đơn vị khác nên bot chưa ghi nhận báo cáo nào. Nếu chính đơn vị đã gửi, xin nhắn: "Đơn vị đã gửi báo cáo …".',
  nameTheUnits: (examples: string[]) =>
    `Bot chưa biết cụ thể đơn vị nào đã gửi nên chưa ghi nhận. Xin ghi rõ tên, ví dụ: "${examples.length > 1 ? `Các xã ${examples.map(shortUnitName).join(', ')}` : examples.map(shortUnitName).join('')} đã gửi báo cáo", hoặc mỗi đơn vị một dòng. Nếu tất cả đã gửi, xin nhắn "Tất cả các xã trực thuộc đã gửi báo cáo".`,
  childrenNotYet: (names: string[]) =>
    `Chưa nộp: ${names.join(', ')} — bot sẽ tiếp tục nhắc qua nhóm này.`,
  nothingOwed: () => 'Hiện đơn vị không có báo cáo nào phải nộp. Cảm ơn đơn vị!',
  whichReport: (items: OwedReport[], tz: string) =>
    `Đơn vị đang phải nộp ${items.length} báo cáo:\n${items.map((r, i) => `${i + 1}. ${reportName(r)} — hạn ${formatDeadline(r.extendedUntil ?? r.deadline, tz)}`).join('\n')}\nTin vừa gửi là báo cáo nào? Trả lời số thứ tự (ví dụ: 1) hoặc "tất cả".`,
  confirmQuestion: (r: OwedReport) =>
    `Có phải đơn vị báo đã gửi ${reportPhrase(r)}? Bấm "Xác nhận" hoặc trả lời "có" để bot ghi nhận; nếu chưa gửi, bỏ qua tin này.`,
  confirmButton: () => '✅ Xác nhận đã gửi',
  choiceInvalid: (n: number) => `Vui lòng trả lời một số từ 1 đến ${n}, hoặc "tất cả".`,
  owedList: (unitName: string, items: Array<OwedReport & { status: string }>, tz: string) =>
    items.length === 0
      ? `${unitName} không còn báo cáo nào phải nộp. Cảm ơn đơn vị!`
      : `📌 ${unitName} còn phải nộp ${items.length} báo cáo:\n${items.map((r, i) => `${i + 1}. ${reportName(r)}\n   Hạn: ${formatDeadline(r.extendedUntil ?? r.deadline, tz)} (${r.status})`).join('\n')}`,
  extended: (unitName: string, r: OwedReport, until: Date, tz: string) =>
    `✅ Đã gia hạn ${reportPhrase(r)} cho ${unitName} đến ${formatDeadline(until, tz)}.`,
  extendedUnit: (r: OwedReport, until: Date, tz: string) =>
    `📅 Ban tổ chức đã gia hạn ${reportPhrase(r)} cho đơn vị đến ${formatDeadline(until, tz)}.`,
  excused: (unitName: string, r: OwedReport) => `✅ Đã miễn ${reportPhrase(r)} cho ${unitName}.`,
  giahanUsage: () =>
    'Cách dùng: /giahan <tên hoặc mã đơn vị> <ngày>, ví dụ: /giahan Sở Y tế 20/11. Nếu có nhiều báo cáo, thêm số báo cáo: /giahan #3 Sở Y tế 20/11.',
  mienUsage: () =>
    'Cách dùng: /mien <tên hoặc mã đơn vị> [lý do], ví dụ: /mien Sở Y tế đã báo cáo trực tiếp. Nếu có nhiều báo cáo: /mien #3 Sở Y tế.',
  unitNotFound: (typed: string) =>
    `Không tìm thấy đơn vị "${typed}". Hãy gõ tên (có thể không dấu) hoặc mã đơn vị.`,
  unitAmbiguous: (typed: string, names: string[]) =>
    `"${typed}" khớp nhiều đơn vị:\n${names.map((n) => `• ${n}`).join('\n')}\nVui lòng gõ rõ hơn hoặc dùng mã đơn vị.`,
  dateNotUnderstood: () => 'Bot chưa hiểu ngày gia hạn. Ví dụ: 20/11, 20/11/2024 hoặc 20/11 17h.',
  extensionLabel: () => 'Ngày gia hạn',
  whichCampaign: (items: Array<{ id: number; title: string; periodLabel: string | null }>) =>
    `Có ${items.length} báo cáo đang theo dõi, vui lòng ghi số báo cáo (#):\n${items.map((c) => `#${c.id} ${reportName(c)}`).join('\n')}`,
  noCampaign: () => 'Hiện không có báo cáo nào đang theo dõi.',
  unitNotAssigned: (unitName: string) => `${unitName} không thuộc danh sách phải nộp báo cáo này.`,
  newPeriod: (r: OwedReport, tz: string) =>
    `🗓 Mở kỳ báo cáo mới: ${reportName(r)} — hạn ${formatDeadline(r.deadline, tz)}.`,
  requirementNotice: (r: OwedReport, sourcePlan: string | null, tz: string) =>
    `📄 YÊU CẦU BÁO CÁO: ${reportName(r)}${sourcePlan ? `\nTheo: ${sourcePlan}` : ''}\nHạn: ${formatDeadline(r.deadline, tz)}.\n${REPORT_HOWTO}`,
};

/** A group of units in a summary: its label, how many, and the first few names. */
export interface SummaryGroup {
  label: string;
  count: number;
  names: string[];
}

function groupLines(groups: SummaryGroup[]): string[] {
  return groups.map((g) => {
    const more = g.count - g.names.length;
    return `• ${g.label}: ${g.count} — ${g.names.join(', ')}${more > 0 ? ` và ${more} đơn vị khác` : ''}`;
  });
}

export const sm = {
  empty: () => 'Hiện không có sự kiện hay báo cáo nào đang theo dõi.',
  otherGroup: () => 'Khác',
  underParent: (parent: string) => `Thuộc ${parent}`,
  daysLate: (name: string, days: number) => `${name} (quá hạn ${days} ngày)`,
  onlyParents: () =>
    'Lệnh /tonghop dành cho nhóm Ban tổ chức, hoặc nhóm của đơn vị có đơn vị cấp dưới (tổng hợp các đơn vị đó).',
  childrenHeader: (unitName: string, n: number) =>
    `📋 Tổng hợp ${n} đơn vị cấp dưới của ${unitName}`,
  filterUnknown: (typed: string, known: string[]) =>
    `Không tìm thấy nhóm đơn vị hay đơn vị cấp trên "${typed}". Các nhóm hiện có:\n${known.map((k) => `• ${k}`).join('\n')}`,
  event: (e: {
    title: string;
    invited: number;
    registered: number;
    attendees: number;
    declined: number;
    withdrawn: number;
    pending: SummaryGroup[];
    /** In a parent's group: who registered, by name. */
    registeredNames: string[];
    link: string;
    /** Set when the summary is of one group, in full. */
    filtered: string | null;
  }) => {
    const pendingCount = e.pending.reduce((n, g) => n + g.count, 0);
    return [
      `📊 ${e.title}${e.filtered ? ` — ${e.filtered}` : ''}`,
      `Được mời: ${e.invited} · Đã đăng ký: ${e.registered} (${e.attendees} người) · Không cử: ${e.declined}${e.withdrawn ? ` · Rút đăng ký: ${e.withdrawn}` : ''} · Chưa trả lời: ${pendingCount}`,
      ...(e.registeredNames.length ? [`Đã đăng ký: ${e.registeredNames.join(', ')}`] : []),
      ...(e.pending.length ? ['Chưa trả lời:', ...groupLines(e.pending)] : []),
      e.filtered
        ? ''
        : `Xem đủ: ${e.link}${e.pending.length > 1 ? ' hoặc /tonghop <tên nhóm>' : ''}`,
    ]
      .filter(Boolean)
      .join('\n');
  },
  campaign: (c: {
    name: string;
    deadline: string;
    onTime: number;
    late: number;
    pending: number;
    overdue: number;
    extended: number;
    excused: number;
    overdueGroups: SummaryGroup[];
    reportedNames: string[];
    pendingNames: string[];
    link: string;
    filtered: string | null;
  }) =>
    [
      `📑 ${c.name} — hạn ${c.deadline}${c.filtered ? ` — ${c.filtered}` : ''}`,
      `Đúng hạn: ${c.onTime} · Muộn: ${c.late} · Chưa đến hạn: ${c.pending} · Quá hạn: ${c.overdue} · Gia hạn: ${c.extended} · Miễn: ${c.excused}`,
      ...(c.reportedNames.length ? [`Đã nộp: ${c.reportedNames.join(', ')}`] : []),
      ...(c.pendingNames.length ? [`Chưa nộp (chưa đến hạn): ${c.pendingNames.join(', ')}`] : []),
      ...(c.overdueGroups.length ? ['Quá hạn:', ...groupLines(c.overdueGroups)] : []),
      c.filtered ? '' : `Xem đủ: ${c.link}`,
    ]
      .filter(Boolean)
      .join('\n'),
  chasedNow: (units: number, registrations: number) =>
    `📣 Đã gửi đôn đốc tới ${units} đơn vị chưa nộp báo cáo và nhắc ${registrations} đơn vị chưa đăng ký tham dự.`,
};

export const bc = {
  targetAll: () => 'tất cả đơn vị',
  targetCategory: (c: string) => `nhóm "${c}"`,
  targetUnregistered: (title: string) => `đơn vị chưa đăng ký "${title}"`,
  targetOwing: () => 'đơn vị còn nợ báo cáo',
  targetCodes: (n: number) => `${n} đơn vị được chọn`,
  usage: () =>
    'Cách dùng: /thongbao <nội dung> — gửi tới tất cả đơn vị.\nChọn đối tượng ở đầu tin:\n• /thongbao chưa đăng ký: <nội dung>\n• /thongbao chưa báo cáo: <nội dung>\n• /thongbao nhóm <tên nhóm đơn vị>: <nội dung>',
  noRecipients: (label: string) =>
    `Không có nhóm nào nhận được thông báo (${label}: chưa có nhóm liên kết).`,
  categoryUnknown: (typed: string, known: string[]) =>
    `Không tìm thấy nhóm đơn vị "${typed}". Các nhóm hiện có:\n${known.map((k) => `• ${k}`).join('\n')}`,
  preview: (label: string, chats: number, units: number, unreachable: number, text: string) =>
    `📣 XEM TRƯỚC THÔNG BÁO\nGửi tới: ${label} — ${units} đơn vị, ${chats} nhóm.${unreachable ? `\n⚠️ ${unreachable} đơn vị được chọn chưa có nhóm liên kết (kể cả qua đơn vị cấp trên) nên sẽ không nhận được.` : ''}\n\n${text}\n\nBấm "Gửi" để gửi (hoặc trả lời "gửi"); bấm "Hủy" (hoặc trả lời "hủy") để bỏ.`,
  sendButton: () => '✅ Gửi',
  cancelButton: () => '❌ Hủy',
  resendButton: () => '🔁 Gửi lại nhóm lỗi',
  cancelled: () => 'Đã hủy thông báo, chưa gửi tới đơn vị nào.',
  started: (chats: number) => `🚀 Bắt đầu gửi tới ${chats} nhóm…`,
  progress: (sent: number, total: number, failed: number) =>
    `📤 Đã gửi ${sent}/${total}…${failed ? ` (${failed} lỗi)` : ''}`,
  tally: (sent: number, total: number, failures: Array<{ name: string; reason: string }>) =>
    failures.length === 0
      ? `✅ Thông báo đã tới đủ ${sent}/${total} nhóm.`
      : `📋 Kết quả thông báo: ${sent}/${total} nhóm đã nhận; ${failures.length} nhóm lỗi:\n${failures.map((f) => `• ${f.name}: ${f.reason}`).join('\n')}\nBấm "Gửi lại nhóm lỗi" để thử lại riêng các nhóm này.`,
  resent: (n: number) => `🔁 Đang gửi lại ${n} nhóm lỗi…`,
  nothingToResend: () => 'Không có nhóm lỗi nào cần gửi lại.',
  announcement: (text: string) => `📢 THÔNG BÁO\n\n${text}`,
  /** A platform's failure, in words an organizer can act on (never the raw English error). */
  reason: (raw: string | null) => {
    const r = raw ?? '';
    if (/simulated/i.test(r)) return 'lỗi giả lập (nhóm mô phỏng đang bật chế độ gửi lỗi)';
    if (/kicked|Forbidden|not a member|chat_gone|removed|\b40[13]\b/i.test(r))
      return 'bot đã bị xoá khỏi nhóm hoặc không còn quyền gửi';
    if (/chat not found|PEER_ID_INVALID|group.*not.*found|\b404\b/i.test(r))
      return 'không tìm thấy nhóm';
    if (/blocked/i.test(r)) return 'người nhận đã chặn bot';
    if (/not enough rights|rights|permission|quyền/i.test(r))
      return 'bot không có quyền gửi tin trong nhóm';
    if (/Too Many Requests|429|rate|request cho phép|\b123\b/i.test(r))
      return 'nền tảng giới hạn tốc độ, đã thử lại nhiều lần';
    if (/too long|quá dài/i.test(r)) return 'tin quá dài so với giới hạn của nền tảng';
    if (/timeout|ETIMEDOUT|ECONN|network|fetch failed|socket|5\d\d/i.test(r))
      return 'lỗi kết nối tới nền tảng, đã thử lại nhiều lần';
    if (/session|login|đăng nhập/i.test(r))
      return 'phiên đăng nhập của bot đã hết, cần đăng nhập lại';
    return 'nền tảng từ chối tin, đã thử lại nhiều lần';
  },
  failureName: (unit: string | null, title: string | null, chatId: string) => {
    if (!unit) return title ?? chatId;
    const same =
      !title || title.normalize('NFC').toLowerCase().includes(unit.normalize('NFC').toLowerCase());
    return same ? unit : `${unit} (nhóm "${title}")`;
  },
  finished: () => '📤 Đã gửi xong — kết quả ở tin bên dưới.',
  onlyAuthorMayPress: () =>
    'Chỉ người soạn thông báo mới bấm được nút này. Thành viên khác của Ban tổ chức muốn xác nhận thì TRẢ LỜI (reply) đúng tin xem trước bằng "gửi" hoặc "hủy".',
};

/** Revoking access (issue 12): unlinking groups from a chat command. */
export const ac = {
  unlinkedNotice: (unitName: string | null) =>
    unitName
      ? `Nhóm này đã được Ban tổ chức hủy liên kết với ${unitName}. Bot sẽ không gửi thư mời, nhắc lịch hay đôn đốc vào nhóm nữa. Nếu cần liên kết lại, xin mã liên kết mới từ Ban tổ chức.`
      : 'Nhóm này không còn là nhóm Ban tổ chức. Các lệnh dành cho Ban tổ chức không dùng được ở đây nữa.',
  unlinkUsage: () =>
    'Cách dùng: /huylienket <tên hoặc mã đơn vị> — hủy liên kết mọi nhóm chat của đơn vị đó (ví dụ khi nhóm bị lộ mã hoặc đổi người phụ trách). Sau đó đổi mã liên kết của đơn vị trên trang quản trị.',
  unlinkUnitNotFound: (typed: string) =>
    `Không tìm thấy đơn vị "${typed}". Hãy gõ tên hoặc mã đơn vị như trong danh sách.`,
  unlinkUnitAmbiguous: (typed: string, names: string[]) =>
    `"${typed}" khớp với nhiều đơn vị:\n${names.map((n) => `• ${n}`).join('\n')}\nHãy gõ rõ hơn (hoặc dùng mã đơn vị).`,
  unlinkNothing: (unitName: string) => `${unitName} chưa có nhóm chat nào đang liên kết.`,
  unlinkDone: (unitName: string, titles: string[]) =>
    `✅ Đã hủy liên kết ${titles.length} nhóm của ${unitName}:\n${titles.map((x) => `• ${x}`).join('\n')}\nMã liên kết cũ vẫn dùng được cho tới khi đổi mã trên trang quản trị.`,
};

/** What a field is called in Vietnamese, with the API's name after it so both readers find it. */
const FIELD_NAMES: Record<string, string> = {
  title: 'Tên',
  startsAt: 'Thời gian bắt đầu',
  endsAt: 'Thời gian kết thúc',
  registrationDeadline: 'Hạn đăng ký',
  deadline: 'Hạn báo cáo',
  until: 'Ngày gia hạn',
  chaseEvery: 'Chu kỳ đôn đốc',
  remindBefore: 'Nhắc trước hạn',
  atTime: 'Giờ gửi',
  quietHours: 'Giờ yên lặng',
  quotaPerUnit: 'Số người tối đa mỗi đơn vị',
  maxChases: 'Số lần đôn đốc tối đa',
  agenda: 'Chương trình',
  agendaText: 'Chương trình dán vào',
  holidays: 'Ngày nghỉ',
  workdays: 'Ngày làm bù',
  code: 'Mã đơn vị',
  parent: 'Đơn vị cấp trên',
};
/** "Hạn đăng ký (registrationDeadline)" for an API field; a Vietnamese label as it is. */
const fieldLabel = (field: string) => {
  if (!/^[\w.[\]]+$/.test(field)) return field;
  const leaf = field
    .replace(/\[\d+\]/g, '')
    .split('.')
    .filter(Boolean);
  const name = FIELD_NAMES[leaf.at(-1) ?? ''] ?? FIELD_NAMES[leaf[0] ?? ''];
  return name ? `${name} (${field})` : `Trường ${field}`;
};

/** Why the core refused what a person asked for (API, dashboard and chat show the same text). */
export const rules = {
  fieldLabel,
  instantOutOfRange: (field: string) =>
    `${fieldLabel(field)} không hợp lệ: thời gian phải trong khoảng năm 2000 đến năm 2099.`,
  tooFarAhead: (field: string) =>
    `${fieldLabel(field)} không hợp lệ: thời gian không được xa quá 5 năm kể từ hôm nay.`,
  mustBeFuture: (field: string) =>
    `${fieldLabel(field)} không hợp lệ: thời gian phải ở sau thời điểm hiện tại.`,
  cadenceOutOfRange: (field: string, value: string) =>
    `${fieldLabel(field)} không hợp lệ: chu kỳ "${value}" phải từ 1 giờ (PT1H) đến 1 năm (P366D).`,
  remindTooEarly: (field: string, value: string) =>
    `${fieldLabel(field)} không hợp lệ: nhắc trước "${value}" xa quá 1 năm.`,
  endBeforeStart: () => 'Thời gian kết thúc (endsAt) phải sau thời gian bắt đầu.',
  deadlineAfterStart: () => 'Hạn đăng ký (registrationDeadline) phải trước thời gian bắt đầu.',
  agendaItemEnd: (i: number) =>
    `Mục chương trình thứ ${i + 1} (agenda[${i}].endsAt): giờ kết thúc phải sau giờ bắt đầu.`,
  agendaUnreadable: () =>
    'Chương trình dán vào (agendaText): không đọc được dòng chương trình nào (cần giờ dạng 7h30 - 8h00 và nội dung).',
  needTitle: () => 'Tên (title): vui lòng nhập tên.',
  badQuota: () => 'Số người tối đa mỗi đơn vị (quotaPerUnit) phải là số nguyên từ 1 đến 1000.',
  duplicateCode: (code: string, first: number, again: number) =>
    `Mã đơn vị "${code}" ([${again}].code) bị lặp: đã có ở phần tử [${first}].`,
  badDateKey: (field: string, value: string) =>
    `${fieldLabel(field)} không hợp lệ: "${value}" không phải ngày có thật dạng YYYY-MM-DD.`,
  parentSelf: (code: string) => `Đơn vị "${code}" không thể là đơn vị cấp trên của chính nó.`,
  parentUnknown: (code: string) => `Không có đơn vị cấp trên mã "${code}".`,
  parentLoop: (code: string) =>
    `Cây đơn vị bị vòng lặp tại "${code}": một đơn vị không thể là cấp trên của cấp trên nó.`,
  calendarTwice: (date: string, first: string) => `Ngày ${date} đã có ở ${first}.`,
  calendarBoth: (date: string) =>
    `Ngày ${date} vừa là ngày nghỉ vừa là ngày làm việc: mỗi ngày chỉ được ở một danh sách.`,
  badTimeOfDay: (field: string) =>
    `${fieldLabel(field)} không hợp lệ: giờ dạng HH:mm, ví dụ 08:00.`,
  badMaxChases: () => 'Số lần đôn đốc tối đa (maxChases) phải là số nguyên từ 0 đến 1000.',
  deadlineNeeded: () => 'Cần hạn báo cáo (deadline) hoặc lịch định kỳ (recurrence).',
};

/** Names for a phone line: the first few, then how many more. */
function nameList(names: string[], max = 8): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} và ${names.length - max} đơn vị khác`;
}

/** Messages relayed through a parent's group for units below it that have no group. */
export const tree = {
  nameList,
  childAmbiguous: (typed: string, names: string[]) =>
    `"${typed}" khớp nhiều đơn vị cấp dưới: ${names.join('; ')}. Vui lòng ghi rõ tên hơn rồi gửi lại.`,
  notBelow: (typed: string, unitName: string) =>
    `Xin lỗi, "${typed}" không phải đơn vị trực thuộc ${unitName}, nên nhóm này không thể đăng ký hay báo cáo thay. Chưa có gì được ghi nhận.`,
  childUnknown: (typed: string, unitName: string, examples: string[]) =>
    `Không tìm thấy đơn vị "${typed}" trong các đơn vị trực thuộc ${unitName}${examples.length ? ` (ví dụ: ${examples.join(', ')})` : ''}. Chưa có gì được ghi nhận.`,
  expandEmpty: () =>
    'Danh sách xã, phường, thị trấn (communes) trống: mỗi dòng một huyện, ví dụ "Huyện Cao Lãnh: xã Mỹ Long, xã Bình Hàng Trung".',
  unitUnknown: (code: string) => `Không có đơn vị mã "${code}".`,
  parentNotFound: (typed: string) =>
    `Không tìm thấy huyện/đơn vị cấp trên "${typed}" trong danh sách đơn vị.`,
  parentAmbiguous: (typed: string, names: string[]) =>
    `"${typed}" khớp nhiều đơn vị: ${names.join('; ')}. Vui lòng ghi rõ hơn hoặc dùng mã đơn vị.`,
  importParentUnknown: (typed: string, near: string[]) =>
    `không tìm thấy đơn vị cấp trên "${typed}" (theo mã hoặc tên, trong tệp hay trong danh sách đã có)${near.length ? `; có phải: ${near.join('; ')}?` : ''}.`,
  importParentAmbiguous: (typed: string, units: Array<{ name: string; code: string }>) =>
    `đơn vị cấp trên "${typed}" khớp nhiều đơn vị: ${units.map((u) => `${u.name} (mã ${u.code})`).join('; ')}. Hãy ghi mã đơn vị hoặc tên đầy đủ (ví dụ "huyện …").`,
  importParentSelf: (name: string) => `"${name}" không thể là đơn vị cấp trên của chính nó.`,
  importParentLoop: (name: string, parent: string) =>
    `không thể đặt "${parent}" làm cấp trên của "${name}" vì "${parent}" đang là cấp dưới của "${name}" (vòng lặp trong cây đơn vị).`,
  onBehalfOf: (names: string[]) => `👥 Thay mặt ${nameList(names)} (chưa có nhóm liên kết):`,
  alsoFor: (names: string[]) =>
    `👥 Tin này gửi cả thay cho ${nameList(names)} (chưa có nhóm liên kết); đơn vị vui lòng chuyển tới các đơn vị này.`,
};
