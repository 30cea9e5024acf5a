/**
 * Units on the official Zalo Bot API, end to end: the real service (Hono webhook, Zalo Bot
 * adapter, core, outbox worker) against the fake Bot API, which delivers updates to the webhook
 * the service registered and receives what it sends. In a group the platform hands the bot only
 * what addresses it, so every message below starts with "@Điều phối".
 *
 * Checked throughout: no call to a method (or a parameter) the API lacks, every text ≤ 2,000
 * characters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startZaloBotHarness, type ZaloBotHarness } from '../../helpers/zalo-bot-harness';
import type { ZaloBotChat, ZaloBotUser } from '../../fakes/zalo-bot-api';

let h: ZaloBotHarness;
let codes: Record<string, string>;
let organizerCode: string;
let groupA: ZaloBotChat;
let groupB: ZaloBotChat;
let orgGroup: ZaloBotChat;
let an: ZaloBotUser;
let binh: ZaloBotUser;
let boss: ZaloBotUser;

const say = async (chat: ZaloBotChat, from: ZaloBotUser, text: string) => {
  const u = h.zb.text(chat, from, text);
  h.fake.pushUpdate(u);
  await h.settle();
  return u;
};

beforeAll(async () => {
  h = await startZaloBotHarness();
  const res = await h.api('PUT', '/units', [
    { code: 'SYT', name: 'Sở Y tế', category: 'Sở, ban, ngành' },
    { code: 'STP', name: 'Sở Tư pháp', category: 'Sở, ban, ngành' },
  ]);
  codes = Object.fromEntries(
    ((await res.json()) as Array<{ code: string; joinCode: string }>).map((u) => [
      u.code,
      u.joinCode,
    ]),
  );
  organizerCode = ((await (await h.api('GET', '/organizer-code')).json()) as { joinCode: string })
    .joinCode;
  groupA = h.zb.group();
  groupB = h.zb.group();
  orgGroup = h.zb.group();
  an = h.zb.user({ display_name: 'Nguyễn Văn An' });
  binh = h.zb.user({ display_name: 'Lê Thị Bình' });
  boss = h.zb.user({ display_name: 'Trần Ban Tổ Chức' });
}, 60_000);

afterAll(async () => {
  if (!h) return;
  expect(h.fake.unknownCalls.map((c) => c.method)).toEqual([]);
  expect(h.fake.unknownParams).toEqual([]);
  const all = h.fake.callsOf('sendMessage').map((c) => String(c.params['text']));
  expect(all.length).toBeGreaterThan(5);
  expect(all.filter((t) => t.length > 2000)).toEqual([]);
  await h.close();
});

describe('Zalo Bot API, end to end', () => {
  it('registers its webhook with the secret at start', () => {
    expect(h.fake.webhook).toEqual({
      url: `${h.service.url.replace('localhost', '127.0.0.1')}/webhooks/zalo`,
      secret_token: 'zalo-bot-secret-123',
    });
    expect(h.service.adapters.find((a) => a.platform === 'zalo-bot')!.health()).toMatchObject({
      mode: 'webhook',
      botName: 'Điều phối',
    });
  });

  it('links unit groups and the organizer group with "@Điều phối /lienket <mã>"; the same event three times answers once', async () => {
    const link = h.zb.text(groupA, an, `@Điều phối /lienket ${codes['SYT']}`);
    for (let i = 0; i < 3; i++) h.fake.pushUpdate(link);
    await h.settle();
    expect(h.fake.webhookDeliveries.map((d) => d.status)).toEqual([200, 200, 200]);
    expect(h.fake.textsTo(groupA.id)).toHaveLength(1);
    expect(h.fake.textsTo(groupA.id)[0]).toContain('Đã liên kết nhóm này với đơn vị: Sở Y tế');

    await say(groupB, binh, `@Điều phối /lienket ${codes['STP']}`);
    expect(h.fake.textsTo(groupB.id).at(-1)).toContain('Sở Tư pháp');
    await say(orgGroup, boss, `@Điều phối /lienket ${organizerCode}`);
    expect(h.fake.textsTo(orgGroup.id).at(-1)).toMatch(/Ban tổ chức/i);

    const units = (await (await h.api('GET', '/units')).json()) as Array<{
      code: string;
      chats: Array<{ platform: string; chatId: string; active: boolean }>;
    }>;
    expect(units.find((u) => u.code === 'SYT')!.chats).toEqual([
      expect.objectContaining({ platform: 'zalo-bot', chatId: groupA.id, active: true }),
    ]);
  });

  it('invites the units; a list registers, "xin phép vắng" declines', async () => {
    const startsAt = new Date(Date.now() + 10 * 86_400_000);
    const res = await h.api('POST', '/events', {
      title: 'Hội nghị tập huấn chuyển đổi số',
      startsAt: startsAt.toISOString(),
      registrationDeadline: new Date(Date.now() + 5 * 86_400_000).toISOString(),
      units: 'all',
      agenda: [],
    });
    expect(res.status).toBe(201);
    const eventId = ((await res.json()) as { id: number }).id;
    await h.settle();
    expect(h.fake.textsTo(groupA.id).at(-1)).toContain('Hội nghị tập huấn chuyển đổi số');

    await say(
      groupA,
      an,
      '@Điều phối 1. Ông Nguyễn Văn An - PGĐ Sở\n2. Bà Lê Thị Bình, Trưởng phòng Nghiệp vụ Y',
    );
    expect(h.fake.textsTo(groupA.id).at(-1)).toMatch(/Nguyễn Văn An/);
    await say(groupB, binh, '@Điều phối xin phép vắng');

    const regs = (await (await h.api('GET', `/events/${eventId}/registrations`)).json()) as Array<{
      unit: { code: string };
      status: string;
      attendees: Array<{ name: string; title?: string }>;
    }>;
    const syt = regs.find((r) => r.unit.code === 'SYT')!;
    expect(syt.status).toBe('registered');
    expect(syt.attendees.map((a) => a.name)).toEqual(['Nguyễn Văn An', 'Lê Thị Bình']);
    expect(regs.find((r) => r.unit.code === 'STP')!.status).toBe('declined');
  });

  it('a unit reports "@Điều phối đã gửi báo cáo số 45/BC-UBND"', async () => {
    const res = await h.api('POST', '/campaigns', {
      title: 'Báo cáo kết quả thực hiện Kế hoạch',
      deadline: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      units: ['SYT'],
    });
    expect(res.status).toBe(201);
    const id = ((await res.json()) as { id: number }).id;
    await h.settle();
    await say(groupA, an, '@Điều phối đã gửi báo cáo số 45/BC-UBND');
    const c = (await (await h.api('GET', `/campaigns/${id}`)).json()) as {
      units: Array<{ unit: { code: string }; status: string; text?: string }>;
    };
    expect(c.units.find((u) => u.unit.code === 'SYT')).toMatchObject({ status: 'submitted' });
    expect(c.units.find((u) => u.unit.code === 'SYT')!.text).toContain('45/BC-UBND');
  });

  it('/xuat in the organizer group answers with the download link (no documents on this API)', async () => {
    await say(orgGroup, boss, '@Điều phối /xuat');
    expect(h.fake.textsTo(orgGroup.id).at(-1)).toMatch(/\/d\/[\w-]+\.[\w-]+/);
  });
});
