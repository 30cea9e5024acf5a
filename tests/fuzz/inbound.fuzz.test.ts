/**
 * Property-based fuzzing of everything that reads what strangers type or send (fast-check),
 * over 100,000 generated inputs in all:
 *
 * - attendee lists (parseAttendeeReply) and report phrases (classifyReportText): arbitrary and
 *   Vietnamese-looking texts, NFC/NFD, weird unicode, lone surrogates, long texts;
 * - Telegram updates through mapTelegramUpdate (random JSON, valid-looking updates, wrong types);
 * - zca-js group messages through mapZcaGroupMessage + mapZaloGroupMessage;
 * - Zalo Bot API updates (wrapped, bare, random JSON) through parseZaloBotUpdate +
 *   mapZaloBotUpdate, and the leading-@mention stripping on arbitrary text;
 * - mapped updates and Zalo messages through the real core (handleInbound) on the test database,
 *   with failures injected by a trigger: a failing input leaves no processed_updates row without
 *   its effects (counts taken in one statement before and after);
 * - the full webhook (Hono app → Telegram adapter → telegraf → core) via app.request(): invalid
 *   bodies 4xx, valid updates 200, bodies over the limit 413.
 *
 * No input may crash, and no promise may be rejected unhandled.
 */
import { sql } from 'kysely';
import * as fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GroupMessage } from 'zca-js';
import { mapZaloGroupMessage } from '../../bots/zalo/inbound';
import { mapZcaGroupMessage } from '../../bots/zalo/zca-real';
import {
  mapZaloBotUpdate,
  parseZaloBotUpdate,
  stripLeadingMention,
} from '../../bots/zalo-bot/inbound';
import { createTelegramAdapter } from '../../bots/telegram/index';
import { mapTelegramUpdate, type BotIdentity } from '../../bots/telegram/inbound';
import type { ChannelAdapter } from '../../bots/adapter';
import type { AppContext } from '../../src/app-context';
import { parseAttendeeReply } from '../../src/core/attendees/parse';
import type { ChatEvent, InboundMessage } from '../../src/core/channel';
import { parseCommand } from '../../src/core/inbound/command';
import { handleInbound } from '../../src/core/inbound/handle';
import { handleChatEvent } from '../../src/core/chats/lifecycle';
import { createSink } from '../../src/core/inbound/sink';
import { recognizeReport, reportSubjects } from '../../src/core/reports/recognize';
import { organizerJoinCode, upsertUnits } from '../../src/core/units/repo';
import { createHttpApp } from '../../src/http/app';
import { t } from '../../src/messages/vi';
import { COMMANDS } from '../../src/messages/vi';
import { FakeTelegramApi } from '../fakes/telegram-api';
import { testContext } from '../helpers/context';
import { openTestDb, type TestDb } from '../helpers/db';

// ------------------------------------------------------------------ budget

/** Runs per property; FUZZ_SCALE=0.1 for a quick look, 10 for a long night. */
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const runs = (n: number) => Math.max(20, Math.round(n * SCALE));
const RUNS = {
  attendees: runs(36_000),
  attendeesLong: runs(100),
  report: runs(36_000),
  command: runs(8_000),
  telegramMap: runs(12_000),
  zcaMap: runs(6_000),
  telegramCore: runs(2_500),
  zaloCore: runs(800),
  zaloBotMap: runs(6_000),
  zaloBotCore: runs(500),
  http: runs(2_500),
};
const counted: Record<string, number> = {};
const count = (k: string) => (counted[k] = (counted[k] ?? 0) + 1);
const SEED = Number(process.env.FUZZ_SEED ?? 20_241_001);

// ------------------------------------------------------------------ unhandled rejections

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

// ------------------------------------------------------------------ generators

const VI_WORDS = [
  'Ông',
  'Bà',
  'đ/c',
  'Đ/c',
  'đồng chí',
  'anh',
  'chị',
  'Nguyễn',
  'Văn',
  'An',
  'Lê',
  'Thị',
  'Bình',
  'Trần',
  'Cường',
  'Võ',
  'Hoa',
  'Phạm',
  'Hoàng',
  'Phó Giám đốc',
  'Giám đốc Sở',
  'Trưởng phòng',
  'Phó Trưởng phòng',
  'Chuyên viên',
  'PGĐ',
  'TP',
  'PCT',
  'CV',
  'UBND huyện',
  'Sở Y tế',
  'phòng VH-TT',
  'cử',
  '02',
  '03 đồng chí:',
  'ĐT',
  'SĐT:',
  '0912 345 678',
  '0912345678',
  '+84 912 345 678',
  '(084) 3851 234',
  'Không cử người',
  'Đơn vị không cử được người',
  'dạ em gửi ạ',
  'ok đã nhận',
  'đã gửi báo cáo',
  'vừa nộp BC',
  'số 45/BC-UBND',
  'chưa',
  'sẽ gửi',
  'khi nào',
  'Trân trọng!',
  'Kính gửi',
  'báo cáo',
  'xong rồi',
  'file',
  'tệp',
  'gia hạn',
  'đến ngày 15/11',
  '7h30',
  'Thứ Sáu, 27/9/2024',
  '@dieuphoi_bot',
  '/dangky',
  '/baocao',
  '/lienket',
  '/thongbao',
  '/them',
  'ĐĂNG KÝ',
];
const SEPS = [
  ' ',
  ' - ',
  ' – ',
  ' — ',
  ', ',
  '; ',
  ': ',
  '\n',
  '\r\n',
  '(',
  ')',
  '1. ',
  '2) ',
  '3/',
  '\t',
  '  ',
  '\u00a0',
  '\u200b',
  '•',
  '*',
  '+ ',
  '|',
  '\n\n',
];
const WEIRD = [
  '\u0000',
  '\u0007',
  '\u001b[31m',
  '\u200d',
  '\u202e',
  '\ufeff',
  '\uffff',
  '\ud800',
  '\udfff',
  '\ud83d',
  '👨‍👩‍👧‍👦',
  '🇻🇳',
  'Z̴̢̛͉a̸l̷g̶o̵',
  'ﷺ',
  '𝕍𝕚ệ𝕥',
  'ｆｕｌｌｗｉｄｔｈ',
  'a\u0301\u0302\u0323',
  '<b>',
  '</i>',
  '&amp;',
  '${x}',
  '%s%n',
  "'; DROP TABLE units; --",
  '\\',
  '"',
  '`',
  '[',
  ']',
  '{',
  '}',
];
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const anyChar = fc.oneof(
  { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), weight: 4 },
  { arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }), weight: 4 },
  { arbitrary: loneSurrogate, weight: 1 },
  { arbitrary: fc.constantFrom(...WEIRD), weight: 1 },
);
const arbitraryText = (maxLength: number) => fc.string({ unit: anyChar, maxLength });
/** Texts that look like what units type: words, titles, phones, separators, noise; NFC or NFD or capitals. */
const viText = (maxParts: number) =>
  fc
    .tuple(
      fc.array(
        fc.oneof(
          { arbitrary: fc.constantFrom(...VI_WORDS), weight: 6 },
          { arbitrary: fc.constantFrom(...SEPS), weight: 4 },
          { arbitrary: fc.constantFrom(...WEIRD), weight: 1 },
          { arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }), weight: 1 },
        ),
        { maxLength: maxParts },
      ),
      fc.nat(4),
    )
    .map(([parts, k]) => {
      const s = parts.join('');
      return [s, s.normalize('NFD'), s.toUpperCase(), s.toLowerCase(), s.normalize('NFC')][k]!;
    });
const anyText = (maxLength: number) =>
  fc.oneof(viText(Math.ceil(maxLength / 4)), arbitraryText(maxLength));

const COMMAND_NAMES = [
  ...COMMANDS.map((c) => c.command),
  'start',
  'link',
  'help',
  'trogiup',
  'quantri',
  'mien',
  'Đăng_ký',
  'DANGKY',
  'lien-ket',
  'x'.repeat(70),
];
const commandText = fc
  .tuple(
    fc.constantFrom(...COMMAND_NAMES),
    fc.option(fc.constantFrom('dieuphoi_bot', 'other_bot', 'DieuPhoi_Bot', ''), { nil: undefined }),
    fc.option(anyText(120), { nil: undefined }),
    fc.constantFrom('/', ' /', '／'),
  )
  .map(
    ([name, at, args, slash]) =>
      `${slash}${name}${at !== undefined ? `@${at}` : ''}${args !== undefined ? ` ${args}` : ''}`,
  );

const ID_EDGE = [
  0,
  -1,
  1,
  2 ** 31,
  -(2 ** 31),
  2 ** 53 - 1,
  -(2 ** 53 - 1),
  -1_001_234_567_890,
  777_000,
];
const anyId = fc.oneof(
  fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
  fc.constantFrom(...ID_EDGE),
  fc.maxSafeInteger(),
);

// Chats the database knows (linked at set-up), so generated commands also reach linked paths.
const UNIT_CHAT = -1_001_100;
const OTHER_UNIT_CHAT = -1_001_200;
const ORG_CHAT = -1_001_900;
const PRIVATE_USER = 5_001;
const BOT: BotIdentity = { id: 7_000_000_001, username: 'dieuphoi_bot' };
/** Titles that make the chats trigger fail: a connection-like error (08006) or an ordinary one. */
const FAIL_CONN = 'FUZZFAIL08';
const FAIL_PLAIN = 'FUZZFAILP0';

const tgUser = fc.record(
  {
    id: fc.oneof(
      { arbitrary: anyId, weight: 3 },
      { arbitrary: fc.constant(PRIVATE_USER), weight: 1 },
    ),
    is_bot: fc.oneof(
      { arbitrary: fc.constant(false), weight: 9 },
      { arbitrary: fc.constant(true), weight: 1 },
    ),
    first_name: anyText(40),
    last_name: anyText(40),
    username: fc.stringMatching(/^[A-Za-z0-9_]{0,32}$/),
    language_code: fc.constantFrom('vi', 'en', ''),
  },
  { requiredKeys: ['id', 'is_bot', 'first_name'] },
);
const tgChat = fc.oneof(
  {
    arbitrary: fc
      .constantFrom(UNIT_CHAT, OTHER_UNIT_CHAT, ORG_CHAT)
      .map((id) => ({ id, type: 'supergroup', title: 'Nhóm đã liên kết' })),
    weight: 4,
  },
  { arbitrary: fc.constant({ id: PRIVATE_USER, type: 'private', first_name: 'Riêng' }), weight: 1 },
  {
    arbitrary: fc.record(
      {
        id: anyId,
        type: fc.constantFrom('group', 'supergroup', 'private', 'channel'),
        title: fc.oneof(
          { arbitrary: anyText(60), weight: 20 },
          { arbitrary: fc.constantFrom(`Nhóm ${FAIL_CONN}`, `Nhóm ${FAIL_PLAIN}`), weight: 1 },
        ),
      },
      { requiredKeys: ['id', 'type'] },
    ),
    weight: 4,
  },
);
const messageText = fc.oneof(
  { arbitrary: commandText, weight: 5 },
  { arbitrary: viText(40), weight: 3 },
  { arbitrary: arbitraryText(200), weight: 2 },
  { arbitrary: fc.string({ unit: anyChar, minLength: 4_000, maxLength: 25_000 }), weight: 1 },
);
const entity = fc.record({
  type: fc.constantFrom('bot_command', 'mention', 'text_mention', 'url', 'bold'),
  offset: fc.integer({ min: -5, max: 300 }),
  length: fc.integer({ min: -5, max: 300 }),
});
const tgMessage = fc.record(
  {
    message_id: anyId,
    from: tgUser,
    chat: tgChat,
    date: fc.integer({ min: 0, max: 2 ** 31 }),
    text: messageText,
    entities: fc.array(entity, { maxLength: 4 }),
    caption: anyText(60),
    reply_to_message: fc.record({ message_id: anyId, chat: tgChat, date: fc.nat() }),
    document: fc.record(
      {
        file_id: fc.string({ maxLength: 40 }),
        file_unique_id: fc.string({ maxLength: 20 }),
        file_name: anyText(60),
        file_size: fc.nat(),
      },
      { requiredKeys: ['file_id', 'file_unique_id'] },
    ),
    photo: fc.array(
      fc.record({
        file_id: fc.string({ maxLength: 30 }),
        file_unique_id: fc.string({ maxLength: 20 }),
        width: fc.nat(5000),
        height: fc.nat(5000),
      }),
      { maxLength: 4 },
    ),
  },
  { requiredKeys: ['message_id', 'chat', 'date'] },
);
const tgUpdate = fc.oneof(
  { arbitrary: fc.record({ update_id: fc.maxSafeInteger(), message: tgMessage }), weight: 10 },
  {
    arbitrary: fc.record({ update_id: fc.maxSafeInteger(), edited_message: tgMessage }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      update_id: fc.maxSafeInteger(),
      callback_query: fc.record(
        {
          id: fc.string({ maxLength: 20 }),
          from: tgUser,
          message: tgMessage,
          chat_instance: fc.string({ maxLength: 20 }),
          data: fc.oneof(
            fc.string({ maxLength: 64 }),
            fc.constantFrom('p:1:send', 'p:1:cancel', 'b:1:resend', 'p:999999999999:all', 'p:x:1'),
          ),
        },
        { requiredKeys: ['id', 'from', 'chat_instance'] },
      ),
    }),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      update_id: fc.maxSafeInteger(),
      my_chat_member: fc.record({
        chat: tgChat,
        from: tgUser,
        date: fc.nat(),
        old_chat_member: fc.record({
          user: fc.constantFrom({ id: BOT.id, is_bot: true, first_name: 'Điều phối' }),
          status: fc.constantFrom('member', 'left', 'kicked', 'administrator'),
        }),
        new_chat_member: fc.record({
          user: fc.oneof(
            fc.constant({ id: BOT.id, is_bot: true, first_name: 'Điều phối' }),
            tgUser,
          ),
          status: fc.constantFrom('member', 'left', 'kicked', 'administrator', 'restricted'),
        }),
      }),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      update_id: fc.maxSafeInteger(),
      message: fc.record({
        message_id: anyId,
        chat: tgChat,
        date: fc.nat(),
        migrate_to_chat_id: anyId,
        from: tgUser,
      }),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      update_id: fc.maxSafeInteger(),
      channel_post: tgMessage,
      poll: fc.jsonValue({ maxDepth: 2 }),
    }),
    weight: 1,
  },
);

/** Every path in a JSON tree (to break one of them). */
function paths(
  v: unknown,
  prefix: Array<string | number> = [],
  out: Array<Array<string | number>> = [],
): Array<Array<string | number>> {
  if (typeof v === 'object' && v !== null) {
    for (const [k, child] of Object.entries(v)) {
      const p = [...prefix, Array.isArray(v) ? Number(k) : k];
      out.push(p);
      paths(child, p, out);
    }
  }
  return out;
}

function setPath(root: unknown, path: Array<string | number>, value: unknown): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

/** A valid-looking update with one field replaced by a value of the wrong type (or removed). */
const wrongTyped = fc
  .tuple(
    tgUpdate,
    fc.nat(),
    fc.oneof(
      fc.constantFrom<unknown>(
        null,
        undefined,
        0,
        -1,
        1e308,
        -0,
        '',
        '0',
        'x',
        true,
        false,
        [],
        {},
        [[[]]],
        { type: 'private' },
        'private',
        '🙂',
      ),
      fc.jsonValue({ maxDepth: 3 }),
    ),
  )
  .map(([u, pick, value]) => {
    const ps = paths(u).filter((p) => p[0] !== 'update_id');
    return ps.length ? (setPath(u, ps[pick % ps.length]!, value) as { update_id: number }) : u;
  });

/** Random JSON, a third of it with an integer update_id so it gets past the first check. */
const randomJsonUpdate = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc
    .tuple(
      fc.maxSafeInteger(),
      fc.dictionary(
        fc.constantFrom(
          'message',
          'callback_query',
          'my_chat_member',
          'edited_message',
          'x',
          'chat',
          'from',
        ),
        fc.jsonValue({ maxDepth: 3 }),
      ),
    )
    .map(([id, rest]) => ({ ...rest, update_id: id })),
);

/** zca-js group message data, sometimes with wrong types or missing fields. */
const zcaData = fc.record(
  {
    actionId: fc.string({ maxLength: 10 }),
    msgId: fc.oneof(
      fc.stringMatching(/^\d{1,19}$/),
      fc.constantFrom<unknown>(undefined, null, 0, ''),
    ),
    cliMsgId: fc.stringMatching(/^\d{1,13}$/),
    msgType: fc.oneof(
      fc.constantFrom<unknown>(
        'webchat',
        'chat.photo',
        'share.file',
        'chat.link',
        'chat.recommended',
        'chat.sticker',
        'chat.voice',
        '',
        undefined,
        7,
      ),
    ),
    uidFrom: fc.oneof(
      fc.stringMatching(/^\d{1,19}$/),
      fc.constantFrom<unknown>('0', '900000000000000001', '', 5),
    ),
    idTo: fc.oneof(
      fc.constantFrom('6000000000000000001', '6000000000000000002'),
      fc.stringMatching(/^\d{1,19}$/),
      fc.constantFrom<unknown>('', undefined),
    ),
    dName: fc.oneof(anyText(40), fc.constantFrom<unknown>(undefined, null, 12)),
    ts: fc.oneof(fc.nat().map(String), fc.constantFrom<unknown>('abc', '-5', undefined, 1e20, NaN)),
    content: fc.oneof(
      { arbitrary: messageText, weight: 4 },
      {
        arbitrary: fc.record(
          {
            title: fc.oneof(anyText(80), fc.constantFrom<unknown>(null, 3)),
            href: fc.oneof(fc.webUrl(), fc.constantFrom<unknown>('', null, 0)),
            params: fc.oneof(
              fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
              fc.constantFrom<unknown>(
                '{',
                '',
                null,
                { fileSize: '12', fileExt: 'pdf' },
                '{"fileSize":"-1","fileExt":7}',
              ),
            ),
          },
          { requiredKeys: [] },
        ),
        weight: 2,
      },
      { arbitrary: fc.jsonValue({ maxDepth: 2 }), weight: 1 },
    ),
    quote: fc.oneof(
      fc.record({
        globalMsgId: fc.oneof(fc.maxSafeInteger(), fc.constantFrom<unknown>(0, '0', '', null, 'x')),
        ownerId: fc.nat(),
      }),
      fc.constantFrom<unknown>(null, 0, 'x'),
    ),
    mentions: fc.oneof(
      fc.array(
        fc.record({
          uid: fc.oneof(
            fc.stringMatching(/^-?\d{1,19}$/),
            fc.constantFrom<unknown>('900000000000000001', -1, null),
          ),
          pos: fc.nat(),
          len: fc.nat(),
          type: fc.nat(1),
        }),
        { maxLength: 3 },
      ),
      fc.constantFrom<unknown>(null, {}, 'x', 0),
    ),
  },
  { requiredKeys: ['msgId', 'uidFrom', 'idTo', 'content'] },
);
const ZALO_OWN = '900000000000000001';

/** Zalo Bot API updates: documented shapes with odd values, wrapped or bare. */
const zaloBotMessage = fc.record(
  {
    message_id: fc.oneof(
      fc.stringMatching(/^[0-9a-f]{1,32}$/),
      fc.constantFrom<unknown>('', null, 0, 7),
    ),
    date: fc.oneof(
      fc.nat(),
      fc.constantFrom<unknown>(1_727_412_345, 1_727_412_345_123, -1, 'x', NaN, null),
    ),
    chat: fc.oneof(
      fc.record({
        id: fc.oneof(
          fc.constantFrom('zbg1', 'zbg2'),
          fc.stringMatching(/^[0-9a-f]{0,20}$/),
          fc.constantFrom<unknown>(null, 5),
        ),
        chat_type: fc.constantFrom<unknown>('GROUP', 'PRIVATE', 'group', '', null, 3),
      }),
      fc.constantFrom<unknown>(null, 'x', []),
    ),
    from: fc.oneof(
      fc.record(
        {
          id: fc.oneof(fc.stringMatching(/^[0-9a-f]{1,20}$/), fc.constantFrom<unknown>('', null)),
          display_name: fc.oneof(anyText(40), fc.constantFrom<unknown>(null, 4)),
          name: fc.oneof(anyText(40), fc.constantFrom<unknown>(undefined)),
          is_bot: fc.constantFrom<unknown>(true, false, 'no', undefined),
        },
        { requiredKeys: ['id'] },
      ),
      fc.constantFrom<unknown>(null, 1),
    ),
    text: fc.oneof(
      messageText.map((t) => `@Điều phối ${t}`),
      messageText,
      fc.constantFrom<unknown>(null, 3, ''),
    ),
    photo_url: fc.oneof(fc.webUrl(), fc.constantFrom<unknown>('', null, 1)),
    photo: fc.oneof(fc.webUrl(), fc.jsonValue({ maxDepth: 2 })),
    caption: fc.oneof(anyText(60), fc.constantFrom<unknown>(null)),
  },
  { requiredKeys: ['message_id', 'chat', 'from'] },
);
const zaloBotUpdate = fc
  .tuple(
    fc.constantFrom<unknown>(
      'message.text.received',
      'message.image.received',
      'message.sticker.received',
      'message.voice.received',
      'message.unsupported.received',
      'message.other',
      7,
    ),
    zaloBotMessage,
    fc.boolean(),
  )
  .map(([event_name, message, wrapped]) =>
    wrapped ? { ok: true, result: { event_name, message } } : { event_name, message },
  );

// ------------------------------------------------------------------ the database and the app

let db: TestDb;
let ctx: AppContext;
let fake: FakeTelegramApi;
let adapter: ChannelAdapter;
let app: ReturnType<typeof createHttpApp>;
const SECRET = 'fuzz_webhook_secret';
const TOKEN = '123456789:AAH-fuzz-token-0123456789abcdefghijkl';

const COUNTS = sql<Record<string, number>>`
  SELECT (SELECT count(*) FROM outbox)::int AS outbox, (SELECT count(*) FROM processed_updates)::int AS processed,
         (SELECT count(*) FROM people)::int AS people, (SELECT count(*) FROM chat_members)::int AS members,
         (SELECT count(*) FROM chats)::int AS chats, (SELECT count(*) FROM audit_log)::int AS audit,
         (SELECT count(*) FROM attendees)::int AS attendees, (SELECT count(*) FROM submissions)::int AS submissions,
         (SELECT count(*) FROM broadcasts)::int AS broadcasts, (SELECT count(*) FROM pending_prompts)::int AS prompts,
         (SELECT count(*) FROM attempts)::int AS attempts`;
/** Every counted table, in one statement: a consistent snapshot. */
async function snapshot(): Promise<Record<string, number>> {
  return (await COUNTS.execute(db.db)).rows[0]!;
}
async function processedRow(platform: string, key: string): Promise<boolean> {
  const r = await db.db
    .selectFrom('processed_updates')
    .select('update_key')
    .where('platform', '=', platform)
    .where('update_key', '=', key)
    .executeTakeFirst();
  return r !== undefined;
}

interface Outcome {
  result: 'handled' | 'duplicate' | 'threw';
  error?: unknown;
}

/** One message through the core, checked for partial writes. */
async function throughCore(msg: InboundMessage | ChatEvent, tag: string): Promise<Outcome> {
  const before = await snapshot();
  let outcome: Outcome;
  try {
    outcome = {
      result:
        'kind' in msg
          ? await handleChatEvent(ctx, msg)
          : await handleInbound(ctx, msg, { botUsername: BOT.username }),
    };
  } catch (error) {
    outcome = { result: 'threw', error };
  }
  const after = await snapshot();
  const processed = await processedRow(msg.platform, msg.updateKey);
  const title =
    'kind' in msg ? (msg.kind === 'added' ? (msg.title ?? '') : '') : (msg.chat.title ?? '');
  const delta = Object.fromEntries(Object.keys(after).map((k) => [k, after[k]! - before[k]!]));
  const nothing = Object.values(delta).every((d) => d === 0);
  count(`${tag}:${outcome.result}`);
  if (outcome.result === 'threw') {
    // Only a (simulated) lost connection may escape, and it must leave nothing behind.
    expect(title.includes(FAIL_CONN), `unexpected throw: ${String(outcome.error)}`).toBe(true);
    expect(processed).toBe(false);
    expect(delta).toEqual(Object.fromEntries(Object.keys(delta).map((k) => [k, 0])));
  } else if (outcome.result === 'duplicate') {
    expect(nothing, JSON.stringify(delta)).toBe(true);
  } else if (!('kind' in msg) && msg.sender.isBot) {
    expect(nothing).toBe(true);
  } else {
    // Handled: its update key is recorded together with whatever it changed.
    expect(processed).toBe(true);
    expect(delta.processed).toBe(1);
    if (title.includes(FAIL_PLAIN) || title.includes(FAIL_CONN)) {
      // The turn failed and rolled back; only the apology (and the key) were written.
      count(`${tag}:apology`);
      expect({ ...delta, outbox: 0, processed: 0 }).toEqual(
        Object.fromEntries(Object.keys(delta).map((k) => [k, 0])),
      );
      expect(delta.outbox).toBe(1);
    }
  }
  return outcome;
}

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  db = await openTestDb();
  ctx = testContext(db, undefined, { PUBLIC_URL: 'https://dieuphoi.example' });
  // Failure injection: a chat whose title carries a marker cannot be written.
  await sql
    .raw(
      `CREATE FUNCTION fuzz_fail() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF NEW.title LIKE '%${FAIL_CONN}%' THEN RAISE EXCEPTION 'injected: connection lost' USING ERRCODE = '08006'; END IF;
         IF NEW.title LIKE '%${FAIL_PLAIN}%' THEN RAISE EXCEPTION 'injected: handler failure'; END IF;
         RETURN NEW;
       END $$`,
    )
    .execute(db.db);
  await sql
    .raw(
      `CREATE TRIGGER fuzz_fail BEFORE INSERT OR UPDATE ON chats FOR EACH ROW EXECUTE FUNCTION fuzz_fail()`,
    )
    .execute(db.db);

  await upsertUnits(db.db, [
    { code: 'F1', name: 'Sở Y tế', category: 'Sở, ban, ngành' },
    { code: 'F2', name: 'UBND huyện Lấp Vò', category: 'UBND huyện' },
  ]);
  const units = await db.db.selectFrom('units').select(['id', 'code']).orderBy('code').execute();
  await db.db
    .insertInto('chats')
    .values([
      {
        platform: 'telegram',
        external_id: String(UNIT_CHAT),
        title: 'Sở Y tế',
        role: 'unit',
        unit_id: units[0]!.id,
      },
      {
        platform: 'telegram',
        external_id: String(OTHER_UNIT_CHAT),
        title: 'UBND Lấp Vò',
        role: 'unit',
        unit_id: units[1]!.id,
      },
      {
        platform: 'telegram',
        external_id: String(ORG_CHAT),
        title: 'Ban tổ chức',
        role: 'organizer',
        unit_id: null,
      },
      {
        platform: 'zalo',
        external_id: '6000000000000000001',
        title: 'Sở Y tế (Zalo)',
        role: 'unit',
        unit_id: units[0]!.id,
      },
      {
        platform: 'zalo',
        external_id: '6000000000000000002',
        title: 'BTC (Zalo)',
        role: 'organizer',
        unit_id: null,
      },
    ])
    .execute();
  await organizerJoinCode(db.db);
  // An open event and an active requirement, so registrations and reports have somewhere to go.
  const { createEvent } = await import('../../src/core/events/manage');
  const { createCampaign } = await import('../../src/core/reports/manage');
  const now = ctx.clock().getTime();
  await createEvent(ctx, {
    title: 'Tập huấn kiểm thử',
    startsAt: new Date(now + 10 * 86_400_000),
    registrationDeadline: new Date(now + 5 * 86_400_000),
    units: 'all',
    agenda: [],
  } as never);
  await createCampaign(ctx, {
    title: 'Báo cáo kiểm thử',
    deadline: new Date(now + 7 * 86_400_000),
    units: 'all',
  } as never);

  fake = new FakeTelegramApi({ token: TOKEN });
  await fake.start();
  adapter = createTelegramAdapter({
    token: TOKEN,
    apiRoot: fake.url,
    webhookSecret: SECRET,
    publicUrl: 'http://127.0.0.1:9',
    sink: createSink(
      ctx,
      () => BOT.username,
      () => {},
    ),
    log: ctx.log,
    commands: COMMANDS,
  });
  await adapter.start();
  app = createHttpApp({
    ctx,
    adminToken: 'fuzz-admin-token-0123456789',
    webhooks: [adapter.webhook!],
  });
}, 60_000);

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await adapter?.stop();
  await fake?.stop();
  await db?.close();
  const total = Object.entries(counted)
    .filter(([k]) => k.startsWith('input:'))
    .reduce((n, [, v]) => n + v, 0);
  console.log(
    JSON.stringify({ test: 'fuzz/inbound', seed: SEED, totalInputs: total, counts: counted }),
  );
});

const assertNoUnhandled = async () => {
  await new Promise((r) => setTimeout(r, 20));
  expect(unhandled.map(String)).toEqual([]);
};

// ------------------------------------------------------------------ pure readers

/** Reports a unit may owe while it types (recognizeReport compares messages with them). */
const FUZZ_OWED = [
  {
    id: 1,
    title: 'Báo cáo kết quả thực hiện Kế hoạch 45/KH-UBND năm 2024',
    periodLabel: 'Năm 2024',
    deadline: new Date('2024-11-10T10:00:00Z'),
    sourcePlan: '45/KH-UBND',
  },
  {
    id: 2,
    title: 'Báo cáo công tác chuyển đổi số quý III/2024',
    periodLabel: 'Quý III/2024',
    deadline: new Date('2024-10-15T10:00:00Z'),
  },
];

describe('parsers never crash, whatever is typed', () => {
  it('parseAttendeeReply: valid result shape for Vietnamese-looking and arbitrary texts; fast', () => {
    let slowest = 0;
    fc.assert(
      fc.property(anyText(400), (text) => {
        count('input:attendees');
        const started = performance.now();
        const r = parseAttendeeReply(text);
        slowest = Math.max(slowest, performance.now() - started);
        expect(['attendees', 'declined', 'none']).toContain(r.kind);
        if (r.kind === 'attendees') {
          expect(r.attendees.length).toBeGreaterThan(0);
          for (const a of r.attendees) {
            expect(typeof a.name).toBe('string');
            expect(a.name.trim()).not.toBe('');
            if (a.title !== undefined) expect(typeof a.title).toBe('string');
            if (a.phone !== undefined) expect(a.phone).toMatch(/^[+\d]/);
          }
        }
      }),
      { numRuns: RUNS.attendees, seed: SEED },
    );
    counted['attendees:slowestMs'] = Math.round(slowest);
    expect(slowest).toBeLessThan(1_000);
  }, 300_000);

  it('parseAttendeeReply: long pasted texts (5,000–20,000 characters) stay fast', () => {
    let slowest = 0;
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: anyChar, minLength: 5_000, maxLength: 20_000 }), viText(4_000)),
        (text) => {
          count('input:attendeesLong');
          const started = performance.now();
          parseAttendeeReply(text);
          recognizeReport(text, FUZZ_OWED, { now: new Date(), tz: 'Asia/Ho_Chi_Minh' });
          reportSubjects(text);
          slowest = Math.max(slowest, performance.now() - started);
        },
      ),
      { numRuns: RUNS.attendeesLong, seed: SEED },
    );
    counted['attendeesLong:slowestMs'] = Math.round(slowest);
    expect(slowest).toBeLessThan(2_000);
  }, 300_000);

  it('recognizeReport and reportSubjects: a well-formed reading, and only owed reports', () => {
    const ids = FUZZ_OWED.map((o) => o.id);
    fc.assert(
      fc.property(
        anyText(300),
        fc.option(fc.constantFrom(...ids), { nil: undefined }),
        (text, replyTo) => {
          count('input:report');
          const r = recognizeReport(text, FUZZ_OWED, {
            now: new Date(),
            tz: 'Asia/Ho_Chi_Minh',
            ...(replyTo !== undefined ? { replyTo } : {}),
          });
          expect(['report', 'maybe', 'other', 'none']).toContain(r.kind);
          if (r.kind === 'report' || r.kind === 'maybe')
            for (const id of r.ids) expect(ids).toContain(id);
          const subjects = reportSubjects(text);
          if (subjects) {
            expect(subjects.reported.length + subjects.notReported.length).toBeGreaterThan(0);
            for (const s of [...subjects.reported, ...subjects.notReported])
              expect(s.trim()).not.toBe('');
          }
        },
      ),
      { numRuns: RUNS.report, seed: SEED },
    );
  }, 300_000);

  it('parseCommand: a folded name or null, never a throw', () => {
    fc.assert(
      fc.property(
        fc.oneof(commandText, anyText(200)),
        fc.option(fc.string({ maxLength: 40 }), { nil: null }),
        (text, bot) => {
          count('input:command');
          const c = parseCommand(text, bot);
          if (c) {
            expect(c.name).not.toBe('');
            expect(typeof c.args).toBe('string');
          }
        },
      ),
      { numRuns: RUNS.command, seed: SEED },
    );
  }, 120_000);
});

describe('platform mapping never crashes', () => {
  it('mapTelegramUpdate: valid-looking updates map to a well-formed message, event or null', () => {
    fc.assert(
      fc.property(tgUpdate, (u) => {
        count('input:telegramMap');
        const m = mapTelegramUpdate(u as never, BOT);
        if (m && !('kind' in m)) {
          expect(m.platform).toBe('telegram');
          expect(m.updateKey).toBe(String(u.update_id));
          expect(typeof m.chat.id).toBe('string');
          expect(typeof m.text).toBe('string');
        }
      }),
      { numRuns: Math.round(RUNS.telegramMap / 2), seed: SEED },
    );
  }, 120_000);

  it('mapTelegramUpdate on wrong types and random JSON: records which inputs throw (they must not reach a 5xx, see the HTTP test)', () => {
    let threw = 0;
    fc.assert(
      fc.property(fc.oneof(wrongTyped, randomJsonUpdate), (u) => {
        count('input:telegramMapWrong');
        try {
          mapTelegramUpdate(u as never, BOT);
        } catch {
          threw++;
        }
      }),
      { numRuns: Math.round(RUNS.telegramMap / 2), seed: SEED },
    );
    counted['telegramMapWrong:threw'] = threw;
  }, 120_000);

  it('mapZcaGroupMessage + mapZaloGroupMessage: a well-formed message or null (a throw is caught by the session and reported as a listener error)', () => {
    let threw = 0;
    fc.assert(
      fc.property(zcaData, fc.boolean(), (data, named) => {
        count('input:zcaMap');
        let z;
        try {
          z = mapZcaGroupMessage(
            new GroupMessage(ZALO_OWN, structuredClone(data) as never),
            ZALO_OWN,
            named ? () => 'Nhóm' : undefined,
          );
        } catch {
          threw++; // zca-real.ts wraps this call and hands the error to onError
          return;
        }
        if (!z) return;
        expect(typeof z.msgId).toBe('string');
        expect(typeof z.groupId).toBe('string');
        expect(typeof z.senderId).toBe('string');
        expect(typeof z.text).toBe('string');
        expect(Number.isFinite(z.ts)).toBe(true);
        // zca-js types dName as a string; a number or null passes through as is (noted, not fatal:
        // the core then fails that turn and apologises).
        if (typeof z.senderName !== 'string') count('zcaMap:nonStringName');
        if (z.msgId === 'undefined' || z.msgId === 'null' || z.msgId === '')
          count('zcaMap:noMsgId');
        const m = mapZaloGroupMessage(z, ZALO_OWN);
        if (m) expect(m.platform).toBe('zalo');
      }),
      { numRuns: RUNS.zcaMap, seed: SEED },
    );
    counted['zcaMap:threw'] = threw;
  }, 120_000);
});

describe('Zalo Bot API mapping never crashes', () => {
  it('parseZaloBotUpdate + mapZaloBotUpdate: null, or a well-formed message', () => {
    fc.assert(
      fc.property(fc.oneof(zaloBotUpdate, fc.jsonValue({ maxDepth: 4 })), (body) => {
        count('input:zaloBotMap');
        const u = parseZaloBotUpdate(body);
        if (!u) return;
        const m = mapZaloBotUpdate(u, { botName: 'Điều phối' }, body);
        if (!m) return;
        expect(m.platform).toBe('zalo-bot');
        expect(typeof m.updateKey).toBe('string');
        expect(typeof m.text).toBe('string');
        expect(m.mentionsBot).toBe(m.chat.type === 'group');
        if (m.sentAt) expect(Number.isFinite(m.sentAt.getTime())).toBe(true);
      }),
      { numRuns: RUNS.zaloBotMap, seed: SEED },
    );
  }, 120_000);

  it('stripLeadingMention returns a tail of the text (NFC), or the text unchanged', () => {
    fc.assert(
      fc.property(
        fc.oneof(messageText, anyText(200)),
        fc.constantFrom<string | null>('Điều phối', 'Bot', null),
        (text, name) => {
          count('input:zaloBotStrip');
          const out = stripLeadingMention(`@${text}`, name);
          expect(out === `@${text}` || `@${text}`.normalize('NFC').endsWith(out)).toBe(true);
        },
      ),
      { numRuns: RUNS.zaloBotMap, seed: SEED },
    );
  }, 120_000);
});

// ------------------------------------------------------------------ the core, on the database

describe('the core on the database: no crash, no partial write', () => {
  it('mapped Telegram updates through handleInbound / handleChatEvent', async () => {
    await fc.assert(
      fc.asyncProperty(tgUpdate, async (u) => {
        count('input:telegramCore');
        const m = mapTelegramUpdate(u as never, BOT);
        if (!m) return;
        await throughCore(m, 'telegramCore');
      }),
      { numRuns: RUNS.telegramCore, seed: SEED },
    );
    await assertNoUnhandled();
  }, 300_000);

  it('the same update twice: the second is a duplicate with no effect', async () => {
    await fc.assert(
      fc.asyncProperty(tgUpdate, async (u) => {
        count('input:telegramCoreTwice');
        const m = mapTelegramUpdate(u as never, BOT);
        if (
          !m ||
          ('chat' in m && (m.chat.title?.includes(FAIL_CONN) || m.chat.title?.includes(FAIL_PLAIN)))
        )
          return;
        const first = await throughCore(m, 'twice1');
        const second = await throughCore(m, 'twice2');
        const fromBot = !('kind' in m) && m.sender.isBot === true;
        if (first.result === 'handled' && !fromBot) expect(second.result).toBe('duplicate');
      }),
      { numRuns: runs(300), seed: SEED + 1 },
    );
  }, 120_000);

  it('a chat event whose write fails for a reason other than the connection is recorded, not thrown (Telegram would redeliver it forever)', async () => {
    count('input:chatEventFailure');
    const event: ChatEvent = {
      kind: 'added',
      platform: 'telegram',
      chatId: '-1009999001',
      title: `Nhóm ${FAIL_PLAIN}`,
      updateKey: '990000777',
    };
    const before = await snapshot();
    let threw: unknown = null;
    try {
      await handleChatEvent(ctx, event);
    } catch (e) {
      threw = e;
    }
    const after = await snapshot();
    expect(after.chats).toBe(before.chats);
    expect(threw === null ? null : String(threw)).toBeNull();
    expect(await processedRow('telegram', '990000777')).toBe(true);
  });

  it('Zalo messages (zca mapping) through handleInbound', async () => {
    await fc.assert(
      fc.asyncProperty(zcaData, async (data) => {
        count('input:zaloCore');
        let z;
        try {
          z = mapZcaGroupMessage(
            new GroupMessage(ZALO_OWN, structuredClone(data) as never),
            ZALO_OWN,
          );
        } catch {
          return;
        }
        const m = z && mapZaloGroupMessage(z, ZALO_OWN);
        if (!m) return;
        await throughCore(m, 'zaloCore');
      }),
      { numRuns: RUNS.zaloCore, seed: SEED },
    );
    await assertNoUnhandled();
  }, 300_000);

  it('Zalo Bot API updates through handleInbound', async () => {
    await fc.assert(
      fc.asyncProperty(zaloBotUpdate, async (body) => {
        count('input:zaloBotCore');
        const u = parseZaloBotUpdate(body);
        const m = u && mapZaloBotUpdate(u, { botName: 'Điều phối' }, body);
        if (!m) return;
        await throughCore(m, 'zaloBotCore');
      }),
      { numRuns: RUNS.zaloBotCore, seed: SEED },
    );
    await assertNoUnhandled();
  }, 300_000);
});

// ------------------------------------------------------------------ the whole webhook

function request(
  body: string | ReadableStream<Uint8Array>,
  o: { secret?: string | null; length?: boolean } = {},
): Request {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (o.secret !== null) headers['x-telegram-bot-api-secret-token'] = o.secret ?? SECRET;
  if (typeof body === 'string' && o.length !== false)
    headers['content-length'] = String(Buffer.byteLength(body));
  return new Request('http://localhost/webhooks/telegram', {
    method: 'POST',
    headers,
    body,
    ...(typeof body === 'string' ? {} : { duplex: 'half' }),
  } as RequestInit);
}

describe('the webhook end to end (Hono → adapter → telegraf → core)', () => {
  it('valid updates → 200; bodies that are not updates → 400; wrong types → 200 or 4xx, never 5xx', async () => {
    const statuses: Record<string, Record<number, number>> = {};
    const note = (kind: string, s: number) =>
      ((statuses[kind] ??= {})[s] = (statuses[kind]![s] ?? 0) + 1);
    const fiveXX: Array<{ kind: string; body: string }> = [];
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          {
            arbitrary: tgUpdate.map((u) => ({ kind: 'valid', body: JSON.stringify(u) })),
            weight: 5,
          },
          {
            arbitrary: wrongTyped.map((u) => ({ kind: 'wrongType', body: JSON.stringify(u) })),
            weight: 3,
          },
          {
            arbitrary: randomJsonUpdate.map((u) => ({
              kind: 'randomJson',
              body: JSON.stringify(u) ?? 'null',
            })),
            weight: 2,
          },
          { arbitrary: arbitraryText(300).map((s) => ({ kind: 'notJson', body: s })), weight: 1 },
        ),
        async ({ kind, body }) => {
          count('input:http');
          let parsed: unknown = undefined;
          try {
            parsed = JSON.parse(body);
          } catch {
            // not JSON
          }
          const title = JSON.stringify(
            (parsed as { message?: { chat?: { title?: unknown } } })?.message?.chat?.title ?? '',
          );
          const res = await app.request(request(body));
          await res.arrayBuffer();
          note(kind, res.status);
          const isUpdate =
            typeof parsed === 'object' &&
            parsed !== null &&
            Number.isSafeInteger((parsed as { update_id?: unknown }).update_id);
          if (!isUpdate) {
            expect(res.status, body.slice(0, 200)).toBe(400);
            return;
          }
          if (title.includes(FAIL_CONN)) {
            // A lost connection: 503 so that Telegram redelivers.
            expect([200, 503]).toContain(res.status);
            return;
          }
          if (res.status >= 500)
            fiveXX.push({
              kind,
              body: kind === 'valid' ? body.slice(0, 3000) : body.slice(0, 300),
            });
          if (kind === 'valid') expect(res.status, body.slice(0, 300)).toBe(200);
          else expect(res.status < 500 || fiveXX.length > 0).toBe(true);
        },
      ),
      { numRuns: RUNS.http, seed: SEED },
    );
    counted['http:fiveXX'] = fiveXX.length;
    console.log(
      JSON.stringify({
        test: 'fuzz/http statuses',
        statuses,
        fiveXXExamples: [
          ...fiveXX.filter((x) => x.kind === 'valid'),
          ...fiveXX.filter((x) => x.kind !== 'valid'),
        ].slice(0, 3),
      }),
    );
    await assertNoUnhandled();
    // Wrong-typed updates must not make Telegram redeliver forever: 200 (ignored) or 400.
    expect(fiveXX, 'updates answered 5xx (Telegram would redeliver them forever)').toEqual([]);
  }, 300_000);

  it('secret missing or wrong → 401, body untouched', async () => {
    await fc.assert(
      fc.asyncProperty(
        tgUpdate,
        fc.option(fc.string({ maxLength: 64 }), { nil: null }),
        async (u, secret) => {
          count('input:httpSecret');
          if (secret === SECRET) return;
          const before = await snapshot();
          const res = await app.request(request(JSON.stringify(u), { secret }));
          expect(res.status).toBe(401);
          expect(await snapshot()).toEqual(before);
        },
      ),
      { numRuns: runs(300), seed: SEED },
    );
  }, 120_000);

  it('deep nesting, huge texts and bodies at and over the 1 MiB limit', async () => {
    const LIMIT = 1024 * 1024;
    const deep = (n: number) => `{"update_id":42,"message":${'['.repeat(n)}${']'.repeat(n)}}`;
    const cases: Array<{ name: string; req: () => Request; expect: number[] }> = [
      { name: 'deep nesting 10k', req: () => request(deep(10_000)), expect: [200, 400] },
      { name: 'deep nesting 100k', req: () => request(deep(100_000)), expect: [200, 400] },
      {
        name: 'huge text just under the limit',
        req: () => {
          const base = {
            update_id: 990_001,
            message: {
              message_id: 1,
              date: 1,
              chat: { id: UNIT_CHAT, type: 'supergroup', title: 'Sở Y tế' },
              from: { id: 1, is_bot: false, first_name: 'A' },
              text: '',
            },
          };
          const room = LIMIT - Buffer.byteLength(JSON.stringify(base)) - 10;
          base.message.text = `/dangky ${'Nguyễn Văn An - Phó Giám đốc\n'.repeat(Math.floor(room / 40))}`;
          return request(JSON.stringify(base));
        },
        expect: [200],
      },
      {
        name: 'over the limit (content-length)',
        req: () => request(`{"update_id":1,"x":"${'a'.repeat(LIMIT)}"}`),
        expect: [413],
      },
      {
        name: 'over the limit (chunked, no content-length)',
        req: () => {
          const chunk = new TextEncoder().encode('a'.repeat(64 * 1024));
          let sent = 0;
          const stream = new ReadableStream<Uint8Array>({
            pull(c) {
              if (sent === 0) c.enqueue(new TextEncoder().encode('{"update_id":1,"x":"'));
              if (sent > LIMIT + 128 * 1024) {
                c.enqueue(new TextEncoder().encode('"}'));
                c.close();
                return;
              }
              c.enqueue(chunk);
              sent += chunk.length;
            },
          });
          return request(stream, { length: false });
        },
        expect: [413],
      },
      { name: 'empty body', req: () => request(''), expect: [400] },
      {
        name: 'update_id as a string',
        req: () => request('{"update_id":"1","message":{}}'),
        expect: [400],
      },
      {
        name: 'update_id beyond 2^53',
        req: () => request('{"update_id":9007199254740993,"message":{}}'),
        expect: [400],
      },
    ];
    const got: Record<string, number> = {};
    for (const c of cases) {
      count('input:httpEdge');
      const res = await app.request(c.req());
      await res.arrayBuffer();
      got[c.name] = res.status;
    }
    console.log(JSON.stringify({ test: 'fuzz/http edges', got }));
    for (const c of cases) expect(c.expect, `${c.name}: ${got[c.name]}`).toContain(got[c.name]);
    // The huge registration was understood (a reply queued; the list may be refused by quota or parsed).
    expect(await processedRow('telegram', '990001')).toBe(true);
    await assertNoUnhandled();
  }, 120_000);

  it('adds up to over 100,000 generated inputs, none unhandled', async () => {
    const total = Object.entries(counted)
      .filter(([k]) => k.startsWith('input:'))
      .reduce((n, [, v]) => n + v, 0);
    if (SCALE >= 1) expect(total).toBeGreaterThanOrEqual(100_000);
    await assertNoUnhandled();
    expect(t.internalError()).toMatch(/Xin lỗi/);
  });
});
