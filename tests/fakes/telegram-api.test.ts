import { Telegram, Telegraf } from 'telegraf';
import { TelegramError } from 'telegraf';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeTelegramApi } from './telegram-api';
import { createTelegramUpdates, detectEntities } from './telegram-updates';

const TOKEN = '123456:TEST-token_abc';

describe('FakeTelegramApi driven by the real telegraf client', () => {
  const fake = new FakeTelegramApi();
  let tg: Telegram;

  beforeAll(async () => {
    await fake.start();
    tg = new Telegram(TOKEN, { apiRoot: fake.url });
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.stop());

  it('sendMessage returns a Telegram Message with sequential ids per chat and is recorded', async () => {
    const a1 = await tg.sendMessage(-4001, 'Xin chào các đơn vị');
    const a2 = await tg.sendMessage(-4001, 'Tin thứ hai');
    const b1 = await tg.sendMessage(-4002, 'Nhóm khác');
    expect([a1.message_id, a2.message_id, b1.message_id]).toEqual([1, 2, 1]);
    expect(a1.chat.id).toBe(-4001);
    expect(a1.from?.is_bot).toBe(true);
    expect(a1.text).toBe('Xin chào các đơn vị');
    expect(fake.textsTo(-4001)).toEqual(['Xin chào các đơn vị', 'Tin thứ hai']);
    const call = fake.callsOf('sendMessage')[0];
    expect(call?.params).toMatchObject({ chat_id: -4001, text: 'Xin chào các đơn vị' });
    expect(call?.token).toBe(TOKEN);
    expect(typeof call?.at).toBe('number');
  });

  it('getMe, setMyCommands, setWebhook/getWebhookInfo/deleteWebhook, sendChatAction, getChat, leaveChat', async () => {
    const me = await tg.getMe();
    expect(me).toMatchObject({ is_bot: true, username: 'dieuphoi_bot' });
    await tg.setMyCommands([{ command: 'dangky', description: 'Đăng ký người dự' }]);
    expect(fake.commands).toEqual([{ command: 'dangky', description: 'Đăng ký người dự' }]);
    await expect(
      tg.setMyCommands([{ command: 'Đăng-ký', description: 'x' }]),
    ).rejects.toMatchObject({ code: 400, description: 'Bad Request: BOT_COMMAND_INVALID' });
    expect(
      await tg.setWebhook('https://example.test/webhooks/telegram', {
        secret_token: 'abc_DEF-123',
      }),
    ).toBe(true);
    expect(await tg.getWebhookInfo()).toMatchObject({
      url: 'https://example.test/webhooks/telegram',
      pending_update_count: 0,
    });
    await expect(
      tg.setWebhook('https://example.test/x', { secret_token: 'có dấu' }),
    ).rejects.toMatchObject({ code: 400 });
    expect(await tg.deleteWebhook()).toBe(true);
    expect(await tg.sendChatAction(-4001, 'typing')).toBe(true);
    fake.setChat({ id: -4001, type: 'group', title: 'Sở Y tế' });
    expect(await tg.getChat(-4001)).toMatchObject({ id: -4001, title: 'Sở Y tế', type: 'group' });
    expect(await tg.leaveChat(-4001)).toBe(true);
    await expect(tg.sendMessage(-4001, 'x')).rejects.toMatchObject({ code: 403 });
  });

  it('answers 429 with retry_after when 31 sends fire within a second, and counts the violation', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 31 }, (_, i) => tg.sendMessage(1000 + i, `tin ${i}`)),
    );
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(30);
    expect(rejected).toHaveLength(1);
    const e = rejected[0]?.reason as TelegramError;
    expect(e).toBeInstanceOf(TelegramError);
    expect(e.code).toBe(429);
    expect(e.description).toMatch(/^Too Many Requests: retry after \d+$/);
    expect(e.parameters?.retry_after).toBeGreaterThanOrEqual(1);
    expect(fake.violations).toBe(1);
    expect(fake.violationLog[0]?.kind).toBe('global');
  });

  it('limits a group to 20 sends per minute; an early retry is another violation', async () => {
    for (let i = 0; i < 20; i++) await tg.sendMessage(-4100, `tin ${i}`);
    const e = (await tg.sendMessage(-4100, 'tin 21').catch((x: unknown) => x)) as TelegramError;
    expect(e.code).toBe(429);
    expect(e.parameters?.retry_after).toBeGreaterThan(1);
    await tg.sendMessage(4100, 'private chats are not limited per chat');
    await expect(tg.sendMessage(-4100, 'again too early')).rejects.toMatchObject({ code: 429 });
    expect(fake.violationLog.map((v) => v.kind)).toEqual(['chat', 'early-retry']);
  });

  it('does not answer 429 with enforceLimits false, but still counts', async () => {
    const loose = new FakeTelegramApi({ enforceLimits: false });
    await loose.start();
    try {
      const t = new Telegram(TOKEN, { apiRoot: loose.url });
      await Promise.all(Array.from({ length: 32 }, (_, i) => t.sendMessage(i + 1, 'x')));
      expect(loose.violations).toBe(2);
    } finally {
      await loose.stop();
    }
  });

  it('kick → 403 TelegramError', async () => {
    fake.kick(-4200);
    const e = (await tg.sendMessage(-4200, 'x').catch((x: unknown) => x)) as TelegramError;
    expect(e).toBeInstanceOf(TelegramError);
    expect(e.code).toBe(403);
    expect(e.description).toBe('Forbidden: bot was kicked from the group chat');
  });

  it('migrate → 400 with parameters.migrate_to_chat_id; the new id works', async () => {
    fake.migrate(-4300, -1001234567890);
    const e = (await tg.sendMessage(-4300, 'x').catch((x: unknown) => x)) as TelegramError;
    expect(e.code).toBe(400);
    expect(e.description).toBe('Bad Request: group chat was upgraded to a supergroup chat');
    expect(e.parameters?.migrate_to_chat_id).toBe(-1001234567890);
    const ok = await tg.sendMessage(-1001234567890, 'y');
    expect(ok.chat.type).toBe('supergroup');
  });

  it('chat not found, scripted failures and 502 Bad Gateway', async () => {
    fake.deleteChat(-4400);
    await expect(tg.sendMessage(-4400, 'x')).rejects.toMatchObject({
      code: 400,
      description: 'Bad Request: chat not found',
    });
    fake.failNext('sendMessage', 2, 502);
    await expect(tg.sendMessage(-4401, 'x')).rejects.toMatchObject({
      code: 502,
      description: 'Bad Gateway',
    });
    await expect(tg.sendMessage(-4401, 'x')).rejects.toMatchObject({ code: 502 });
    await expect(tg.sendMessage(-4401, 'x')).resolves.toMatchObject({ message_id: 1 });
    fake.failNext('sendMessage', 1, 429, { retryAfter: 7 });
    await expect(tg.sendMessage(-4402, 'x')).rejects.toMatchObject({
      code: 429,
      parameters: { retry_after: 7 },
    });
    fake.storm429(1500);
    await expect(tg.getMe()).rejects.toMatchObject({ code: 429, parameters: { retry_after: 2 } });
    expect(fake.violations).toBe(0);
  });

  it('rejects malformed HTML / MarkdownV2, too-long texts, too-long callback data, and no-op edits', async () => {
    await expect(tg.sendMessage(1, 'a < b', { parse_mode: 'HTML' })).rejects.toMatchObject({
      code: 400,
      description: expect.stringContaining("can't parse entities"),
    });
    await expect(
      tg.sendMessage(1, '<b>đậm</b> &lt;3', { parse_mode: 'HTML' }),
    ).resolves.toMatchObject({ text: 'đậm <3' });
    await expect(
      tg.sendMessage(1, 'Hạn 10/11/2024.', { parse_mode: 'MarkdownV2' }),
    ).rejects.toMatchObject({
      description:
        "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'",
    });
    await expect(
      tg.sendMessage(1, '*Hạn* 10/11/2024\\.', { parse_mode: 'MarkdownV2' }),
    ).resolves.toMatchObject({ text: 'Hạn 10/11/2024.' });
    await expect(tg.sendMessage(1, 'x'.repeat(4097))).rejects.toMatchObject({
      description: 'Bad Request: message is too long',
    });
    await expect(
      tg.sendMessage(1, 'chọn', {
        reply_markup: {
          inline_keyboard: [[{ text: 'Đồng ý', callback_data: 'đồng-ý:'.repeat(10) }]],
        },
      }),
    ).rejects.toMatchObject({ description: 'Bad Request: BUTTON_DATA_INVALID' });
    const m = await tg.sendMessage(-4500, 'Đã gửi 0/10');
    const edited = await tg.editMessageText(-4500, m.message_id, undefined, 'Đã gửi 5/10');
    expect(edited).toMatchObject({ text: 'Đã gửi 5/10' });
    await expect(
      tg.editMessageText(-4500, m.message_id, undefined, 'Đã gửi 5/10'),
    ).rejects.toMatchObject({
      description: expect.stringContaining('Bad Request: message is not modified'),
    });
    await expect(tg.editMessageText(-4500, 999, undefined, 'x')).rejects.toMatchObject({
      description: 'Bad Request: message to edit not found',
    });
    expect(fake.messagesTo(-4500)[0]).toMatchObject({
      text: 'Đã gửi 5/10',
      edits: ['Đã gửi 0/10'],
    });
  });

  it('records a multipart sendDocument with its file name and size', async () => {
    const data = Buffer.from('Mã,Tên\nSYT,Sở Y tế\n', 'utf8');
    const msg = await tg.sendDocument(
      -4600,
      { source: data, filename: 'Danh sách đăng ký.csv' },
      { caption: 'Tổng hợp' },
    );
    expect(msg.document).toMatchObject({
      file_name: 'Danh sách đăng ký.csv',
      file_size: data.length,
      mime_type: 'text/csv',
    });
    const call = fake.callsOf('sendDocument')[0];
    expect(call?.params).toMatchObject({
      chat_id: '-4600',
      caption: 'Tổng hợp',
      document: { fileName: 'Danh sách đăng ký.csv', size: data.length },
    });
    const sent = fake.messagesTo(-4600)[0];
    expect(sent?.document?.data?.toString('utf8')).toBe(data.toString('utf8'));
    expect(sent?.caption).toBe('Tổng hợp');
  });

  it('getUpdates returns pushed updates, honours offset and long-polls until one arrives', async () => {
    const b = createTelegramUpdates();
    const group = b.group({ title: 'Phòng VH-TT' });
    const user = b.user({ first_name: 'An', last_name: 'Nguyễn', username: 'an_nguyen' });
    const u1 = b.command(group, user, '/lienket', 'ABC123');
    const u2 = b.text(group, user, 'Ông Nguyễn Văn An - PGĐ');
    fake.pushUpdate(u1);
    fake.pushUpdate(u2);
    const first = await tg.getUpdates(0, 100, 0, undefined);
    expect(first.map((u) => u.update_id)).toEqual([u1.update_id, u2.update_id]);
    expect(first[0]).toEqual(u1);
    const again = await tg.getUpdates(0, 100, u2.update_id + 1, undefined);
    expect(again).toEqual([]);
    expect(fake.pendingUpdates).toBe(0);

    const started = Date.now();
    const waiting = tg.getUpdates(5, 100, u2.update_id + 1, undefined);
    setTimeout(() => fake.pushUpdate(b.text(group, user, 'dạ em gửi ạ')), 150);
    const late = await waiting;
    expect(late).toHaveLength(1);
    expect(late[0]).toMatchObject({ message: { text: 'dạ em gửi ạ' } });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('serves a real Telegraf bot in long-polling mode', async () => {
    const b = createTelegramUpdates();
    const group = b.group();
    const user = b.user();
    const bot = new Telegraf(TOKEN, { telegram: { apiRoot: fake.url } });
    bot.command('huongdan', (ctx) => ctx.reply('help'));
    const launched = bot.launch({ dropPendingUpdates: false });
    fake.pushUpdate(b.command(group, user, '/huongdan'));
    await fake.waitForCalls('sendMessage', 1);
    bot.stop('test');
    await launched.catch(() => undefined);
    expect(fake.textsTo(group.id)).toEqual(['help']);
    expect(fake.callsOf('sendMessage')[0]?.params).toMatchObject({
      chat_id: group.id,
      text: 'help',
    });
  });

  it('POSTs pushed updates to a webhook with the secret header', async () => {
    const { createServer } = await import('node:http');
    const got: Array<{ secret: string | undefined; body: unknown }> = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        got.push({
          secret: req.headers['x-telegram-bot-api-secret-token'] as string | undefined,
          body: JSON.parse(body),
        });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (receiver.address() as { port: number }).port;
      await tg.setWebhook(`http://127.0.0.1:${port}/webhooks/telegram`, { secret_token: 's3cret' });
      const b = createTelegramUpdates();
      const u = b.text(b.group(), b.user(), 'hello');
      fake.pushUpdate(u);
      await fake.webhookIdle();
      expect(got).toEqual([{ secret: 's3cret', body: u }]);
      expect(fake.webhookDeliveries[0]).toMatchObject({ update_id: u.update_id, status: 200 });
      await expect(tg.getUpdates(0, 100, 0, undefined)).rejects.toMatchObject({ code: 409 });
    } finally {
      await new Promise<void>((r) => receiver.close(() => r()));
    }
  });
});

describe('telegram-updates builders', () => {
  it('builds Telegram-shaped updates with UTF-16 entity offsets and auto-incremented ids', () => {
    const b = createTelegramUpdates({ startUpdateId: 500 });
    const group = b.group({ title: 'UBND xã' });
    const user = b.user({ first_name: 'Bình', last_name: 'Lê' });
    const u = b.text(group, user, '👍 Gửi @dieuphoi_bot /baocao@dieuphoi_bot xong');
    expect(u.update_id).toBe(500);
    expect(u.message.message_id).toBe(1);
    expect(u.message.from).toMatchObject({
      is_bot: false,
      first_name: 'Bình',
      last_name: 'Lê',
      language_code: 'vi',
    });
    expect(u.message.chat).toMatchObject({ id: group.id, title: 'UBND xã', type: 'group' });
    expect(u.message.entities).toEqual([
      { type: 'mention', offset: 7, length: 13 },
      { type: 'bot_command', offset: 21, length: 20 },
    ]);
    const text = u.message.text ?? '';
    expect(text.slice(7, 20)).toBe('@dieuphoi_bot');
    expect(text.slice(21, 41)).toBe('/baocao@dieuphoi_bot');

    const reply = b.text(group, user, 'ok', { replyTo: u.message });
    expect(reply.update_id).toBe(501);
    expect(reply.message.message_id).toBe(2);
    expect(reply.message.reply_to_message?.message_id).toBe(1);

    const cmd = b.command(group, user, 'dangky', 'Ông A');
    expect(cmd.message.text).toBe('/dangky@dieuphoi_bot Ông A');
    expect(cmd.message.entities).toEqual([{ type: 'bot_command', offset: 0, length: 20 }]);

    const doc = b.document(group, user, {
      fileName: 'Báo cáo.pdf',
      mimeType: 'application/pdf',
      size: 1234,
      caption: '/baocao',
    });
    expect(doc.message.document).toMatchObject({
      file_name: 'Báo cáo.pdf',
      mime_type: 'application/pdf',
      file_size: 1234,
    });
    expect(doc.message.caption_entities).toEqual([{ type: 'bot_command', offset: 0, length: 7 }]);

    const cb = b.callbackQuery(user, reply.message, 'confirm:1');
    expect(cb.callback_query).toMatchObject({ from: user, data: 'confirm:1' });
    expect(typeof cb.callback_query.id).toBe('string');
    expect(typeof cb.callback_query.chat_instance).toBe('string');

    const removed = b.botRemoved(group, user, 'kicked');
    expect(removed.my_chat_member.old_chat_member.status).toBe('member');
    expect(removed.my_chat_member.new_chat_member).toMatchObject({
      status: 'kicked',
      user: { is_bot: true },
    });

    const [to, from] = b.migrated(group, user, -1009999999999);
    expect(to.message.migrate_to_chat_id).toBe(-1009999999999);
    expect(from.message).toMatchObject({
      chat: { id: -1009999999999, type: 'supergroup' },
      migrate_from_chat_id: group.id,
    });

    const [mcm, joined] = b.botAdded(group, user);
    expect(mcm.my_chat_member?.new_chat_member.status).toBe('member');
    expect(joined.message.new_chat_members?.[0]?.is_bot).toBe(true);

    const photo = b.photo(group, user, { caption: 'ảnh' });
    expect(photo.message.photo?.length).toBeGreaterThan(1);
  });

  it('detects entities in decomposed Vietnamese text by UTF-16 offsets', () => {
    const text = 'Đa\u0300 /dangky'.normalize('NFD');
    const e = detectEntities(text);
    expect(e).toHaveLength(1);
    expect(text.slice(e[0]?.offset, (e[0]?.offset ?? 0) + (e[0]?.length ?? 0))).toBe('/dangky');
  });
});

describe('FakeZaloBotApi (official Zalo Bot API, sources in bots/zalo-bot/README.md)', () => {
  it('sends, rejects texts over 2,000 chars, scripts failures, serves getUpdates and the webhook', async () => {
    const { FakeZaloBotApi, createZaloBotUpdates } = await import('./zalo-bot-api');
    const fake = new FakeZaloBotApi({ token: 'zb-token' });
    await fake.start();
    const call = async (method: string, body: unknown, token = 'zb-token') => {
      const res = await fetch(`${fake.url}/bot${token}/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, json: (await res.json()) as Record<string, unknown> };
    };
    try {
      expect((await call('getMe', {})).json).toMatchObject({
        ok: true,
        result: { account_name: 'bot.dieuphoi' },
      });
      // Failures are `ok:false` bodies, with HTTP 200: `ok` is what tells success.
      expect(await call('getMe', {}, 'wrong')).toMatchObject({
        status: 200,
        json: { ok: false, error_code: 401 },
      });
      const a = await call('sendMessage', { chat_id: 'c1', text: 'Xin chào' });
      const b = await call('sendMessage', { chat_id: 'c1', text: 'Lần hai' });
      expect(a.json).toMatchObject({ ok: true, result: { message_id: '1' } });
      expect(b.json).toMatchObject({ ok: true, result: { message_id: '2' } });
      expect(await call('sendMessage', { chat_id: 'c1', text: 'x'.repeat(2001) })).toMatchObject({
        status: 200,
        json: { ok: false, error_code: 400 },
      });
      fake.failNext('sendMessage', 1, 429);
      expect((await call('sendMessage', { chat_id: 'c1', text: 'x' })).json).toMatchObject({
        ok: false,
        error_code: 429,
      });
      fake.forbid('c2');
      expect((await call('sendMessage', { chat_id: 'c2', text: 'x' })).json).toMatchObject({
        ok: false,
        error_code: 403,
      });
      expect(fake.textsTo('c1')).toEqual(['Xin chào', 'Lần hai']);

      const zb = createZaloBotUpdates();
      const upd = zb.text(zb.group(), zb.user({ display_name: 'Lê Bình' }), '/baocao xong');
      expect(upd).toMatchObject({
        ok: true,
        result: {
          event_name: 'message.text.received',
          message: { chat: { chat_type: 'GROUP' }, from: { is_bot: false }, text: '/baocao xong' },
        },
      });
      const waiting = call('getUpdates', { timeout: 5 });
      setTimeout(() => fake.pushUpdate(upd), 100);
      expect((await waiting).json).toEqual({ ok: true, result: upd.result });
      expect((await call('getUpdates', { timeout: 0 })).json).toMatchObject({
        ok: false,
        error_code: 408,
      });

      const { createServer } = await import('node:http');
      const got: Array<{ secret: unknown; body: unknown }> = [];
      const receiver = createServer((req, res) => {
        let s = '';
        req.on('data', (c: Buffer) => (s += c.toString('utf8')));
        req.on('end', () => {
          got.push({ secret: req.headers['x-bot-api-secret-token'], body: JSON.parse(s) });
          res.writeHead(200).end();
        });
      });
      await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
      const port = (receiver.address() as { port: number }).port;
      expect(
        (
          await call('setWebhook', {
            url: `http://127.0.0.1:${port}/webhooks/zalo-bot`,
            secret_token: 'secret-123',
          })
        ).json,
      ).toMatchObject({ ok: true });
      fake.pushUpdate(upd);
      await fake.webhookIdle();
      await new Promise<void>((r) => receiver.close(() => r()));
      // Delivered bare, as real deliveries are: {event_name, message}.
      expect(got).toEqual([{ secret: 'secret-123', body: upd.result }]);
    } finally {
      await fake.stop();
    }
  });
});
