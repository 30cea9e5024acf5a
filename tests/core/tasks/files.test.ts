/**
 * Files units send are fetched after the message by a job, from a platform that speaks real HTTP
 * on 127.0.0.1: Telegram's getFile + file path (20 MB limit), and Zalo's attachment URLs. Files
 * over FILE_STORE_MAX_BYTES are recorded with their size and not kept.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { telegramFileFetcher, TELEGRAM_GETFILE_LIMIT } from '../../../bots/telegram/files';
import { FileTooLargeError } from '../../../src/core/files/download';
import { fetchPlatformFile } from '../../../src/core/files/store';
import { createCampaign } from '../../../src/core/reports/manage';
import { runTick } from '../../../src/core/scheduler/handlers';
import { openTestDb, type TestDb } from '../../helpers/db';
import { TestClock, testContext } from '../../helpers/context';
import { chatSim, putUnits } from '../../helpers/chat';

const TOKEN = '123:abc';
let server: Server;
let root: string;
const downloads: string[] = [];
const FILES: Record<string, { path: string; body: Buffer; size?: number }> = {
  small: { path: 'documents/bao-cao.pdf', body: Buffer.from('%PDF-1.4 báo cáo') },
  huge: { path: 'documents/huge.zip', body: Buffer.alloc(10), size: TELEGRAM_GETFILE_LIMIT + 1 },
  big: { path: 'documents/big.pdf', body: Buffer.alloc(4096, 1) },
};

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    if (url.pathname === `/bot${TOKEN}/getFile`) {
      const f = FILES[url.searchParams.get('file_id') ?? ''];
      res.setHeader('content-type', 'application/json');
      if (!f)
        return res.end(JSON.stringify({ ok: false, description: 'Bad Request: invalid file_id' }));
      return res.end(
        JSON.stringify({
          ok: true,
          result: { file_id: 'x', file_path: f.path, file_size: f.size ?? f.body.length },
        }),
      );
    }
    const file = Object.values(FILES).find((f) => url.pathname === `/file/bot${TOKEN}/${f.path}`);
    if (file) {
      downloads.push(file.path);
      res.setHeader('content-length', String(file.body.length));
      return res.end(file.body);
    }
    if (url.pathname === '/zalo/att.jpg') {
      downloads.push('zalo');
      res.setHeader('content-type', 'image/jpeg');
      return res.end(Buffer.from('JPEGDATA'));
    }
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('Telegram getFile', () => {
  const fetchFile = () => telegramFileFetcher({ token: TOKEN, apiRoot: root });

  it('downloads a file through getFile and its path', async () => {
    const f = await fetchFile()('small', 1024 * 1024);
    expect(Buffer.from(f.data).toString()).toBe('%PDF-1.4 báo cáo');
    expect(f.fileName).toBe('bao-cao.pdf');
  });

  it('refuses a file over Telegram’s 20 MB without downloading it', async () => {
    downloads.length = 0;
    await expect(fetchFile()('huge', 50 * 1024 * 1024)).rejects.toBeInstanceOf(FileTooLargeError);
    expect(downloads).toEqual([]);
  });

  it('refuses a file over the store limit and fails loudly on an unknown file', async () => {
    const err = await fetchFile()('big', 1000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileTooLargeError);
    expect((err as FileTooLargeError).size).toBe(4096);
    await expect(fetchFile()('nope', 1000)).rejects.toThrow(/invalid file_id/);
  });
});

describe('stored after the message, below FILE_STORE_MAX_BYTES', () => {
  let db: TestDb;
  let ctx: ReturnType<typeof testContext>;
  let sim: ReturnType<typeof chatSim>;

  beforeAll(async () => {
    db = await openTestDb();
    ctx = testContext(db, new TestClock(new Date('2024-11-04T02:00:00Z')), {
      FILE_STORE_MAX_BYTES: '2000',
    });
    ctx.platforms = {
      telegram: { fetchFile: telegramFileFetcher({ token: TOKEN, apiRoot: root }) },
    };
    sim = chatSim(ctx);
    const codes = await putUnits(ctx, [{ code: 'A', name: 'UBND xã Phổ An' }]);
    await sim.say('gA', `/lienket ${codes.A}`);
  });
  afterAll(() => db.close());

  it('a report with files: each fetched by its own job, the large one recorded but not kept', async () => {
    await createCampaign(ctx, {
      title: 'Báo cáo quý IV',
      deadline: new Date('2024-11-10T17:00:00Z'),
      units: 'all',
    });
    await sim.deliverAll();
    const notice = await sim.find('gA', /YÊU CẦU BÁO CÁO/);
    await sim.say('gA', 'Đã gửi báo cáo số 12/BC-UBND', {
      replyToMessageId: notice,
      attachments: [
        { kind: 'document', fileId: 'small', fileName: 'BC quý IV.pdf', size: 18 },
        { kind: 'document', fileId: 'big', fileName: 'phu-luc.pdf' },
      ],
    });
    const jobs = await db.db
      .selectFrom('scheduled_jobs')
      .select('key')
      .where('kind', '=', 'file.fetch')
      .execute();
    expect(jobs).toHaveLength(2);
    await runTick(ctx);
    // A download that failed on a dropped connection is retried a few minutes later.
    for (let i = 0; i < 3; i++) {
      ctx.testClock.advance(10 * 60_000);
      await runTick(ctx);
    }
    const rows = await db.db.selectFrom('stored_files').selectAll().orderBy('id').execute();
    expect(rows.map((r) => [r.file_name, r.state, Number(r.size)])).toEqual([
      ['BC quý IV.pdf', 'stored', 18],
      ['phu-luc.pdf', 'too_large', 4096],
    ]);
    expect(rows[1]!.data).toBeNull();
  });

  it('downloads a Zalo attachment from its URL (the Zalo adapters give a URL as the file id)', async () => {
    const f = await fetchPlatformFile(ctx, 'zalo', `${root}/zalo/att.jpg`, 1000);
    expect(Buffer.from(f.data).toString()).toBe('JPEGDATA');
    expect(f.mimeType).toBe('image/jpeg');
    await expect(fetchPlatformFile(ctx, 'zalo-bot', 'not-a-url', 1000)).rejects.toThrow();
  });
});
