/**
 * The Zalo Bot API adapter against tests/fakes/zalo-bot-api.ts: start-up (getMe once, setWebhook
 * with the secret), the webhook's answers (always 200 once parsed; wrapped and bare bodies; the
 * leading @mention of a group message removed), a message surviving a database outage, getUpdates
 * polling (one update per call, 408 when idle, never while a webhook is set), and the sender.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelAdapter } from '../../../bots/adapter';
import { createZaloBotAdapter, type ZaloBotAdapterOptions } from '../../../bots/zalo-bot/index';
import { stripLeadingMention } from '../../../bots/zalo-bot/inbound';
import type { InboundMessage, InboundSink } from '../../../src/core/channel';
import { createLogger } from '../../../src/log';
import { createZaloBotUpdates, FakeZaloBotApi } from '../../fakes/zalo-bot-api';
import { openTestDb, type TestDb } from '../../helpers/db';

const TOKEN = 'zb-test-token-123';
const SECRET = 'zalo_webhook_secret_1';
const log = createLogger('silent');

class Sink implements InboundSink {
  readonly messages: InboundMessage[] = [];
  /** The next n calls fail as a dropped database connection would. */
  failing = 0;
  calls = 0;
  async message(msg: InboundMessage) {
    this.calls++;
    if (this.failing > 0) {
      this.failing--;
      throw Object.assign(new Error('Connection terminated unexpectedly'), { code: '57P01' });
    }
    this.messages.push(msg);
    return 'handled' as const;
  }
  async event() {
    return 'handled' as const;
  }
}

/** Serves the adapter's webhook on loopback, the way the Hono app mounts it. */
async function serveWebhook(
  handle: (request: Request) => Promise<Response>,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
    const response = await handle(
      new Request(`http://127.0.0.1${req.url}`, {
        method: req.method,
        headers,
        body: Buffer.concat(chunks),
      }),
    );
    res.writeHead(response.status, { 'content-type': 'application/json' });
    res.end(await response.text());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

function post(
  adapter: ChannelAdapter,
  body: string,
  secret: string | null = SECRET,
): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (secret !== null) headers['x-bot-api-secret-token'] = secret;
  return adapter.webhook!.handle(
    new Request('http://adapter.test/webhooks/zalo', { method: 'POST', headers, body }),
  );
}

function adapterWith(o: Partial<ZaloBotAdapterOptions> = {}): ChannelAdapter {
  return createZaloBotAdapter({
    token: TOKEN,
    apiRoot: fake.url,
    webhookSecret: SECRET,
    publicUrl: null,
    botName: 'Điều phối',
    sink: new Sink(),
    log,
    handover: { quickRetryMs: [5, 10, 20], backgroundRetryMs: [30, 60] },
    ...o,
  });
}

let fake: FakeZaloBotApi;
beforeAll(async () => {
  fake = new FakeZaloBotApi({ token: TOKEN });
  await fake.start();
});
afterEach(() => {
  // Whatever a test did, the bot never used a method or a parameter the API lacks.
  expect(fake.unknownCalls.map((c) => c.method)).toEqual([]);
  expect(fake.unknownParams).toEqual([]);
  fake.reset();
});
afterAll(() => fake.stop());

describe('the leading @mention of a group message', () => {
  it.each([
    ['@Điều phối /lienket abc', '/lienket abc'],
    ['@điều PHỐI /lienket abc', '/lienket abc'],
    ['@Điều phối xin phép vắng', 'xin phép vắng'],
    ['@Điều phối đã gửi báo cáo số 45/BC-UBND', 'đã gửi báo cáo số 45/BC-UBND'],
    ['@Điều phối 1. Ông Nguyễn Văn An - PGĐ Sở', '1. Ông Nguyễn Văn An - PGĐ Sở'],
    // A name we were not told: recognised before a command or a list.
    ['@Bot Điều Phối 1. Ông Nguyễn Văn An', '1. Ông Nguyễn Văn An'],
    ['@Trợ lý BTC /lienket abc', '/lienket abc'],
    ['@Trợ lý BTC\n1. Bà Lê Thị Bình', '1. Bà Lê Thị Bình'],
    ['@Điều phối @Trợ lý /baocao xong', '/baocao xong'],
    // Decomposed Unicode, as some phones send it.
    ['@Điều phối /lienket abc'.normalize('NFD'), '/lienket abc'],
    ['không nhắc tên', 'không nhắc tên'],
  ])('%j → %j', (text, expected) => {
    expect(stripLeadingMention(text, 'Điều phối')).toBe(expected);
  });

  it('leaves a mention it cannot delimit alone', () => {
    expect(stripLeadingMention('@Trợ lý BTC xin phép vắng', 'Điều phối')).toBe(
      '@Trợ lý BTC xin phép vắng',
    );
  });
});

describe('zalo-bot webhook', () => {
  it('starts with one getMe and a setWebhook carrying the secret; the fake then delivers to it (bare body)', async () => {
    const sink = new Sink();
    // The webhook server must exist before setWebhook: its URL is the public URL.
    let adapter!: ChannelAdapter;
    const server = await serveWebhook((r) => adapter.webhook!.handle(r));
    adapter = adapterWith({ publicUrl: server.url, sink });
    try {
      await adapter.start();
      expect(fake.callsOf('getMe')).toHaveLength(1);
      expect(fake.callsOf('setWebhook')[0]!.params).toEqual({
        url: `${server.url}/webhooks/zalo`,
        secret_token: SECRET,
      });
      expect(adapter.botUsername()).toBe(fake.bot.account_name);
      expect(adapter.health()).toMatchObject({
        mode: 'webhook',
        account: fake.bot.account_name,
        botName: 'Điều phối',
      });

      const zb = createZaloBotUpdates();
      const group = zb.group();
      const user = zb.user({ display_name: 'Lê Thị Bình' });
      const update = zb.text(group, user, '@Điều phối /baocao đã gửi');
      fake.pushUpdate(update);
      await fake.webhookIdle();
      expect(fake.webhookDeliveries.map((d) => d.status)).toEqual([200]);
      expect(sink.messages).toHaveLength(1);
      expect(sink.messages[0]).toMatchObject({
        platform: 'zalo-bot',
        updateKey: update.result.message.message_id,
        chat: { id: group.id, type: 'group' },
        sender: { id: user.id, name: 'Lê Thị Bình', isBot: false },
        text: '/baocao đã gửi',
        mentionsBot: true,
        sentAt: new Date(update.result.message.date),
      });
    } finally {
      await adapter.stop();
      await server.close();
    }
  });

  it('without PUBLIC_URL and without a database only sends: no setWebhook, no polling', async () => {
    const adapter = adapterWith({ webhookSecret: null });
    await adapter.start();
    expect(fake.callsOf('getMe')).toHaveLength(1);
    expect(fake.callsOf('setWebhook')).toHaveLength(0);
    expect(fake.callsOf('getUpdates')).toHaveLength(0);
    expect(adapter.health()).toMatchObject({ mode: 'send-only' });
    // With no secret configured every webhook call is refused.
    expect((await post(adapter, '{}', 'anything')).status).toBe(401);
  });

  describe('answers', () => {
    const sink = new Sink();
    const adapter = createZaloBotAdapter({
      token: TOKEN,
      apiRoot: 'http://127.0.0.1:9',
      webhookSecret: SECRET,
      publicUrl: null,
      botName: 'Điều phối',
      sink,
      log,
      handover: { quickRetryMs: [5, 10, 20], backgroundRetryMs: [30, 60] },
    });
    const zb = createZaloBotUpdates();
    const group = zb.group();
    const user = zb.user();

    it('401 for a missing or wrong secret, without touching the sink', async () => {
      const body = JSON.stringify(zb.text(group, user, 'hello'));
      expect((await post(adapter, body, null)).status).toBe(401);
      expect((await post(adapter, body, 'wrong-secret')).status).toBe(401);
      expect((await post(adapter, body, `${SECRET}x`)).status).toBe(401);
      expect(sink.messages).toHaveLength(0);
    });

    it('400 for invalid JSON or a body that is not an update', async () => {
      expect((await post(adapter, '{broken')).status).toBe(400);
      expect(
        (
          await post(
            adapter,
            JSON.stringify({ ok: true, result: { event_name: 'message.text.received' } }),
          )
        ).status,
      ).toBe(400);
      expect((await post(adapter, JSON.stringify([1, 2]))).status).toBe(400);
      expect(sink.messages).toHaveLength(0);
    });

    it('200 and one message for a valid update, wrapped or bare; a private chat keeps its text', async () => {
      const wrapped = zb.text(group, user, '@Điều phối Ông Nguyễn Văn An - PGĐ');
      const res = await post(adapter, JSON.stringify(wrapped));
      expect(res.status).toBe(200);
      expect(sink.messages).toHaveLength(1);
      expect(sink.messages[0]).toMatchObject({
        updateKey: wrapped.result.message.message_id,
        text: 'Ông Nguyễn Văn An - PGĐ',
        mentionsBot: true,
      });
      const bare = zb.text(zb.privateChat(user), user, 'xin chào');
      expect((await post(adapter, JSON.stringify(bare.result))).status).toBe(200);
      expect(sink.messages[1]).toMatchObject({
        chat: { id: user.id, type: 'private' },
        text: 'xin chào',
        mentionsBot: false,
      });
    });

    it('the same message posted three times reaches the core once', async () => {
      const before = sink.calls;
      const u = JSON.stringify(zb.text(group, user, '@Điều phối /lich'));
      const answers = await Promise.all([post(adapter, u), post(adapter, u), post(adapter, u)]);
      expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
      expect(sink.calls - before).toBe(1);
    });

    it('200 and nothing handed over for stickers, voice and unsupported messages; photos under photo_url or photo', async () => {
      const before = sink.messages.length;
      for (const u of [zb.sticker(group, user), zb.voice(group, user), zb.unsupported(group, user)])
        expect((await post(adapter, JSON.stringify(u))).status).toBe(200);
      expect(sink.messages).toHaveLength(before);
      const img = zb.image(group, user, 'https://example.invalid/p.jpg', '@Điều phối báo cáo');
      expect((await post(adapter, JSON.stringify(img))).status).toBe(200);
      expect(sink.messages.at(-1)).toMatchObject({
        text: 'báo cáo',
        attachments: [{ kind: 'photo', fileId: 'https://example.invalid/p.jpg' }],
      });
      const documented = zb.image(group, user, 'x');
      const m = documented.result.message as Record<string, unknown>;
      delete m['photo_url'];
      m['photo'] = 'https://example.invalid/q.jpg';
      expect((await post(adapter, JSON.stringify(documented.result))).status).toBe(200);
      expect(sink.messages.at(-1)!.attachments).toEqual([
        { kind: 'photo', fileId: 'https://example.invalid/q.jpg' },
      ]);
    });

    it('reads date in ms (and a date in seconds as seconds)', async () => {
      const ms = zb.text(group, user, 'a', { date: 1_727_412_345_123 });
      await post(adapter, JSON.stringify(ms));
      expect(sink.messages.at(-1)!.sentAt).toEqual(new Date(1_727_412_345_123));
      const s = zb.text(group, user, 'b', { date: 1_727_412_345 });
      await post(adapter, JSON.stringify(s));
      expect(sink.messages.at(-1)!.sentAt).toEqual(new Date(1_727_412_345_000));
    });

    it('a database outage never loses a message: 200 at once, retried before and after answering', async () => {
      // Shorter than the quick retries: handled before the answer.
      sink.failing = 2;
      const first = zb.text(group, user, '@Điều phối /trangthai');
      expect((await post(adapter, JSON.stringify(first))).status).toBe(200);
      expect(sink.messages.at(-1)!.updateKey).toBe(first.result.message.message_id);
      // Longer than the quick retries (1 + 3): answered 200, handled in the background.
      sink.failing = 5;
      const second = zb.text(group, user, '@Điều phối /lich');
      expect((await post(adapter, JSON.stringify(second))).status).toBe(200);
      expect(adapter.health()).toMatchObject({ queued: 1 });
      // Zalo does not redeliver; a repeat by someone else is not handled twice meanwhile.
      expect((await post(adapter, JSON.stringify(second))).status).toBe(200);
      for (
        let i = 0;
        i < 100 && sink.messages.at(-1)!.updateKey !== second.result.message.message_id;
        i++
      )
        await new Promise((r) => setTimeout(r, 10));
      expect(sink.messages.at(-1)!.updateKey).toBe(second.result.message.message_id);
      expect(
        sink.messages.filter((m) => m.updateKey === second.result.message.message_id),
      ).toHaveLength(1);
      expect(adapter.health()).toMatchObject({ queued: 0, dropped: 0 });
    });
  });
});

describe('zalo-bot polling (no PUBLIC_URL)', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await openTestDb();
  });
  afterAll(() => db.close());

  it('clears a webhook first, takes one update per getUpdates, asks again on 408', async () => {
    const sink = new Sink();
    fake.webhook = { url: 'http://127.0.0.1:9/old', secret_token: 'old-secret-1' };
    const adapter = adapterWith({ db: db.db, instanceId: 'poller', sink, pollTimeoutS: 1 });
    await adapter.start();
    try {
      const zb = createZaloBotUpdates();
      const group = zb.group();
      const user = zb.user();
      for (let i = 0; i < 300 && fake.webhook; i++) await new Promise((r) => setTimeout(r, 10));
      const a = zb.text(group, user, '@Điều phối /lich');
      const b = zb.text(group, user, '@Điều phối /trangthai');
      fake.pushUpdate(a);
      fake.pushUpdate(b);
      for (let i = 0; i < 300 && sink.messages.length < 2; i++)
        await new Promise((r) => setTimeout(r, 10));
      expect(sink.messages.map((m) => m.text)).toEqual(['/lich', '/trangthai']);
      // Idle: the fake answers 408 after the timeout, the adapter asks again.
      await new Promise((r) => setTimeout(r, 1300));
      const polls = fake.callsOf('getUpdates');
      expect(polls.some((c) => c.status === 408)).toBe(true);
      expect(polls.every((c) => c.status === 200 || c.status === 408 || c.status === 0)).toBe(true);
      expect(fake.callsOf('deleteWebhook')).toHaveLength(1);
      expect(adapter.health()).toMatchObject({ mode: 'polling', polling: { holder: true } });
    } finally {
      await adapter.stop();
    }
  }, 15_000);

  it('the fake refuses getUpdates while a webhook is set', async () => {
    fake.webhook = { url: 'http://127.0.0.1:9/x', secret_token: 'secret-123' };
    const res = await fetch(`${fake.url}/bot${TOKEN}/getUpdates`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: false, error_code: 409 });
  });
});

describe('zalo-bot sender', () => {
  it('sends {chat_id, text} only and returns the message id', async () => {
    const result = await adapterWith().sender.send('chat-1', {
      text: 'Nhắc hạn báo cáo',
      replyToMessageId: 'x',
      editMessageId: 'y',
      buttons: [[{ text: 'a', data: 'b' }]],
      mentions: [{ userId: 'u', offset: 0, length: 1 }],
      urgent: true,
    });
    expect(result).toEqual({ ok: true, messageId: expect.any(String) });
    expect(fake.callsOf('sendMessage')[0]!.params).toEqual({
      chat_id: 'chat-1',
      text: 'Nhắc hạn báo cáo',
    });
  });

  it('a document goes as its text and link, never as a document method', async () => {
    const result = await adapterWith().sender.send('chat-2', {
      text: 'Danh sách đăng ký',
      document: {
        fileName: 'a.xlsx',
        mimeType: 'application/octet-stream',
        base64: 'AA==',
        fallbackText: 'Tải tại https://bot.example.vn/x.xlsx',
      },
    });
    expect(result).toMatchObject({ ok: true });
    expect(fake.textsTo('chat-2')).toEqual([
      'Danh sách đăng ký\n\nTải tại https://bot.example.vn/x.xlsx',
    ]);
  });

  it('success is ok:true, not the HTTP status: an ok:false body with HTTP 200 is a failure', async () => {
    const s = adapterWith().sender;
    fake.failNext('sendMessage', 1, 400, { description: 'Bad Request: chat not found' });
    expect(await s.send('c', { text: 'x' })).toMatchObject({ ok: false, kind: 'permanent' });
    expect(fake.callsOf('sendMessage')[0]!.status).toBe(400); // the body's code; HTTP was 200
  });

  it('classifies 5xx, 408 and network failures as retry; 400 and 401 as permanent', async () => {
    const s = adapterWith().sender;
    fake.failNext('sendMessage', 1, 502);
    expect(await s.send('c', { text: 'x' })).toMatchObject({ ok: false, kind: 'retry' });
    fake.failNext('sendMessage', 1, 408);
    expect(await s.send('c', { text: 'x' })).toMatchObject({ ok: false, kind: 'retry' });
    fake.failNext('sendMessage', 1, 400);
    expect(await s.send('c', { text: 'x' })).toMatchObject({ ok: false, kind: 'permanent' });
    const unauthorized = await adapterWith({ token: 'other-token' }).sender.send('c', {
      text: 'x',
    });
    expect(unauthorized).toMatchObject({ ok: false, kind: 'permanent' });
    expect(JSON.stringify(unauthorized)).not.toContain('other-token');
    const network = await adapterWith({ apiRoot: 'http://127.0.0.1:9' }).sender.send('c', {
      text: 'x',
    });
    expect(network).toMatchObject({ ok: false, kind: 'retry' });
    expect(JSON.stringify(network)).not.toContain(TOKEN);
  });

  it('never sends more than 2,000 characters', async () => {
    const s = adapterWith().sender;
    expect(s.maxTextLength).toBe(2000);
    expect(await s.send('c', { text: 'x'.repeat(2001) })).toMatchObject({
      ok: false,
      kind: 'permanent',
    });
    expect(fake.callsOf('sendMessage')).toHaveLength(0);
  });
});
