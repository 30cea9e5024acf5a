/**
 * Telegram redelivers an update when it did not get a 200 in time, and two instances behind a
 * load balancer may both receive it. The same update posted three times — one after another,
 * all at once, and spread over two service instances sharing the database — has one effect and
 * draws one reply.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { openPostgres, type DbHandle } from '../../src/db/client';
import { createLogger } from '../../src/log';
import { startService, type RunningService } from '../../src/service';
import type { TgChat, TgUpdate } from '../fakes/telegram-updates';
import { usingPostgres } from '../helpers/db';
import {
  ADMIN,
  SECRET,
  startTelegramHarness,
  TOKEN,
  type Harness,
} from '../helpers/telegram-harness';

let h: Harness;
let b: RunningService;
let bDb: DbHandle | null = null;
let joinCode: string;
let group: TgChat;
const user = () => h.tg.user({ first_name: 'Thảo' });

const postTo = (url: string, update: TgUpdate) =>
  fetch(`${url}/webhooks/telegram`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
    body: JSON.stringify(update),
  });

const repliesTo = (u: TgUpdate) =>
  h.fake
    .messagesTo(group.id)
    .filter((m) => m.reply_to_message_id === (u.message as { message_id: number }).message_id);

async function audit(action: string): Promise<number> {
  const r = await h.db.db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('action', '=', action)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

beforeAll(async () => {
  h = await startTelegramHarness({ env: { INSTANCE_ID: 'repeat-a' } });
  // Instance B: its own pool on the same schema (Postgres), or the same embedded database (PGlite).
  if (usingPostgres && h.db.url && h.db.searchPath)
    bDb = await openPostgres(h.db.url, { searchPath: h.db.searchPath });
  const config = loadConfig({
    PORT: '0',
    DATA_DIR: await mkdtemp(join(tmpdir(), 'dieu-phoi-b-')),
    ADMIN_TOKEN: ADMIN,
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: h.fake.url,
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    PUBLIC_URL: 'http://127.0.0.1:9',
    INSTANCE_ID: 'repeat-b',
  });
  b = await startService(config, {
    db: bDb ?? h.db,
    clock: h.clock.now,
    log: createLogger('silent'),
    scheduler: false,
  });

  const res = await h.api('PUT', '/units', [
    { code: 'STC', name: 'Sở Tài chính', category: 'Sở, ban, ngành' },
    { code: 'SXD', name: 'Sở Xây dựng', category: 'Sở, ban, ngành' },
  ]);
  joinCode = ((await res.json()) as Array<{ code: string; joinCode: string }>).find(
    (u) => u.code === 'STC',
  )!.joinCode;
  group = h.tg.group({ title: 'Sở Tài chính' });
}, 60_000);

afterAll(async () => {
  await b?.stop();
  await bDb?.close();
  await h?.close();
});

describe('the same update posted three times has one effect and one reply', () => {
  it('sequentially: /lienket links once and answers once', async () => {
    const u = h.tg.command(group, user(), '/lienket', joinCode);
    for (let i = 0; i < 3; i++) expect((await h.post(u)).status).toBe(200);
    await h.settle();
    expect(repliesTo(u)).toHaveLength(1);
    expect(repliesTo(u)[0]!.text).toContain('Đã liên kết nhóm này với đơn vị: Sở Tài chính');
    expect(await audit('link')).toBe(1);
    const chats = await h.db.db
      .selectFrom('chats')
      .select(['role', 'external_id'])
      .where('external_id', '=', String(group.id))
      .execute();
    expect(chats).toEqual([{ role: 'unit', external_id: String(group.id) }]);
  });

  it('concurrently: /dangky registers once and answers once', async () => {
    const now = h.clock.now().getTime();
    const day = 86_400_000;
    const created = await h.api('POST', '/events', {
      title: 'Hội nghị kiểm thử gửi lặp',
      startsAt: new Date(now + 10 * day).toISOString(),
      registrationDeadline: new Date(now + 5 * day).toISOString(),
      units: ['STC'],
      agenda: [],
    });
    expect(created.status).toBe(201);
    await h.settle();
    const u = h.tg.command(
      group,
      user(),
      '/dangky',
      '1. Ông Nguyễn Văn Hùng - Phó Giám đốc\n2. Bà Trần Thị Mai - Chuyên viên',
    );
    const statuses = await Promise.all(
      [h.post(u), h.post(u), h.post(u)].map(async (p) => (await p).status),
    );
    expect(statuses).toEqual([200, 200, 200]);
    await h.settle();
    expect(repliesTo(u)).toHaveLength(1);
    expect(repliesTo(u)[0]!.text).toContain('Đã ghi nhận 2 người của Sở Tài chính');
    expect(await audit('registration')).toBe(1);
    const attendees = await h.db.db.selectFrom('attendees').select('name').execute();
    expect(attendees.map((a) => a.name).sort()).toEqual(['Nguyễn Văn Hùng', 'Trần Thị Mai']);
  });

  it('over two instances sharing the database, concurrently and one after another: /baocao once, /them once', async () => {
    const deadline = new Date(h.clock.now().getTime() + 7 * 86_400_000).toISOString();
    const c = await h.api('POST', '/campaigns', {
      title: 'Báo cáo kiểm thử hai phiên bản',
      deadline,
      units: ['STC'],
    });
    expect(c.status).toBe(201);
    await h.settle();

    const report = h.tg.command(
      group,
      user(),
      '/baocao',
      'Đã gửi báo cáo số 12/BC-STC qua hệ thống quản lý văn bản.',
    );
    const concurrent = await Promise.all([
      postTo(h.service.url, report),
      postTo(b.url, report),
      postTo(h.service.url, report),
    ]);
    expect(concurrent.map((r) => r.status)).toEqual([200, 200, 200]);

    const add = h.tg.command(group, user(), '/them', 'Ông Lê Văn Phúc - Kế toán trưởng');
    for (const url of [b.url, h.service.url, b.url])
      expect((await postTo(url, add)).status).toBe(200);
    b.workers.forEach((w) => w.poke());
    await h.settle();

    expect(repliesTo(report)).toHaveLength(1);
    expect(await audit('report.submitted')).toBe(1);
    const submissions = await h.db.db.selectFrom('submissions').select(['text']).execute();
    expect(submissions).toHaveLength(1);

    expect(repliesTo(add)).toHaveLength(1);
    expect(repliesTo(add)[0]!.text).toContain('Phúc');
    const attendees = await h.db.db.selectFrom('attendees').select('name').execute();
    expect(attendees.map((a) => a.name).sort()).toEqual([
      'Lê Văn Phúc',
      'Nguyễn Văn Hùng',
      'Trần Thị Mai',
    ]);
    const processed = await h.db.db
      .selectFrom('processed_updates')
      .select('update_key')
      .where('update_key', 'in', [String(report.update_id), String(add.update_id)])
      .execute();
    expect(processed).toHaveLength(2);
  });
});
