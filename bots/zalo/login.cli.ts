/**
 * `npm run zalo:login` — log the bot's Zalo account in by QR code and save its session.
 *
 * Writes the QR image to $DATA_DIR/zalo-qr.png (zca-js gives it as base64 PNG), and on success
 * saves { imei, cookie, userAgent } to $ZALO_CREDENTIALS (default ./data/zalo-credentials.json)
 * with mode 0600. Never prints the cookie. A standalone CLI: it reads process.env directly.
 */
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { LoginQRCallbackEventType, Zalo, type LoginQRCallbackEvent } from 'zca-js';
import { writeCredentialsFile } from './zca-real';

const dataDir = resolve(process.env['DATA_DIR'] || './data');
const credentialsPath = resolve(process.env['ZALO_CREDENTIALS'] || './data/zalo-credentials.json');
const qrPath = join(dataDir, 'zalo-qr.png');

async function saveCredentials(data: {
  imei: string;
  cookie: unknown;
  userAgent: string;
}): Promise<void> {
  await mkdir(dirname(credentialsPath), { recursive: true, mode: 0o700 });
  const body = JSON.stringify(
    { imei: data.imei, cookie: data.cookie, userAgent: data.userAgent },
    null,
    2,
  );
  // The running bot notices the new file (its mtime) and logs in with it.
  await writeCredentialsFile(credentialsPath, body);
}

let saved: Promise<void> | null = null;

async function onEvent(event: LoginQRCallbackEvent): Promise<void> {
  switch (event.type) {
    case LoginQRCallbackEventType.QRCodeGenerated:
      await event.actions.saveToFile(qrPath);
      console.log(`\nMã QR đăng nhập Zalo đã được lưu tại:\n  ${qrPath}\n`);
      console.log(
        'Mở tệp ảnh này, rồi dùng ứng dụng Zalo trên điện thoại (tài khoản dành cho bot)',
      );
      console.log('chọn biểu tượng quét mã QR để quét. Mã hết hạn sau khoảng 100 giây.\n');
      break;
    case LoginQRCallbackEventType.QRCodeExpired:
      console.log('Mã QR đã hết hạn, đang tạo mã mới…');
      event.actions.retry();
      break;
    case LoginQRCallbackEventType.QRCodeScanned:
      console.log(
        `Đã quét bởi "${event.data.display_name}". Hãy bấm xác nhận đăng nhập trên điện thoại.`,
      );
      break;
    case LoginQRCallbackEventType.QRCodeDeclined:
      console.error('Đăng nhập đã bị từ chối trên điện thoại. Chạy lại lệnh để thử lần nữa.');
      event.actions.abort();
      break;
    case LoginQRCallbackEventType.GotLoginInfo:
      saved = saveCredentials(event.data);
      await saved;
      console.log(`Đã lưu phiên đăng nhập vào ${credentialsPath} (chỉ chủ sở hữu đọc được).`);
      break;
  }
}

async function main(): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const zalo = new Zalo({ checkUpdate: false, selfListen: false, logging: false });
  console.log('Đang lấy mã QR đăng nhập Zalo…');
  const api = await zalo.loginQR({ qrPath }, (event) => {
    onEvent(event).catch((e: unknown) => {
      console.error('Lỗi:', e instanceof Error ? e.message : String(e));
      process.exitCode = 1;
    });
  });
  if (saved) await saved;
  await rm(qrPath, { force: true });
  console.log(`Đăng nhập thành công. Mã tài khoản Zalo của bot: ${api.getOwnId()}`);
  console.log('Từ giờ bot dùng phiên này; khi phiên hết hạn, chạy lại: npm run zalo:login');
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  async (e: unknown) => {
    await rm(qrPath, { force: true }).catch(() => {});
    // Library errors carry no cookie; print only the message.
    console.error('Đăng nhập Zalo thất bại:', e instanceof Error ? e.message : String(e));
    process.exit(1);
  },
);
