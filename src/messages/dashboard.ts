/**
 * Texts of the organizers' dashboard, the chat simulator (sandbox) and the /dashboard chat
 * command. Pages only arrange them; every Vietnamese sentence they show lives here.
 */

/** The /dashboard (/quantri) chat command. */
export const dl = {
  link: (url: string, minutes: number) =>
    `🔐 Liên kết đăng nhập trang quản trị Điều phối:\n${url}\n\nLiên kết dùng được một lần, trong ${minutes} phút. Không chuyển tiếp tin nhắn này cho người khác.`,
  sentPrivately: (name: string) =>
    `🔐 Đã gửi liên kết đăng nhập trang quản trị vào tin nhắn riêng cho ${name}.`,
  writePrivatelyFirst: (botUsername: string | null) =>
    `Bot chưa nhắn riêng được cho anh/chị. Vui lòng mở tin nhắn riêng với bot${botUsername ? ` (@${botUsername})` : ''}, gửi một tin bất kỳ rồi gửi lại /dashboard (có thể gửi /dashboard ngay trong tin nhắn riêng).`,
  notOrganizer: () =>
    'Xin lỗi, liên kết trang quản trị chỉ dành cho thành viên nhóm Ban tổ chức. Vui lòng nhắn một tin trong nhóm Ban tổ chức trước, rồi gửi lại /dashboard tại đây.',
  refused: () =>
    'Xin lỗi, lệnh /dashboard chỉ dùng trong tin nhắn riêng với bot hoặc trong nhóm Ban tổ chức.',
  dormant: () =>
    'Xin lỗi, đã lâu anh/chị không nhắn trong nhóm Ban tổ chức nên bot tạm không gửi liên kết trang quản trị. Vui lòng nhắn một tin trong nhóm Ban tổ chức rồi gửi lại /dashboard.',
  leftOrganizerGroup: () =>
    'Xin lỗi, anh/chị không còn là thành viên nhóm Ban tổ chức nên không nhận được liên kết trang quản trị.',
  sandboxRefused: () =>
    'Trình mô phỏng không cấp liên kết đăng nhập trang quản trị (ai mở được trình mô phỏng cũng đóng vai được mọi người). Hãy đăng nhập trang quản trị bằng mã quản trị (ADMIN_TOKEN).',
};

export type RegistrationStatusKey = 'pending' | 'registered' | 'declined' | 'withdrawn';
export type ReportStatusKey = 'pending' | 'submitted' | 'late' | 'overdue' | 'excused';
export type OutboxStateKey = 'queued' | 'sending' | 'sent' | 'failed';

/** Flash notices after a form, by key (the key travels in the URL, never the text). */
export const FLASH: Record<string, (n?: number) => string> = {
  imported: (n) => `Đã nhập ${n ?? 0} đơn vị.`,
  created: () => 'Đã tạo sự kiện; thư mời đang được gửi tới các nhóm của đơn vị.',
  updated: () => 'Đã lưu thay đổi; các đơn vị được mời sẽ nhận thông báo điều chỉnh.',
  unchanged: () => 'Không có thay đổi nào để lưu.',
  cancelled: () => 'Đã hủy sự kiện và báo cho các đơn vị.',
  reportCreated: () => 'Đã tạo yêu cầu báo cáo; thông báo đang được gửi tới các đơn vị.',
  extended: () => 'Đã gia hạn và báo cho đơn vị.',
  excused: () => 'Đã miễn báo cáo cho đơn vị.',
  resent: (n) => (n ? `Đang gửi lại ${n} nhóm lỗi.` : 'Không có nhóm lỗi nào cần gửi lại.'),
  broadcastCancelled: () => 'Đã hủy bản nháp thông báo.',
  loggedOut: () => 'Đã đăng xuất.',
  unitCodeRotated: () =>
    'Đã đổi mã liên kết của đơn vị: mã cũ không dùng được nữa. Các nhóm đã liên kết vẫn giữ liên kết.',
  organizerCodeRotated: () =>
    'Đã đổi mã liên kết nhóm Ban tổ chức: mã cũ không dùng được nữa. Các nhóm đã liên kết vẫn giữ liên kết.',
  chatUnlinked: () => 'Đã hủy liên kết nhóm chat; nhóm đã được báo.',
  unitSaved: () => 'Đã lưu đơn vị.',
  expanded: (n) => `Đã tạo hoặc cập nhật ${n ?? 0} đơn vị xã, phường, thị trấn.`,
};

export const d = {
  appName: 'Điều phối',
  titleSuffix: ' — Điều phối',
  skip: 'Bỏ qua, tới nội dung chính',
  nav: {
    label: 'Điều hướng chính',
    home: 'Tổng quan',
    units: 'Đơn vị',
    events: 'Sự kiện',
    reports: 'Báo cáo',
    broadcasts: 'Thông báo',
    sandbox: 'Mô phỏng chat',
    logout: 'Đăng xuất',
    signedInAs: (label: string) => `Đang đăng nhập: ${label}`,
  },
  common: {
    save: 'Lưu',
    back: 'Quay lại',
    yes: 'Có',
    no: 'Không',
    none: '—',
    optional: '(không bắt buộc)',
    required: '(bắt buộc)',
    refresh: 'Tải lại trang',
    download: 'Tải về',
    details: 'Chi tiết',
    total: 'Tổng',
    noData: 'Chưa có dữ liệu.',
    error: 'Có lỗi',
    unitCount: (n: number) => `${n} đơn vị`,
  },
  errors: {
    forbiddenTitle: 'Yêu cầu bị từ chối',
    forbidden:
      'Biểu mẫu này đã hết hạn hoặc không được gửi từ trang quản trị (thiếu mã bảo vệ CSRF). Vui lòng tải lại trang rồi thử lại.',
    notFoundTitle: 'Không tìm thấy trang',
    notFound: 'Trang hoặc mục bạn tìm không tồn tại (có thể đã bị xoá).',
    serverTitle: 'Lỗi hệ thống',
    server: 'Hệ thống gặp lỗi khi xử lý yêu cầu. Vui lòng thử lại sau ít phút.',
    tooLarge: 'Tệp hoặc nội dung gửi lên quá lớn (tối đa 10 MB).',
    backHome: 'Về trang tổng quan',
    loginRequired: 'Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.',
  },
  login: {
    title: 'Đăng nhập',
    heading: 'Đăng nhập trang quản trị',
    intro: 'Trang dành cho Ban tổ chức: theo dõi đơn vị, sự kiện, báo cáo và gửi thông báo.',
    linkHint:
      'Cách nhanh nhất: nhắn /dashboard cho bot trong tin nhắn riêng (sau khi đã nhắn trong nhóm Ban tổ chức). Bot gửi lại một liên kết đăng nhập dùng một lần, có hiệu lực 10 phút.',
    tokenLabel: 'Mã quản trị (ADMIN_TOKEN)',
    tokenHelp: 'Mã in ra khi khởi động dịch vụ, hoặc giá trị biến môi trường ADMIN_TOKEN.',
    submit: 'Đăng nhập',
    wrongToken: 'Mã quản trị không đúng.',
    rateLimited: (minutes: number) =>
      `Nhập sai quá nhiều lần. Vui lòng thử lại sau ${minutes} phút.`,
    linkTitle: 'Liên kết đăng nhập',
    linkHeading: 'Xác nhận đăng nhập',
    linkIntro: 'Bấm nút dưới đây để đăng nhập trang quản trị. Liên kết chỉ dùng được một lần.',
    linkSubmit: 'Đăng nhập vào trang quản trị',
    linkInvalidTitle: 'Liên kết không dùng được',
    linkUsed: 'Liên kết đăng nhập này đã được dùng. Mỗi liên kết chỉ dùng được một lần.',
    linkExpired: 'Liên kết đăng nhập này đã hết hạn (hiệu lực 10 phút).',
    linkUnknown: 'Liên kết đăng nhập không đúng.',
    linkAgain: 'Hãy nhắn /dashboard cho bot để nhận liên kết mới, hoặc đăng nhập bằng mã quản trị.',
    toLogin: 'Tới trang đăng nhập',
  },
  home: {
    title: 'Tổng quan',
    units: (total: number, linked: number) =>
      `${total} đơn vị, ${linked} đơn vị đã liên kết nhóm chat`,
    upcoming: 'Sự kiện sắp tới',
    noUpcoming: 'Không có sự kiện nào sắp diễn ra.',
    activeReports: 'Báo cáo đang theo dõi',
    noReports: 'Không có yêu cầu báo cáo nào đang theo dõi.',
    recentBroadcasts: 'Thông báo gần đây',
    noBroadcasts: 'Chưa gửi thông báo nào.',
    eventLine: (registered: number, invited: number) =>
      `${registered}/${invited} đơn vị đã đăng ký`,
    reportLine: (done: number, total: number, overdue: number) =>
      `${done}/${total} đơn vị đã nộp${overdue ? `, ${overdue} quá hạn` : ''}`,
    sandboxHint: 'Đang chạy chế độ mô phỏng: thử trò chuyện với bot như một đơn vị tại trang',
  },
  units: {
    title: 'Đơn vị',
    heading: 'Danh sách đơn vị',
    summary: (total: number, linked: number) =>
      `${total} đơn vị; ${linked} đơn vị đã liên kết ít nhất một nhóm chat.`,
    empty: 'Chưa có đơn vị nào. Hãy nhập danh sách ở biểu mẫu bên dưới.',
    code: 'Mã',
    name: 'Tên đơn vị',
    category: 'Nhóm',
    joinCode: 'Mã liên kết',
    deepLink: 'Liên kết Telegram',
    addToTelegram: 'Thêm bot vào nhóm',
    qr: 'Mã QR',
    noCategory: 'Chưa phân nhóm',
    platforms: {
      telegram: 'Telegram',
      zalo: 'Zalo',
      'zalo-bot': 'Zalo Bot',
      sandbox: 'Mô phỏng',
    } as Record<string, string>,
    linkActive: 'đã liên kết, đang hoạt động',
    linkInactive: 'đã liên kết nhưng bot không còn trong nhóm',
    linkNone: 'chưa liên kết',
    organizerHeading: 'Mã liên kết nhóm Ban tổ chức',
    organizerShow: 'Hiện mã liên kết nhóm Ban tổ chức',
    organizerHelp:
      'Gửi lệnh này trong nhóm chat của Ban tổ chức để nhóm nhận tổng hợp và dùng các lệnh quản trị:',
    importHeading: 'Nhập danh sách đơn vị',
    importHelp:
      'Dán phụ lục danh sách (mỗi dòng "STT ↹ Tên đơn vị", tiêu đề nhóm viết HOA) hoặc chọn tệp CSV/Excel có dòng tiêu đề (Mã, Tên đơn vị, Nhóm, STT, Cấp trên). Cột "Cấp trên" ghi mã hoặc tên đơn vị cấp trên (ví dụ "Huyện Sơn Tịnh"), có thể là một dòng ở dưới trong cùng tệp; để trống là đơn vị cấp cao nhất. Đơn vị đã có (cùng mã) được cập nhật, mã liên kết giữ nguyên.',
    pasteLabel: 'Dán phụ lục danh sách đơn vị',
    fileLabel: 'Hoặc chọn tệp CSV / Excel (.xlsx)',
    importSubmit: 'Nhập danh sách',
    importEmpty: 'Chưa có nội dung: hãy dán phụ lục hoặc chọn tệp.',
    importNothing:
      'Không tìm thấy đơn vị nào trong nội dung đã gửi. Kiểm tra lại: mỗi dòng cần có số thứ tự và tên đơn vị.',
    importBadType: 'Chỉ nhận tệp .csv hoặc .xlsx.',
    importInvalid: (code: string, why: string) => `Đơn vị mã "${code}": ${why}`,
    invalidCode: 'mã chỉ gồm chữ, số, dấu _ . - (tối đa 64 ký tự)',
    invalidName: 'tên đơn vị phải có từ 1 đến 300 ký tự',
    detailHeading: (name: string) => name,
    howToLink: 'Cách liên kết nhóm chat của đơn vị',
    howToLinkText: 'Thêm bot vào nhóm chat của đơn vị (Telegram hoặc Zalo), rồi gửi trong nhóm:',
    deepLinkText:
      'Hoặc trên Telegram: mở liên kết (hoặc quét mã QR) để chọn nhóm và thêm bot — nhóm được liên kết ngay.',
    qrCaption: (what: string) => `Mã QR chứa: ${what}`,
    noBotUsername:
      'Chưa biết tên bot Telegram (chưa cấu hình TELEGRAM_BOT_TOKEN), nên chưa có liên kết thêm nhanh.',
    chatsHeading: 'Nhóm chat đã liên kết',
    noChats: 'Chưa có nhóm chat nào liên kết với đơn vị này.',
    chatPlatform: 'Nền tảng',
    chatTitle: 'Tên nhóm',
    chatState: 'Trạng thái',
    chatLinkedAt: 'Liên kết lúc',
    chatActive: 'Đang hoạt động',
    chatInactive: 'Bot đã rời nhóm',
    childCount: (n: number) => `${n} đơn vị trực thuộc`,
    childrenOf: (n: number, name: string) => `${n} đơn vị trực thuộc ${name}`,
    under: (name: string) => `thuộc ${name}`,
    parent: 'Đơn vị cấp trên',
    noParent: '— Không có (đơn vị cấp cao nhất) —',
    children: 'Đơn vị trực thuộc',
    noChildren: 'Không có',
    addHeading: 'Thêm đơn vị',
    addHelp:
      'Mã do anh/chị đặt (chữ, số, dấu _ . -), không trùng đơn vị đã có. Chọn đơn vị cấp trên nếu đơn vị này trực thuộc một huyện hay cơ quan khác: tin gửi đơn vị chưa có nhóm chat sẽ đi qua nhóm của cấp trên, và nhóm cấp trên được đăng ký, báo cáo thay.',
    addSubmit: 'Thêm đơn vị',
    editHeading: 'Sửa thông tin đơn vị',
    editSubmit: 'Lưu thay đổi',
    codeExists: (code: string) =>
      `Mã "${code}" đã có. Muốn sửa đơn vị đó, hãy mở trang của nó trong danh sách.`,
    expandHeading: 'Tách thành các xã, phường, thị trấn',
    expandHelp:
      'Dùng cho một dòng đại diện cho nhiều đơn vị (ví dụ "Chủ tịch UBND cấp xã"): mỗi xã, phường, thị trấn thành một đơn vị riêng dưới huyện của nó. Chọn huyện rồi dán tên các xã, mỗi dòng một tên; hoặc không chọn huyện và dán nhiều huyện, mỗi huyện một dòng kết thúc bằng dấu hai chấm ("Huyện Sơn Tịnh:") và các xã ở các dòng bên dưới. Chạy lại cùng danh sách không tạo trùng; dòng đại diện được xóa khi chưa được dùng ở đâu.',
    expandParent: 'Huyện (đơn vị cấp trên của các xã)',
    expandParentFromText: '— Ghi trong danh sách (dòng "Huyện …:") —',
    expandLabel: 'Tên các xã, phường, thị trấn (mỗi dòng một tên)',
    expandSubmit: 'Tách đơn vị',
  },
  reg: {
    label: {
      registered: 'Đã đăng ký',
      declined: 'Không tham dự',
      withdrawn: 'Đã rút đăng ký',
      pending: 'Chưa trả lời',
    } as Record<RegistrationStatusKey, string>,
    reason: (r: string) => `Lý do: ${r}`,
    late: 'muộn',
  },
  events: {
    title: 'Sự kiện',
    heading: 'Sự kiện',
    empty: 'Chưa có sự kiện nào.',
    colTitle: 'Sự kiện',
    colWhen: 'Thời gian',
    colStatus: 'Trạng thái',
    colProgress: 'Đăng ký',
    active: 'Đang diễn ra / sắp tới',
    past: 'Đã qua',
    cancelledState: 'Đã hủy',
    progress: (registered: number, declined: number, invited: number) =>
      `${registered} đăng ký, ${declined} không tham dự / ${invited} đơn vị`,
    createHeading: 'Tạo sự kiện mới',
    fTitle: 'Tên sự kiện',
    fStart: 'Bắt đầu',
    fEnd: 'Kết thúc',
    fVenue: 'Địa điểm',
    fMode: 'Hình thức',
    fModeHelp: 'Ví dụ: Trực tiếp kết hợp trực tuyến',
    fDeadline: 'Hạn đăng ký',
    fQuota: 'Số người tối đa mỗi đơn vị',
    fAgenda: 'Chương trình (dán từ phụ lục)',
    fAgendaHelp:
      'Mỗi dòng: buổi (Sáng/Chiều), giờ (7h30 - 8h00), nội dung, người thực hiện. Giờ được đặt vào ngày bắt đầu.',
    submitCreate: 'Tạo sự kiện và gửi thư mời',
    needTitle: 'Vui lòng nhập tên sự kiện.',
    needStart: 'Vui lòng nhập thời gian bắt đầu.',
    needDeadline: 'Vui lòng nhập hạn đăng ký.',
    badDate: (field: string) => `Thời gian "${field}" không hợp lệ.`,
    when: 'Thời gian',
    venue: 'Địa điểm',
    mode: 'Hình thức',
    deadline: 'Hạn đăng ký',
    quota: 'Tối đa mỗi đơn vị',
    quotaValue: (n: number) => `${n} người`,
    agenda: 'Chương trình',
    agendaEmpty: 'Chưa có chương trình.',
    counts: (
      invited: number,
      registered: number,
      declined: number,
      pending: number,
      attendees: number,
    ) =>
      `${invited} đơn vị được mời: ${registered} đã đăng ký (${attendees} người), ${declined} không tham dự, ${pending} chưa trả lời.`,
    downloads: 'Tải danh sách đăng ký',
    xlsx: 'Tệp Excel (.xlsx)',
    csv: 'Tệp CSV',
    byCategory: 'Tình hình đăng ký theo nhóm đơn vị',
    groupCounts: (registered: number, total: number) => `${registered}/${total} đã đăng ký`,
    colUnit: 'Đơn vị',
    colAttendees: 'Người tham dự',
    colUpdated: 'Cập nhật',
    unreachable: 'chưa có nhóm chat',
    editHeading: 'Sửa thời gian, địa điểm, hạn đăng ký',
    submitEdit: 'Lưu thay đổi',
    cancelHeading: 'Hủy sự kiện',
    cancelHelp: 'Các đơn vị được mời sẽ nhận thông báo hủy. Không hoàn tác được.',
    cancelSubmit: 'Hủy sự kiện',
    cancelConfirm: 'Hủy sự kiện này và báo cho tất cả đơn vị được mời?',
    isCancelled: 'Sự kiện đã bị hủy.',
  },
  picker: {
    legend: 'Đơn vị',
    all: 'Tất cả đơn vị',
    categories: 'Theo nhóm đơn vị',
    codes: 'Theo mã đơn vị',
    codesLabel: 'Mã đơn vị (cách nhau bằng dấu phẩy hoặc khoảng trắng)',
    needCategory: 'Vui lòng chọn ít nhất một nhóm đơn vị.',
    needCodes: 'Vui lòng nhập ít nhất một mã đơn vị.',
    noUnits: 'Chưa có đơn vị nào: hãy nhập danh sách đơn vị trước.',
  },
  rep: {
    label: {
      submitted: 'Đã nộp',
      late: 'Nộp muộn',
      pending: 'Chưa nộp',
      overdue: 'Quá hạn',
      excused: 'Được miễn',
    } as Record<ReportStatusKey, string>,
  },
  reports: {
    title: 'Báo cáo',
    heading: 'Yêu cầu báo cáo',
    empty: 'Chưa có yêu cầu báo cáo nào.',
    colTitle: 'Báo cáo',
    colDeadline: 'Hạn',
    colProgress: 'Tình hình',
    colStatus: 'Trạng thái',
    status: { active: 'Đang theo dõi', closed: 'Đã đóng', cancelled: 'Đã hủy' } as Record<
      string,
      string
    >,
    progress: (done: number, total: number, overdue: number) =>
      `${done}/${total} đã nộp${overdue ? ` · ${overdue} quá hạn` : ''}`,
    createHeading: 'Tạo yêu cầu báo cáo',
    fTitle: 'Tên báo cáo',
    fSource: 'Căn cứ (kế hoạch, văn bản)',
    fSourceHelp: 'Ví dụ: Kế hoạch số 123/KH-UBND ngày 11/4/2024',
    fDeadline: 'Hạn nộp: trước ngày',
    fDeadlineHelp: '"Trước ngày 10/11" nghĩa là hạn cuối 23h59 ngày 9/11.',
    fRecurrence: 'Lặp lại',
    recNone: 'Một lần',
    recYearly: 'Hằng năm (cùng ngày)',
    recQuarterly: 'Hằng quý (cùng ngày của tháng cuối quý)',
    submitCreate: 'Tạo yêu cầu và thông báo cho đơn vị',
    needTitle: 'Vui lòng nhập tên báo cáo.',
    needDeadline: 'Vui lòng chọn hạn nộp.',
    deadline: 'Hạn nộp',
    source: 'Căn cứ',
    period: 'Kỳ báo cáo',
    counts: (c: Record<ReportStatusKey, number>, total: number) =>
      `${total} đơn vị: ${c.submitted} nộp đúng hạn, ${c.late} nộp muộn, ${c.pending} chưa nộp, ${c.overdue} quá hạn, ${c.excused} được miễn.`,
    chartHeading: 'Số đơn vị đã nộp theo ngày (cộng dồn)',
    chartDesc: (done: number, total: number, days: number) =>
      `Biểu đồ bậc thang ${days} ngày; đến nay ${done}/${total} đơn vị đã nộp.`,
    chartDeadline: 'Hạn',
    unitsHeading: 'Tình hình theo đơn vị',
    colUnit: 'Đơn vị',
    colSubmitted: 'Nộp lúc',
    colContent: 'Nội dung',
    colActions: 'Thao tác',
    extendedUntil: (when: string) => `gia hạn đến ${when}`,
    daysLate: (n: number) => `quá ${n} ngày`,
    files: (n: number) => `${n} tệp`,
    extendLabel: (unit: string) => `Gia hạn cho ${unit} đến hết ngày`,
    extendSubmit: 'Gia hạn',
    excuseSubmit: 'Miễn',
    excuseConfirm: (unit: string) => `Miễn báo cáo này cho ${unit}?`,
    extendPast: 'Ngày gia hạn phải từ hôm nay trở đi.',
    needDate: 'Vui lòng chọn ngày gia hạn.',
    notActive: 'Yêu cầu báo cáo này không còn được theo dõi.',
  },
  bc: {
    title: 'Thông báo',
    heading: 'Gửi thông báo tới các đơn vị',
    fText: 'Nội dung thông báo',
    fTarget: 'Gửi tới',
    tAll: 'Tất cả đơn vị',
    tCategory: 'Một nhóm đơn vị',
    tCategoryLabel: 'Nhóm đơn vị',
    tUnregistered: 'Đơn vị chưa đăng ký sự kiện',
    tUnregisteredLabel: 'Sự kiện',
    tOwing: 'Đơn vị còn nợ báo cáo',
    tOwingLabel: 'Báo cáo',
    tOwingAny: 'Bất kỳ báo cáo nào đang theo dõi',
    noEvents: 'Không có sự kiện nào sắp diễn ra.',
    preview: 'Xem trước',
    needText: 'Vui lòng nhập nội dung thông báo.',
    needCategory: 'Vui lòng chọn nhóm đơn vị.',
    needEvent: 'Vui lòng chọn sự kiện.',
    previewHeading: 'Xem trước thông báo',
    previewTarget: (label: string) => `Gửi tới: ${label}`,
    previewUnreachable: (n: number) =>
      `${n} đơn vị được chọn chưa có nhóm liên kết (kể cả qua đơn vị cấp trên) nên sẽ không nhận được thông báo.`,
    previewCount: (chats: number, units: number) =>
      `Sẽ gửi tới ${chats} nhóm chat của ${units} đơn vị.`,
    previewNone:
      'Không có nhóm chat nào nhận được thông báo này (các đơn vị được chọn chưa liên kết nhóm).',
    send: 'Gửi ngay',
    cancelDraft: 'Hủy bản nháp',
    edit: 'Sửa lại',
    listHeading: 'Thông báo đã gửi',
    colWhen: 'Lúc',
    colText: 'Nội dung',
    colTarget: 'Gửi tới',
    colResult: 'Kết quả',
    statusHeading: (id: number) => `Thông báo số ${id}`,
    total: 'Tổng số nhóm',
    sent: 'Đã gửi',
    failed: 'Lỗi',
    pending: 'Đang chờ',
    progressLabel: 'Tiến độ gửi',
    state: {
      draft: 'Bản nháp',
      sending: 'Đang gửi',
      done: 'Đã gửi xong',
      cancelled: 'Đã hủy',
    } as Record<string, string>,
    allSent: 'Đã gửi tới tất cả các nhóm.',
    failuresHeading: 'Nhóm gửi lỗi',
    colGroup: 'Nhóm / đơn vị',
    colReason: 'Lý do',
    resend: 'Gửi lại nhóm lỗi',
    deliveriesHeading: 'Chi tiết từng nhóm',
    colPlatform: 'Nền tảng',
    colState: 'Trạng thái',
    outbox: { queued: 'Đang chờ', sending: 'Đang gửi', sent: 'Đã gửi', failed: 'Lỗi' } as Record<
      OutboxStateKey,
      string
    >,
    autoRefresh: 'Trang tự cập nhật mỗi giây.',
    results: (sent: number, total: number, failed: number) =>
      `${sent}/${total} đã gửi${failed ? `, ${failed} lỗi` : ''}`,
  },
};

/** The chat simulator. */
export const sb = {
  title: 'Mô phỏng chat',
  heading: 'Mô phỏng trò chuyện với bot',
  intro:
    'Không có tài khoản Telegram/Zalo nào được cấu hình, nên bot chạy ở chế độ mô phỏng. Mỗi khung dưới đây là một nhóm chat: gõ tin nhắn như một thành viên, trả lời tin của bot, bấm nút — mọi thứ đi qua cùng bộ xử lý và hàng đợi gửi như trên Telegram hay Zalo.',
  tryHint:
    'Thử: trả lời thư mời trong nhóm đơn vị bằng danh sách người tham dự; gửi /tonghop hoặc /thongbao … trong nhóm Ban tổ chức; gửi /huongdan ở bất kỳ nhóm nào.',
  treeHint:
    'Đơn vị cấp trên làm thay cấp dưới: 13 xã của UBND Huyện Lấp Vò đều được mời và đều nợ báo cáo, nhưng chỉ xã Hưng Bình và xã Hưng Hòa có nhóm riêng; tin cho 11 xã còn lại đến nhóm của huyện. Trong nhóm UBND Huyện Lấp Vò, thử: trả lời thư mời bằng "Xã Hưng Thành:" và danh sách người tham dự ở các dòng dưới (đăng ký thay xã); gửi "Các xã Hưng Lợi, Hưng Thuận đã gửi báo cáo" (báo cáo thay nhiều xã trong một tin); gửi /tonghop để xem xã nào đã đăng ký, đã báo cáo, còn nợ.',
  organizerGroup: 'Ban tổ chức (mô phỏng)',
  roleOrganizer: 'Nhóm Ban tổ chức',
  roleUnit: (name: string) => `Liên kết với: ${name}`,
  roleNone: 'Chưa liên kết (gửi /lienket <mã>)',
  inactive: 'bot không còn trong nhóm',
  private: 'Tin nhắn riêng với bot',
  privateOf: (name: string) => `Tin nhắn riêng: ${name}`,
  empty: 'Chưa có tin nhắn.',
  bot: 'Bot Điều phối',
  edited: '(đã sửa)',
  replyingTo: 'Trả lời tin:',
  reply: 'Trả lời',
  replyTo: (excerpt: string) => `Trả lời tin: “${excerpt}”`,
  cancelReply: 'Bỏ trả lời',
  pressed: (name: string, button: string) => `${name} bấm nút «${button}»`,
  nameLabel: 'Tên người gửi',
  defaultName: 'Nguyễn Văn An',
  textLabel: (chat: string) => `Tin nhắn gửi vào ${chat}`,
  send: 'Gửi',
  document: (fileName: string) => `Tệp đính kèm: ${fileName}`,
  newGroupHeading: 'Thêm nhóm mô phỏng',
  newGroupLabel: 'Tên nhóm mới',
  newGroupHelp:
    'Nhóm mới chưa liên kết: gửi /lienket <mã liên kết của đơn vị> (xem ở trang Đơn vị) để liên kết.',
  newGroupSubmit: 'Thêm nhóm',
  newPrivateHeading: 'Nhắn riêng với bot',
  newPrivateHelp:
    'Ví dụ: gửi /huongdan để xem bot trả lời trong tin nhắn riêng. Tin nhắn riêng và nhóm bạn tạo chỉ bạn thấy (theo trình duyệt); trình mô phỏng không cấp liên kết trang quản trị.',
  failLabel: 'Giả lập lỗi gửi tin vào nhóm này',
  failOn: 'Bật lỗi gửi',
  failOff: 'Tắt lỗi gửi',
  failing: 'Đang giả lập lỗi gửi',
  needText: 'Vui lòng nhập nội dung tin nhắn.',
  needName: 'Vui lòng nhập tên người gửi.',
  noChat: 'Không có nhóm mô phỏng này.',
  updated: 'Có tin nhắn mới.',
  jump: 'Các nhóm',
  startup: (url: string) => `Chế độ mô phỏng (không cần Telegram/Zalo): ${url}`,
  dashboardAt: (url: string) => `Trang quản trị: ${url}`,
  deleted: 'Tin nhắn đã được bot xoá (chứa mã liên kết).',
};

/** Demo data loaded with the sandbox (seed 000's course, a requirement like seed 003's). */
export const demo = {
  reportTitle: 'Báo cáo kết quả thực hiện Kế hoạch công tác thông tin đối ngoại',
  reportSource: 'Kế hoạch công tác thông tin đối ngoại năm 2024 (dữ liệu mô phỏng)',
};

/** What `npm start` prints (security: where it listens, where the admin token is kept). */
export const startup = {
  listening: (host: string, port: number, openSandbox: boolean) =>
    /^(127\.0\.0\.1|::1|localhost)$/.test(host)
      ? `Chỉ nhận kết nối từ máy này (${host}:${port}).${openSandbox ? ' Chế độ mô phỏng mở cho bất kỳ ai truy cập được cổng, nên mặc định không mở ra mạng; đặt HOST=0.0.0.0 nếu thật sự muốn.' : ''}`
      : `Nhận kết nối tại ${host}:${port}.${openSandbox ? ' Cảnh báo: chế độ mô phỏng đang mở cho mọi máy truy cập được cổng này.' : ''}`,
  adminTokenGenerated: (token: string, path: string) =>
    `Mã quản trị (ADMIN_TOKEN) vừa được tạo: ${token}\nMã được lưu tại ${path} (chỉ in lần này).`,
  adminTokenStored: (path: string) => `Mã quản trị (ADMIN_TOKEN) lưu tại ${path}.`,
};

/** Taking access back (issue 12): codes replaced, groups unlinked. */
export const acd = {
  title: 'Quyền truy cập',
  heading: 'Mã liên kết và nhóm Ban tổ chức',
  intro:
    'Khi mã liên kết bị lộ hoặc người phụ trách thay đổi: đổi mã (mã cũ hết hiệu lực ngay) và hủy liên kết nhóm không còn đúng. Người đã rời nhóm Ban tổ chức không nhận được liên kết đăng nhập nữa.',
  manage: 'Quản lý mã liên kết và nhóm Ban tổ chức',
  rotateUnit: 'Đổi mã liên kết',
  rotateOrganizer: 'Đổi mã liên kết nhóm Ban tổ chức',
  rotateOrganizerHelp:
    'Đổi mã khi mã bị lộ: mã cũ hết hiệu lực ngay; các nhóm đã liên kết vẫn giữ liên kết (hủy liên kết ở bảng dưới nếu cần).',
  rotateConfirm: 'Đổi mã liên kết? Mã cũ sẽ không dùng được nữa.',
  organizerChats: 'Các nhóm Ban tổ chức',
  noOrganizerChats: 'Chưa có nhóm nào liên kết làm nhóm Ban tổ chức.',
  linkedBy: 'Người liên kết',
  actions: 'Thao tác',
  unlink: 'Hủy liên kết',
  unlinkConfirm: (title: string) => `Hủy liên kết nhóm "${title}"?`,
};
