import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelegramHarness, type Harness } from '../helpers/telegram-harness';

let h: Harness;
let joinCode: string;
const admin = () => h.tg.user({ first_name: 'Lan', last_name: 'Nguyễn' });

async function unitChats(code: string) {
  const units = (await (await h.api('GET', '/units')).json()) as Array<{
    code: string;
    chats: Array<{ chatId: string; active: boolean }>;
  }>;
  return units.find((u) => u.code === code)!.chats;
}

beforeAll(async () => {
  h = await startTelegramHarness();
  const res = await h.api('PUT', '/units', [
    { code: '010', name: 'Sở Y tế', category: 'CÁC SỞ, BAN, NGÀNH TỈNH' },
  ]);
  joinCode = ((await res.json()) as Array<{ joinCode: string }>)[0]!.joinCode;
});
afterAll(() => h.close());

describe('Telegram start-up', () => {
  it('learns its identity once, sets a webhook with the secret and the updates it needs, and Vietnamese commands', () => {
    expect(h.fake.callsOf('getMe')).toHaveLength(1);
    const hook = h.fake.callsOf('setWebhook')[0]!.params;
    expect(hook.secret_token).toBe('test_webhook_secret_123');
    expect(hook.allowed_updates).toEqual(
      expect.arrayContaining(['message', 'callback_query', 'my_chat_member']),
    );
    const commands = h.fake.callsOf('setMyCommands')[0]!.params.commands as Array<{
      command: string;
      description: string;
    }>;
    expect(commands.find((c) => c.command === 'lienket')!.description).toMatch(/Liên kết/);
  });
});

describe('webhook', () => {
  it('refuses a missing or wrong secret with 401 and changes nothing', async () => {
    const group = h.tg.group({ title: 'Sở Y tế - tập huấn' });
    const update = h.tg.command(group, admin(), '/lienket', joinCode);
    expect(
      (
        await fetch(`${h.service.url}/webhooks/telegram`, {
          method: 'POST',
          body: JSON.stringify(update),
        })
      ).status,
    ).toBe(401);
    expect((await h.post(update, 'wrong')).status).toBe(401);
    expect(await unitChats('010')).toEqual([]);
  });

  it('answers 400 to a body that is not an update', async () => {
    expect((await h.post('{not json' as never)).status).toBe(400);
    const res = await fetch(`${h.service.url}/webhooks/telegram`, {
      method: 'POST',
      headers: { 'x-telegram-bot-api-secret-token': 'test_webhook_secret_123' },
      body: '{broken',
    });
    expect(res.status).toBe(400);
  });
});

describe('linking a group', () => {
  it('links by /lienket@bot <code>; the same update posted three times draws one reply', async () => {
    const group = h.tg.group({ title: 'Sở Y tế - tập huấn' });
    const update = h.tg.command(group, admin(), '/lienket', joinCode);
    for (let i = 0; i < 3; i++) expect((await h.post(update)).status).toBe(200);
    await h.settle();
    const texts = h.fake.textsTo(group.id);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain('Đã liên kết nhóm này với đơn vị: Sở Y tế');
    expect(await unitChats('010')).toEqual([
      expect.objectContaining({ chatId: String(group.id), active: true }),
    ]);
    // The reply quotes the command it answers.
    expect(h.fake.messagesTo(group.id)[0]!.reply_to_message_id).toBe(update.message.message_id);
  });

  it('links by the deep link (/start <code>) and ignores commands addressed to another bot', async () => {
    const group = h.tg.group({ title: 'Sở Y tế 2' });
    await h.post(h.tg.text(group, admin(), `/lienket@some_other_bot ${joinCode}`));
    await h.post(h.tg.text(group, admin(), `/start ${joinCode}`));
    await h.settle();
    const texts = h.fake.textsTo(group.id);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain('Đã liên kết');
  });

  it('refuses a wrong code politely and rate-limits guessing per chat', async () => {
    const group = h.tg.group({ title: 'Nhóm lạ' });
    for (let i = 0; i < 6; i++) await h.post(h.tg.command(group, admin(), '/lienket', `sai${i}ma`));
    await h.settle();
    const texts = h.fake.textsTo(group.id);
    expect(texts.slice(0, 5).every((t) => t.includes('Mã liên kết không đúng'))).toBe(true);
    expect(texts[5]).toContain('quá nhiều lần');
    // Even the right code is refused while the chat is blocked.
    await h.post(h.tg.command(group, admin(), '/lienket', joinCode));
    await h.settle();
    expect(h.fake.textsTo(group.id)[6]).toContain('quá nhiều lần');
  });

  it('keeps the link when the group becomes a supergroup', async () => {
    const group = h.tg.group({ title: 'Sở Y tế 3' });
    await h.post(h.tg.command(group, admin(), '/lienket', joinCode));
    const [toSuper, fromSuper] = h.tg.migrated(group, admin());
    await h.post(toSuper);
    await h.post(fromSuper);
    await h.settle();
    const chats = await unitChats('010');
    const newId = String(toSuper.message.migrate_to_chat_id);
    expect(chats.find((c) => c.chatId === newId)).toMatchObject({ active: true });
    expect(chats.find((c) => c.chatId === String(group.id))).toBeUndefined();
  });

  it('marks the chat inactive when the bot is removed, and on a 403 when sending', async () => {
    const removed = h.tg.group({ title: 'Bị xoá' });
    await h.post(h.tg.command(removed, admin(), '/lienket', joinCode));
    await h.settle();
    await h.post(h.tg.botRemoved(removed, admin(), 'kicked'));
    expect((await unitChats('010')).find((c) => c.chatId === String(removed.id))!.active).toBe(
      false,
    );

    const kicked = h.tg.group({ title: 'Bị kick' });
    await h.post(h.tg.command(kicked, admin(), '/lienket', joinCode));
    await h.settle();
    h.fake.kick(kicked.id);
    await h.post(h.tg.command(kicked, admin(), '/huongdan'));
    await h.settle();
    expect((await unitChats('010')).find((c) => c.chatId === String(kicked.id))!.active).toBe(
      false,
    );
    const row = await h.db.db
      .selectFrom('outbox')
      .select(['state', 'error'])
      .where('chat_external_id', '=', String(kicked.id))
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(row.state).toBe('failed');
    expect(row.error).toMatch(/kicked|Forbidden/);
  });

  it('welcomes the bot into a new group with how to link', async () => {
    const group = h.tg.group({ title: 'Nhóm mới' });
    const [member, service] = h.tg.botAdded(group, admin());
    await h.post(member);
    await h.post(service);
    await h.settle();
    const texts = h.fake.textsTo(group.id);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain('/lienket');
  });
});

describe('/metrics', () => {
  it('exposes sends per platform and the outbox lease in Prometheus text', async () => {
    const res = await fetch(`${h.service.url}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/dieuphoi_sends_total\{platform="telegram",result="sent"\} [1-9]\d*/);
    expect(text).toContain('dieuphoi_outbox_lease_held{platform="telegram"} 1');
    expect(text).toMatch(/dieuphoi_outbox_rows\{platform="telegram",state="failed"\} 1/);
  });
});
