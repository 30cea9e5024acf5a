/**
 * The Zalo Bot API adapter against tests/fakes/zalo-bot-api.ts: start-up (getMe once, setWebhook
 * with the secret), the webhook's answers, a real delivery from the fake to the webhook over
 * HTTP, and the sender's error classification.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelAdapter } from '../../../bots/adapter';
import { createZaloBotAdapter } from '../../../bots/zalo-bot/index';
import type { InboundMessage, InboundSink } from '../../../src/core/channel';
import { createLogger } from '../../../src/log';
import { createZaloBotUpdates, FakeZaloBotApi } from '../../fakes/zalo-bot-api';

const TOKEN = 'zb-test-token-123';
const SECRET = 'zalo_webhook_secret_1';
const log = createLogger('silent');

class Sink implements InboundSink {
  readonly messages: InboundMessage[] = [];
  failing = false;
  async message(msg: InboundMessage) {
    if (this.failing) throw new Error('database down');
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

let fake: FakeZaloBotApi;
beforeAll(async () => {
  fake = new FakeZaloBotApi({ token: TOKEN });
  await fake.start();
});
afterEach(() => fake.reset());
afterAll(() => fake.stop());

describe('zalo-bot webhook', () => {
  it('starts with one getMe and a setWebhook carrying the secret; the fake then delivers to it', async () => {
    const sink = new Sink();
    // The webhook server must exist before setWebhook: its URL is the public URL.
    let adapter!: ChannelAdapter;
    const server = await serveWebhook((r) => adapter.webhook!.handle(r));
    adapter = createZaloBotAdapter({
      token: TOKEN,
      apiRoot: fake.url,
      webhookSecret: SECRET,
      publicUrl: server.url,
      sink,
      log,
    });
    try {
      await adapter.start();
      expect(fake.callsOf('getMe')).toHaveLength(1);
      expect(fake.callsOf('setWebhook')[0]!.params).toEqual({
        url: `${server.url}/webhooks/zalo`,
        secret_token: SECRET,
      });
      expect(adapter.botUsername()).toBe(fake.bot.account_name);
      expect(adapter.health()).toMatchObject({ mode: 'webhook', account: fake.bot.account_name });

      const zb = createZaloBotUpdates();
      const group = zb.group();
      const user = zb.user({ display_name: 'Lê Thị Bình' });
      const update = zb.text(group, user, '/baocao đã gửi');
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
        mentionsBot: false,
        sentAt: new Date(update.result.message.date),
      });
    } finally {
      await adapter.stop();
      await server.close();
    }
  });

  it('without PUBLIC_URL only sends: no setWebhook', async () => {
    const adapter = createZaloBotAdapter({
      token: TOKEN,
      apiRoot: fake.url,
      webhookSecret: null,
      publicUrl: null,
      sink: new Sink(),
      log,
    });
    await adapter.start();
    expect(fake.callsOf('getMe')).toHaveLength(1);
    expect(fake.callsOf('setWebhook')).toHaveLength(0);
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
      sink,
      log,
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

    it('200 and one message for a valid update; the bare update shape is accepted too', async () => {
      const wrapped = zb.text(group, user, 'Ông Nguyễn Văn An - PGĐ');
      const res = await post(adapter, JSON.stringify(wrapped));
      expect(res.status).toBe(200);
      expect(sink.messages).toHaveLength(1);
      expect(sink.messages[0]!.updateKey).toBe(wrapped.result.message.message_id);
      const bare = zb.text(zb.privateChat(user), user, 'xin chào');
      expect((await post(adapter, JSON.stringify(bare.result))).status).toBe(200);
      expect(sink.messages[1]).toMatchObject({
        chat: { id: user.id, type: 'private' },
        text: 'xin chào',
      });
    });

    it('200 and nothing handed over for stickers and unsupported messages; photos keep caption and URL', async () => {
      const before = sink.messages.length;
      expect((await post(adapter, JSON.stringify(zb.sticker(group, user)))).status).toBe(200);
      expect((await post(adapter, JSON.stringify(zb.unsupported(group, user)))).status).toBe(200);
      expect(sink.messages).toHaveLength(before);
      expect(
        (
          await post(
            adapter,
            JSON.stringify(zb.image(group, user, 'https://example.invalid/p.jpg', 'báo cáo')),
          )
        ).status,
      ).toBe(200);
      expect(sink.messages.at(-1)).toMatchObject({
        text: 'báo cáo',
        attachments: [{ kind: 'photo', fileId: 'https://example.invalid/p.jpg' }],
      });
    });

    it('503 when the sink fails, so the platform redelivers', async () => {
      sink.failing = true;
      try {
        expect((await post(adapter, JSON.stringify(zb.text(group, user, 'lỗi')))).status).toBe(503);
      } finally {
        sink.failing = false;
      }
    });
  });
});

describe('zalo-bot sender', () => {
  const adapter = () =>
    createZaloBotAdapter({
      token: TOKEN,
      apiRoot: fake.url,
      webhookSecret: null,
      publicUrl: null,
      sink: new Sink(),
      log,
    });

  it('sends {chat_id, text} and returns the message id', async () => {
    const result = await adapter().sender.send('chat-1', {
      text: 'Nhắc hạn báo cáo',
      replyToMessageId: 'x',
      editMessageId: 'y',
      buttons: [[{ text: 'a', data: 'b' }]],
    });
    expect(result).toEqual({ ok: true, messageId: expect.any(String) });
    expect(fake.callsOf('sendMessage')[0]!.params).toEqual({
      chat_id: 'chat-1',
      text: 'Nhắc hạn báo cáo',
    });
  });

  it('classifies 5xx, 408 and network failures as retry; 400 and 401 as permanent', async () => {
    const s = adapter().sender;
    fake.failNext('sendMessage', 1, 502);
    expect(await s.send('c', { text: 'x' })).toMatchObject({ ok: false, kind: 'retry' });
    fake.failNext('sendMessage', 1, 408);
    expect(await s.send('c', { text: 'x' })).toMatchObject({ ok: false, kind: 'retry' });
    fake.failNext('sendMessage', 1, 400);
    expect(await s.send('c', { text: 'x' })).toMatchObject({ ok: false, kind: 'permanent' });
    const wrongToken = createZaloBotAdapter({
      token: 'other-token',
      apiRoot: fake.url,
      webhookSecret: null,
      publicUrl: null,
      sink: new Sink(),
      log,
    });
    const unauthorized = await wrongToken.sender.send('c', { text: 'x' });
    expect(unauthorized).toMatchObject({ ok: false, kind: 'permanent' });
    expect(JSON.stringify(unauthorized)).not.toContain('other-token');
    const offline = createZaloBotAdapter({
      token: TOKEN,
      apiRoot: 'http://127.0.0.1:9',
      webhookSecret: null,
      publicUrl: null,
      sink: new Sink(),
      log,
    });
    const network = await offline.sender.send('c', { text: 'x' });
    expect(network).toMatchObject({ ok: false, kind: 'retry' });
    expect(JSON.stringify(network)).not.toContain(TOKEN);
  });

  it('never sends more than 2,000 characters nor a document', async () => {
    const s = adapter().sender;
    expect(s.maxTextLength).toBe(2000);
    expect(await s.send('c', { text: 'x'.repeat(2001) })).toMatchObject({
      ok: false,
      kind: 'permanent',
    });
    expect(
      await s.send('c', {
        text: 'f',
        document: { fileName: 'a.pdf', mimeType: 'application/pdf', base64: 'AA==' },
      }),
    ).toMatchObject({ ok: false, kind: 'permanent' });
    expect(fake.callsOf('sendMessage')).toHaveLength(0);
  });
});
