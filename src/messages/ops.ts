/**
 * What operators and organizers read about the platforms themselves (a session to renew, sending
 * paused by the platform): chat notices, the dashboard banner, the broadcast preview's mark.
 */
import { formatDateTime, formatTime } from '../core/time/format';

export const ops = {
  zaloLoginNeeded: () =>
    [
      '⚠️ Tài khoản Zalo của bot cần đăng nhập lại.',
      'Zalo không còn chấp nhận phiên đăng nhập đã lưu, nên bot tạm không đọc và không gửi được tin trong các nhóm Zalo.',
      'Cách khắc phục: trên máy chủ chạy lệnh `npm run zalo:login`, rồi dùng ứng dụng Zalo của tài khoản bot quét mã QR. Bot tự nhận phiên mới, không cần khởi động lại; các tin đang chờ sẽ được gửi tiếp.',
    ].join('\n'),
  zaloSendingPaused: (until: Date, tz: string) =>
    [
      '⚠️ Zalo đang hạn chế tài khoản của bot (báo gửi quá nhiều tin trong thời gian ngắn).',
      `Để tránh bị khoá tài khoản, bot tạm dừng gửi tin qua Zalo đến ${formatTime(until, tz)} (${formatDateTime(until, tz)}).`,
      'Các tin đang chờ không bị mất: bot gửi tiếp sau thời gian này, giãn cách như thường lệ.',
    ].join('\n'),
  bannerZaloLoginNeeded: () =>
    'Tài khoản Zalo của bot cần đăng nhập lại: chạy `npm run zalo:login` trên máy chủ và quét mã QR bằng ứng dụng Zalo.',
  bannerZaloPaused: (until: Date, tz: string) =>
    `Zalo đang hạn chế tài khoản của bot: tạm dừng gửi tin qua Zalo đến ${formatDateTime(until, tz)}.`,
  urgentMark: () => '(gửi khẩn: Zalo đánh dấu tin này là khẩn cấp)',
};
