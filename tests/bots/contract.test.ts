/**
 * The contract every channel adapter passes (Chat SDK style): one suite, run against each adapter
 * with its platform faked — Telegram (telegraf → tests/fakes/telegram-api.ts), Zalo over zca-js
 * (tests/fakes/zca.ts) and the Zalo Bot API (tests/fakes/zalo-bot-api.ts). The adapters feed a
 * recording sink: no core pipeline is involved.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelAdapter } from '../../bots/adapter';
import { createTelegramAdapter } from '../../bots/telegram/index';
import { createZaloAdapter } from '../../bots/zalo/index';
import { ZaloSessionError } from '../../bots/zalo/zca-port';
import { createZaloBotAdapter } from '../../bots/zalo-bot/index';
import {
  CAPABILITIES,
  type ChatEvent,
  type InboundMessage,
  type InboundSink,
  type Platform,
} from '../../src/core/channel';
import { FakeZca } from '../fakes/zca';
import { createLogger } from '../../src/log';
import { FakeTelegramApi } from '../fakes/telegram-api';
import { createTelegramUpdates, type TgMessage } from '../fakes/telegram-updates';
import { createZaloBotUpdates, FakeZaloBotApi } from '../fakes/zalo-bot-api';
import { openTestDb, type TestDb } from '../helpers/db';

const log = createLogger('silent');

export class RecordingSink implements InboundSink {
  readonly messages: InboundMessage[] = [];
  readonly events: ChatEvent[] = [];
  async message(msg: InboundMessage): Promise<'handled' | 'duplicate'> {
    this.messages.push(msg);
    return 'handled';
  }
  async event(event: ChatEvent): Promise<'handled' | 'duplicate'> {
    this.events.push(event);
    return 'handled';
  }
}

async function until(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** What the platform says about a message a user just posted: the fields the mapping must keep. */
interface Posted {
  updateKey: string;
  messageId: string;
  senderId: string;
  senderName: string;
}

interface ContractHarness {
  adapter: ChannelAdapter;
  sink: RecordingSink;
  /** A group the bot is in. */
  group: string;
  /** A second group, for the removal case. */
  otherGroup: string;
  /** A third group, for the rate-limit case (a platform may keep pausing the chat it limited). */
  limitedGroup: string;
  /** The platform gives reply-to information (the Zalo Bot API does not). */
  supportsReplies: boolean;
  /** The platform delivers only group messages that address the bot (the Zalo Bot API). */
  groupEventsAddressed: boolean;
  /** A user posts `text` in `group`; resolves once the adapter has handed it to the sink. */
  post(text: string, o?: { replyTo?: string; mentionBot?: boolean }): Promise<Posted>;
  /** Texts the platform received in a chat. */
  sentTexts(chatId: string): string[];
  /** The platform answers the next send with its rate-limit error. */
  rateLimitNextSend(): void;
  /** The bot is removed from the chat (or the chat is gone): sends there fail. */
  removeFromChat(chatId: string): void;
  close(): Promise<void>;
}

interface AdapterCase {
  platform: Platform;
  setup(): Promise<ContractHarness>;
}

const SECRET = 'contract_secret_123';

function webhookRequest(path: string, header: string, body: unknown): Request {
  return new Request(`http://adapter.test${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [header]: SECRET },
    body: JSON.stringify(body),
  });
}

const telegramCase: AdapterCase = {
  platform: 'telegram',
  async setup() {
    const fake = new FakeTelegramApi();
    await fake.start();
    const sink = new RecordingSink();
    const adapter = createTelegramAdapter({
      token: '123456789:AAH-contract-token-0123456789abcdefg',
      apiRoot: fake.url,
      webhookSecret: SECRET,
      publicUrl: 'http://127.0.0.1:9',
      sink,
      log,
      commands: [],
    });
    await adapter.start();
    const tg = createTelegramUpdates({ bot: fake.bot });
    const group = tg.group({ title: 'Contract group' });
    const other = tg.group({ title: 'Other group' });
    const limited = tg.group({ title: 'Limited group' });
    const alice = tg.user({ first_name: 'An', last_name: 'Nguyễn' });
    const posted = new Map<string, TgMessage>();
    return {
      adapter,
      sink,
      group: String(group.id),
      otherGroup: String(other.id),
      limitedGroup: String(limited.id),
      supportsReplies: true,
      groupEventsAddressed: false,
      async post(text, o = {}) {
        const body = o.mentionBot ? `@${fake.bot.username} ${text}` : text;
        const replyTo = o.replyTo ? posted.get(o.replyTo) : undefined;
        const update = tg.text(group, alice, body, replyTo ? { replyTo } : {});
        posted.set(String(update.message.message_id), update.message);
        const res = await adapter.webhook!.handle(
          webhookRequest('/webhooks/telegram', 'x-telegram-bot-api-secret-token', update),
        );
        expect(res.status).toBe(200);
        return {
          updateKey: String(update.update_id),
          messageId: String(update.message.message_id),
          senderId: String(alice.id),
          senderName: 'An Nguyễn',
        };
      },
      sentTexts: (chatId) => fake.textsTo(chatId),
      rateLimitNextSend: () => fake.failNext('sendMessage', 1, 429, { retryAfter: 3 }),
      removeFromChat: (chatId) => fake.kick(chatId),
      async close() {
        await adapter.stop();
        await fake.stop();
      },
    };
  },
};

let zaloDb: TestDb | null = null;

const zaloCase: AdapterCase = {
  platform: 'zalo',
  async setup() {
    zaloDb ??= await openTestDb();
    const fake = new FakeZca({
      groups: { '6100000000000000001': 'Contract group' },
      closeEveryMs: 0,
      connectDelayMs: 5,
    });
    const sink = new RecordingSink();
    const adapter = createZaloAdapter({
      connector: fake,
      sink,
      log,
      db: zaloDb.db,
      instanceId: 'contract',
      accountKey: 'contract',
      limits: { minGapMs: 0, jitterMs: 0, dailyCap: 1000 },
    });
    await adapter.start();
    await until(() => fake.listening && adapter.health().connectedSince !== null);
    const group = '6100000000000000001';
    return {
      adapter,
      sink,
      group,
      otherGroup: '6100000000000000002',
      limitedGroup: '6100000000000000003',
      supportsReplies: true,
      groupEventsAddressed: false,
      async post(text, o = {}) {
        const before = sink.messages.length;
        const body = o.mentionBot ? fake.mentionBot(text) : { text, mentions: [] };
        const m = fake.post({
          groupId: group,
          senderId: '4200000000000000001',
          senderName: 'An Nguyễn',
          ...body,
          ...(o.replyTo ? { quoteMsgId: o.replyTo } : {}),
        });
        await until(() => sink.messages.length > before);
        return {
          updateKey: m.msgId,
          messageId: m.msgId,
          senderId: '4200000000000000001',
          senderName: 'An Nguyễn',
        };
      },
      sentTexts: (chatId) => fake.sentTo(chatId),
      // zca-js surfaces Zalo's HTTP 429 as an error without a Zalo code.
      rateLimitNextSend: () =>
        fake.failNextSends(
          1,
          () =>
            new ZaloSessionError('zca-js sendMessage failed: Request failed with status code 429'),
        ),
      removeFromChat: (chatId) => fake.kick(chatId),
      async close() {
        await adapter.stop();
      },
    };
  },
};

const zaloBotCase: AdapterCase = {
  platform: 'zalo-bot',
  async setup() {
    const fake = new FakeZaloBotApi({ token: 'zb-contract-token' });
    await fake.start();
    const sink = new RecordingSink();
    const adapter = createZaloBotAdapter({
      token: 'zb-contract-token',
      apiRoot: fake.url,
      webhookSecret: SECRET,
      publicUrl: 'http://127.0.0.1:9',
      botName: 'Điều phối',
      sink,
      log,
    });
    await adapter.start();
    const zb = createZaloBotUpdates();
    const group = zb.group();
    const other = zb.group();
    const limited = zb.group();
    const alice = zb.user({ display_name: 'An Nguyễn' });
    return {
      adapter,
      sink,
      group: group.id,
      otherGroup: other.id,
      limitedGroup: limited.id,
      supportsReplies: false,
      groupEventsAddressed: true,
      async post(text) {
        // A group hands the bot only what addresses it: every message starts with its @name.
        const update = zb.text(group, alice, `@Điều phối ${text}`);
        const res = await adapter.webhook!.handle(
          webhookRequest('/webhooks/zalo', 'x-bot-api-secret-token', update),
        );
        expect(res.status).toBe(200);
        const id = update.result.message.message_id;
        return { updateKey: id, messageId: id, senderId: alice.id, senderName: 'An Nguyễn' };
      },
      sentTexts: (chatId) => fake.textsTo(chatId),
      rateLimitNextSend: () => fake.failNext('sendMessage', 1, 429),
      removeFromChat: (chatId) => fake.forbid(chatId),
      async close() {
        // Never a method or a parameter the Zalo Bot API lacks.
        expect(fake.unknownCalls.map((c) => c.method)).toEqual([]);
        expect(fake.unknownParams).toEqual([]);
        await adapter.stop();
        await fake.stop();
      },
    };
  },
};

afterAll(async () => {
  await zaloDb?.close();
});

describe.each([telegramCase, zaloCase, zaloBotCase])(
  'channel contract: $platform',
  ({ platform, setup }) => {
    let h: ContractHarness;
    beforeAll(async () => {
      h = await setup();
    });
    afterAll(() => h.close());

    it('declares its platform, a text limit and pacing', () => {
      expect(h.adapter.platform).toBe(platform);
      expect(h.adapter.sender.platform).toBe(platform);
      expect(h.adapter.sender.maxTextLength).toBeGreaterThanOrEqual(2000);
      expect(h.adapter.sender.limits.perSecond).toBeGreaterThanOrEqual(0);
      expect(h.adapter.sender.limits.perChatPerMinute).toBeGreaterThanOrEqual(0);
      expect(CAPABILITIES[platform]).toBeDefined();
    });

    it('maps a group text message to the normalized message', async () => {
      const text =
        'Sở Y tế cử 02 đồng chí:\n1. Ông Nguyễn Văn An - Phó Giám đốc Sở\n2. Bà Lê Thị Bình, Trưởng phòng';
      const posted = await h.post(text);
      const msg = h.sink.messages.at(-1)!;
      expect(msg).toMatchObject({
        platform,
        updateKey: posted.updateKey,
        messageId: posted.messageId,
        chat: { id: h.group, type: 'group' },
        sender: { id: posted.senderId, name: posted.senderName },
        text,
        mentionsBot: h.groupEventsAddressed,
      });
      expect(msg.replyToMessageId).toBeUndefined();
      expect(msg.raw).toBeDefined();
    });

    it('keeps what a message replies to, and a mention of the bot', async () => {
      const first = await h.post('/dangky');
      const reply = await h.post('đ/c Trần Văn Cường (PCT UBND huyện)', {
        replyTo: first.messageId,
      });
      const replyMsg = h.sink.messages.find((m) => m.updateKey === reply.updateKey)!;
      if (h.supportsReplies) expect(replyMsg.replyToMessageId).toBe(first.messageId);
      const mention = await h.post('dạ em gửi ạ', { mentionBot: true });
      const mentionMsg = h.sink.messages.find((m) => m.updateKey === mention.updateKey)!;
      expect(mentionMsg.mentionsBot).toBe(true);
      expect(mentionMsg.text).toContain('dạ em gửi ạ');
    });

    it('sends a text and returns the platform message id', async () => {
      const result = await h.adapter.sender.send(h.group, { text: 'Xin chào các đơn vị' });
      expect(result).toEqual({ ok: true, messageId: expect.any(String) });
      expect(h.sentTexts(h.group)).toContain('Xin chào các đơn vị');
    });

    it('classifies a rate-limit answer as retry', async () => {
      h.rateLimitNextSend();
      const result = await h.adapter.sender.send(h.limitedGroup, { text: 'bị giới hạn' });
      expect(result).toMatchObject({ ok: false, kind: 'retry' });
      if (!result.ok && result.kind === 'retry') expect(result.retryAfterMs).toBeGreaterThan(0);
      expect(h.sentTexts(h.limitedGroup)).toEqual([]);
    });

    it('classifies removal from the group as permanent and chat gone', async () => {
      h.removeFromChat(h.otherGroup);
      const result = await h.adapter.sender.send(h.otherGroup, { text: 'không tới được' });
      expect(result).toMatchObject({ ok: false, kind: 'permanent', chatGone: true });
    });

    it('respects its maxTextLength', async () => {
      const max = h.adapter.sender.maxTextLength;
      expect(await h.adapter.sender.send(h.group, { text: 'a'.repeat(max) })).toMatchObject({
        ok: true,
      });
      const tooLong = await h.adapter.sender.send(h.group, { text: 'b'.repeat(max + 1) });
      expect(tooLong).toMatchObject({ ok: false, kind: 'permanent' });
      expect(h.sentTexts(h.group).some((t) => t.length > max)).toBe(false);
    });

    it('exposes health()', () => {
      const health = h.adapter.health();
      expect(health).toBeTypeOf('object');
      expect(JSON.parse(JSON.stringify(health))).toEqual(health);
    });
  },
);

describe('zalo specifics', () => {
  it('health() says who holds the listener, the session state and since when it is connected', async () => {
    const h = await zaloCase.setup();
    try {
      expect(h.adapter.health()).toMatchObject({
        holder: true,
        session: 'ok',
        logins: 1,
        connectedSince: expect.any(String),
        reconnects: 0,
        lastCloseCode: null,
        pausedUntil: null,
      });
      await h.post('hello');
      expect(h.adapter.health().lastMessageAt).toEqual(expect.any(String));
    } finally {
      await h.close();
    }
  });

  it('without a listener a document goes as its link; an edit is a new message; buttons dropped; quotes, mentions and urgency kept', async () => {
    zaloDb ??= await openTestDb();
    const fake = new FakeZca();
    const adapter = createZaloAdapter({
      connector: fake,
      sink: new RecordingSink(),
      log,
      db: zaloDb.db,
      instanceId: 'x',
      accountKey: 'specifics',
      limits: { minGapMs: 0, jitterMs: 0, dailyCap: 10 },
    });
    try {
      // Sending needs no listener: the session is logged in on demand.
      const doc = await adapter.sender.send('g1', {
        text: 'Danh sách đăng ký',
        document: {
          fileName: 'a.xlsx',
          mimeType: 'application/octet-stream',
          base64: 'AA==',
          fallbackText: 'Tải tại: https://bot.example.vn/x.xlsx',
        },
      });
      expect(doc).toMatchObject({ ok: true });
      expect(
        await adapter.sender.send('g1', { text: 'tiến độ 50%', editMessageId: '123' }),
      ).toMatchObject({ ok: true });
      expect(
        await adapter.sender.send('g1', {
          text: 'xác nhận?',
          replyToMessageId: '777',
          buttons: [[{ text: 'Gửi', data: 'ok' }]],
        }),
      ).toMatchObject({ ok: true });
      expect(
        await adapter.sender.send('g1', {
          text: '@Nguyễn Văn An\nĐôn đốc báo cáo',
          mentions: [{ userId: '42', offset: 0, length: 14 }],
          urgent: true,
        }),
      ).toMatchObject({ ok: true });
      expect(fake.sent.map((s) => [s.text, s.quoteMsgId, s.mentions, s.urgent, s.file])).toEqual([
        [
          'Danh sách đăng ký\n\nTải tại: https://bot.example.vn/x.xlsx',
          undefined,
          undefined,
          undefined,
          undefined,
        ],
        ['tiến độ 50%', undefined, undefined, undefined, undefined],
        ['xác nhận?', '777', undefined, undefined, undefined],
        [
          '@Nguyễn Văn An\nĐôn đốc báo cáo',
          undefined,
          [{ uid: '42', pos: 0, len: 14 }],
          true,
          undefined,
        ],
      ]);
      expect(adapter.sender.limits).toEqual({
        perSecond: 0,
        perChatPerMinute: 0,
        minGapMs: 0,
        jitterMs: 0,
        dailyCap: 10,
      });
      expect(fake.loginCount).toBe(1);
    } finally {
      await adapter.stop();
    }
  });

  it('retries while it cannot log in, without logging in for every send', async () => {
    zaloDb ??= await openTestDb();
    const fake = new FakeZca({ failLogins: 100 });
    const adapter = createZaloAdapter({
      connector: fake,
      sink: new RecordingSink(),
      log,
      db: zaloDb.db,
      instanceId: 'y',
      accountKey: 'nologin',
      limits: { minGapMs: 0, jitterMs: 0, dailyCap: 10 },
    });
    expect(await adapter.sender.send('g1', { text: 'một' })).toMatchObject({
      ok: false,
      kind: 'retry',
    });
    expect(await adapter.sender.send('g1', { text: 'hai' })).toMatchObject({
      ok: false,
      kind: 'retry',
    });
    expect(fake.loginCount).toBe(1);
  });
});
