/**
 * The dashboard and the chat simulator in a real browser (Debian's Chromium driven by
 * playwright-core) against the real service: sandbox channel on, demo data (seed 000) loaded,
 * outbox workers running. Screenshots go to test-artifacts/screenshots/.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type Locator,
  type Page,
} from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxAdapter } from '../../bots/sandbox/index';
import { loadConfig } from '../../src/config';
import { createLoginLink } from '../../src/http/dashboard/auth';
import { createLogger } from '../../src/log';
import { startService, type RunningService } from '../../src/service';
import { openTestDb, type TestDb } from '../helpers/db';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(process.cwd(), 'test-artifacts', 'screenshots');
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium)
  console.warn(
    `tests/browser/dashboard.test.ts skipped: ${CHROMIUM} not found (apt-get install chromium).`,
  );

let db: TestDb;
let service: RunningService;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let dataDir: string;
let loginLink: string;
/** Script errors and CSP violations the pages cause: there must be none. */
const consoleErrors: string[] = [];

const WAIT = { timeout: 15_000, interval: 100 };
/** Playwright's auto-waiting, with vitest's expect (no @playwright/test here). */
const visible = (l: Locator) => l.first().waitFor({ state: 'visible', timeout: WAIT.timeout });
const hasText = (l: Locator, expected: string) =>
  expect
    .poll(
      () =>
        l
          .first()
          .innerText()
          .then((t) => t.trim()),
      WAIT,
    )
    .toBe(expected);
const hasAttr = (l: Locator, name: string, expected: string) =>
  expect.poll(() => l.first().getAttribute(name), WAIT).toBe(expected);
const contains = (l: Locator, expected: string) =>
  expect.poll(() => l.first().innerText(), WAIT).toContain(expected);

const shot = (p: Page, name: string) =>
  p.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

describe.skipIf(!hasChromium)('dashboard and chat simulator in Chromium', () => {
  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true });
    db = await openTestDb();
    dataDir = await mkdtemp(join(tmpdir(), 'dieu-phoi-browser-'));
    const config = loadConfig({
      PORT: '0',
      DATA_DIR: dataDir,
      ADMIN_TOKEN: 'browser-admin-token-0123456789',
      SANDBOX: '1',
    });
    service = await startService(config, {
      db,
      log: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
      scheduler: false,
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'vi-VN',
      acceptDownloads: true,
    });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('console', (m) => {
      if (m.type() === 'error' && !/status of 40[0-9]|status of 410/.test(m.text()))
        consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
  });

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await db?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('logs in with a one-time link', async () => {
    loginLink = await createLoginLink(db.db, service.url, 'Kiểm thử trình duyệt', new Date());
    await page.goto(loginLink);
    // The link page submits itself; the browser lands on the overview.
    await page.waitForURL(`${service.url}/`);
    await hasText(page.locator('h1'), 'Tổng quan');
    expect(await page.locator('html').getAttribute('lang')).toBe('vi');
    // Keyboard: the first Tab reaches the skip link, which becomes visible, and focus is outlined.
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const box = el.getBoundingClientRect();
      return { cls: el.className, left: box.left, outline: getComputedStyle(el).outlineStyle };
    });
    expect(focused.cls).toBe('skip');
    expect(focused.left).toBeGreaterThanOrEqual(0);
    expect(focused.outline).toBe('solid');
    await shot(page, '01-tong-quan');
  });

  it('imports units from a pasted appendix', async () => {
    await page.goto(`${service.url}/units`);
    // The demo's units are there already: seed 000's 123 rows and the 156 communes its row
    // "Chủ tịch UBND cấp xã" stood for, 13 under each district, folded under it.
    await visible(page.getByText('279 đơn vị;'));
    const fold = page.locator('details', { hasText: '13 đơn vị trực thuộc UBND Huyện Lấp Vò' });
    const commune = fold.getByRole('link', { name: 'UBND xã Hưng Thành', exact: true });
    expect(await commune.isVisible()).toBe(false);
    await fold.locator('summary').click();
    await visible(commune);
    await page
      .locator('tr', { has: page.getByRole('link', { name: 'UBND Huyện Lấp Vò', exact: true }) })
      .first()
      .scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, '02b-cay-don-vi.png') });
    await commune.click();
    await hasText(page.locator('h1'), 'UBND xã Hưng Thành');
    await contains(page.locator('dl.facts'), 'UBND Huyện Lấp Vò');
    await page.goto(`${service.url}/units`);
    const appendix = ['CÁC ĐƠN VỊ BỔ SUNG', '125\tSở Du lịch\t126\tTrung tâm Chuyển đổi số'].join(
      '\n',
    );
    await page.getByLabel('Dán phụ lục danh sách đơn vị').fill(appendix);
    await page.getByRole('button', { name: 'Nhập danh sách' }).click();
    await hasText(page.getByRole('status'), 'Đã nhập 2 đơn vị.');
    const row = page.locator('tr', { hasText: 'Trung tâm Chuyển đổi số' });
    await visible(row);
    await hasText(row.locator('td').first(), '126');
    await visible(page.locator('caption', { hasText: 'CÁC ĐƠN VỊ BỔ SUNG' }));
    await shot(page, '02-don-vi');
  });

  it('a unit replies to the invitation in the simulator and turns green on the event page', async () => {
    await page.goto(`${service.url}/sandbox`);
    const group = page.locator('#chat-so-y-te');
    const invitation = group.locator('li.from-bot', { hasText: 'Lớp tập huấn' }).first();
    await visible(invitation);
    await invitation.getByRole('link', { name: /^Trả lời/ }).click();
    await visible(group.locator('.reply-note'));
    await group.getByLabel('Tên người gửi').fill('Trần Thị Hoa');
    await group
      .getByLabel('Tin nhắn gửi vào Sở Y tế')
      .fill(
        'Sở Y tế cử 02 đồng chí:\n1. Ông Nguyễn Văn An - Phó Giám đốc Sở\n2. Bà Lê Thị Bình, Trưởng phòng Nghiệp vụ Y, ĐT 0912 345 678',
      );
    await group.getByRole('button', { name: 'Gửi', exact: true }).click();
    // The bot's answer arrives through the outbox and the page's polling.
    const answer = group.locator('li.from-bot', { hasText: 'Đã ghi nhận 2 người của Sở Y tế' });
    await visible(answer);
    await contains(
      group.locator('li.from-user', { hasText: 'Nguyễn Văn An' }).locator('.quote'),
      'Trả lời tin',
    );
    await group.scrollIntoViewIfNeeded();
    await shot(page, '03-mo-phong-dang-ky');

    await page.goto(`${service.url}/events`);
    await page.getByRole('link', { name: /Lớp tập huấn công tác thông tin đối ngoại/ }).click();
    const row = page.locator('#unit-010');
    await hasAttr(row, 'data-status', 'registered');
    const badge = row.locator('.badge');
    await hasText(badge, 'Đã đăng ký');
    const bg = await badge.evaluate((el) => getComputedStyle(el).backgroundColor);
    const [r, g, b] = bg.match(/\d+/g)!.map(Number);
    expect(g!).toBeGreaterThan(r!);
    expect(g!).toBeGreaterThan(b!);
    await contains(row, 'Nguyễn Văn An');
    await hasText(page.locator('#unit-081 .badge'), 'Chưa trả lời');
    await shot(page, '04-su-kien');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(SHOTS, '04b-su-kien-dien-thoai.png') });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('downloads the registrations as xlsx with the attendee in it', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Tệp Excel (.xlsx)' }).click(),
    ]);
    const path = join(dataDir, 'dang-ky.xlsx');
    await download.saveAs(path);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path);
    const texts: string[] = [];
    workbook.worksheets[0]!.eachRow((row) =>
      row.eachCell((cell) => texts.push(String(cell.text ?? ''))),
    );
    expect(texts.some((t) => t.includes('Nguyễn Văn An'))).toBe(true);
    expect(texts.some((t) => t.includes('Sở Y tế'))).toBe(true);
  });

  it('composes a broadcast, previews the recipients and watches the live status reach every simulated group', async () => {
    await page.goto(`${service.url}/broadcasts`);
    await page
      .getByLabel(/Nội dung thông báo/)
      .fill('Đề nghị các đơn vị gửi danh sách trước 17h thứ Sáu.');
    await page.getByLabel('Tất cả đơn vị').check();
    await page.getByRole('button', { name: 'Xem trước' }).click();
    // Five groups: three units, two communes of Lấp Vò; the district's group carries its other
    // eleven communes, so 16 units are reached.
    await visible(page.getByText('Sẽ gửi tới 5 nhóm chat của 16 đơn vị.'));
    await shot(page, '05-xem-truoc-thong-bao');
    // Hold the sandbox's outbox so the status page opens while deliveries are pending.
    const worker = service.workers.get('sandbox')!;
    await worker.stop();
    await page.getByRole('button', { name: 'Gửi ngay' }).click();
    await page.waitForURL(/\/broadcasts\/\d+$/);
    await hasText(page.locator('[data-field=pending]'), '5');
    await hasText(page.locator('[data-field=label]'), 'Đang gửi');
    await shot(page, '06a-thong-bao-dang-gui');
    worker.start();
    // The page polls status.json every second, updates the numbers and the bar, then reloads once.
    await hasText(page.locator('[data-field=sent]'), '5');
    await hasText(page.locator('[data-field=pending]'), '0');
    await hasText(page.locator('[data-field=failed]'), '0');
    await visible(page.getByText('Đã gửi tới tất cả các nhóm.'));
    expect(await page.locator('progress').evaluate((el) => (el as HTMLProgressElement).value)).toBe(
      5,
    );
    const states = await page
      .locator('tr[data-state]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-state')));
    expect(states).toEqual(['sent', 'sent', 'sent', 'sent', 'sent']);
    await shot(page, '06-trang-thai-thong-bao');
    const sandbox = service.adapters.find((a) => a.platform === 'sandbox') as SandboxAdapter;
    for (const chat of [
      'sandbox:so-y-te',
      'sandbox:ubnd-lap-vo',
      'sandbox:bao-dong-thap',
      'sandbox:xa-hung-binh',
      'sandbox:xa-hung-hoa',
    ]) {
      expect(
        sandbox.store
          .messagesOf(chat)
          .some((m) => m.text.includes('Đề nghị các đơn vị gửi danh sách')),
      ).toBe(true);
    }
    expect(
      sandbox.store
        .messagesOf('sandbox:ban-to-chuc')
        .some((m) => m.text.includes('Đề nghị các đơn vị gửi danh sách')),
    ).toBe(false);
  });

  it('shows a failed group with its reason and resends to it', async () => {
    await page.goto(`${service.url}/sandbox`);
    await page
      .locator('#chat-bao-dong-thap')
      .getByRole('button', { name: /^Bật lỗi gửi/ })
      .click();
    await visible(page.locator('#chat-bao-dong-thap').getByText('Đang giả lập lỗi gửi'));
    await page.goto(`${service.url}/broadcasts`);
    await page.getByLabel(/Nội dung thông báo/).fill('Thông báo riêng cho các cơ quan báo chí.');
    await page.getByLabel('Một nhóm đơn vị').check();
    await page
      .getByLabel('Nhóm đơn vị', { exact: true })
      .selectOption('CƠ QUAN BÁO CHÍ, TRUYỀN THÔNG');
    await page.getByRole('button', { name: 'Xem trước' }).click();
    await visible(page.getByText('Sẽ gửi tới 1 nhóm chat của 1 đơn vị.'));
    await page.getByRole('button', { name: 'Gửi ngay' }).click();
    await page.waitForURL(/\/broadcasts\/\d+$/);
    await hasText(page.locator('[data-field=failed]'), '1');
    const failure = page.locator('tr', { hasText: 'Báo Đồng Tháp' }).first();
    await contains(failure, 'lỗi giả lập');
    await shot(page, '06b-thong-bao-loi');
    const sandbox = service.adapters.find((a) => a.platform === 'sandbox') as SandboxAdapter;
    sandbox.store.setFailing('sandbox:bao-dong-thap', false);
    await page.getByRole('button', { name: 'Gửi lại nhóm lỗi' }).click();
    await visible(page.getByText('Đã gửi tới tất cả các nhóm.'));
    await hasText(page.locator('[data-field=sent]'), '1');
    await hasText(page.locator('[data-field=failed]'), '0');
    expect(
      sandbox.store
        .messagesOf('sandbox:bao-dong-thap')
        .some((m) => m.text.includes('Thông báo riêng cho các cơ quan báo chí')),
    ).toBe(true);
  });

  it('a unit reports in the simulator; the report page shows it submitted and charts it', async () => {
    await page.goto(`${service.url}/sandbox`);
    const group = page.locator('#chat-bao-dong-thap');
    await group
      .getByLabel('Tin nhắn gửi vào Báo Đồng Tháp')
      .fill('/baocao Báo Đồng Tháp đã gửi báo cáo số 12/BC-BĐT qua hệ thống văn bản.');
    await group.getByRole('button', { name: 'Gửi', exact: true }).click();
    await visible(group.locator('li.from-bot', { hasText: 'Đã ghi nhận' }));
    await page.goto(`${service.url}/reports`);
    await page
      .getByRole('link', {
        name: 'Báo cáo kết quả thực hiện Kế hoạch công tác thông tin đối ngoại',
      })
      .click();
    await visible(page.locator('svg[role=img]'));
    await hasText(page.locator('#unit-084 .badge'), 'Đã nộp');
    await hasText(page.locator('#unit-010 .badge'), 'Chưa nộp');
    expect(await page.locator('svg[role=img] rect').count()).toBeGreaterThan(0);
    expect(await page.locator('svg[role=img] desc').textContent()).toContain('1/25');
    await shot(page, '07-bao-cao');
  });

  it('a login link cannot be used twice', async () => {
    const other = await browser.newContext();
    const p = await other.newPage();
    const res = await p.goto(loginLink);
    expect(res!.status()).toBe(410);
    await visible(p.getByText('Liên kết đăng nhập này đã được dùng'));
    await p.goto(`${service.url}/units`);
    await hasText(p.locator('h1'), 'Đăng nhập trang quản trị');
    await shot(p, '08-lien-ket-da-dung');
    await other.close();
  });

  it('caused no script errors or CSP violations', () => {
    expect(consoleErrors).toEqual([]);
  });

  it('a POST without the CSRF token gets 403', async () => {
    const res = await page.request.post(`${service.url}/broadcasts/preview`, {
      form: { text: 'Không có mã CSRF', target: 'all' },
      maxRedirects: 0,
    });
    expect(res.status()).toBe(403);
    expect(await res.text()).toContain('Yêu cầu bị từ chối');
    const withWrong = await page.request.post(`${service.url}/broadcasts/preview`, {
      form: { text: 'x', target: 'all', _csrf: 'sai' },
      maxRedirects: 0,
    });
    expect(withWrong.status()).toBe(403);
  });
});
