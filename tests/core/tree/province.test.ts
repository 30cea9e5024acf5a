/**
 * At province scale: the sandbox demo's 12 districts × 13 communes, a chase round for all of them
 * (one message per group per round, within the platforms' per-chat limits), and the issue's
 * acceptance scenario driven through the HTTP API and the chat path: a district with five
 * communes, two with groups of their own, speaking for the other three.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TELEGRAM_LIMITS } from '../../../bots/telegram/sender';
import { ZALO_BOT_LIMITS } from '../../../bots/zalo-bot/sender';
import { createCampaign } from '../../../src/core/reports/manage';
import { listUnits, organizerJoinCode } from '../../../src/core/units/repo';
import { loadDemo, sandboxGroups } from '../../../src/demo/load-demo';
import { COMMUNES_PER_DISTRICT, DEMO_COMMUNE_GROUPS } from '../../../src/demo/province';
import { createHttpApp } from '../../../src/http/app';
import { sb } from '../../../src/messages/dashboard';
import { chatSim } from '../../helpers/chat';
import { TestClock, testContext } from '../../helpers/context';
import { openTestDb, type TestDb } from '../../helpers/db';

/** The longest text either platform takes in one message. */
const MAX_TEXT = 4096;
const PER_CHAT_PER_MINUTE = Math.min(
  TELEGRAM_LIMITS.perChatPerMinute,
  ZALO_BOT_LIMITS.perChatPerMinute,
);

async function outboxAfter(
  db: TestDb,
  id: number,
  ref: string,
): Promise<Array<{ chat: string; purpose: string; text: string }>> {
  const rows = await db.db
    .selectFrom('outbox')
    .select(['chat_external_id', 'purpose', 'payload'])
    .where('id', '>', id)
    .where('ref', '=', ref)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    chat: r.chat_external_id,
    purpose: r.purpose,
    text: (r.payload as { text: string }).text,
  }));
}

async function lastOutboxId(db: TestDb): Promise<number> {
  const row = await db.db
    .selectFrom('outbox')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();
  return Number(row?.id ?? 0);
}

describe('the sandbox demo at province scale', () => {
  let db: TestDb;
  let ctx: ReturnType<typeof testContext>;
  let chat: ReturnType<typeof chatSim>;
  const clock = new TestClock(new Date('2024-10-01T01:00:00Z'));

  beforeAll(async () => {
    db = await openTestDb();
    ctx = testContext(db, clock);
    chat = chatSim(ctx, 'sandbox');
    expect(await loadDemo(ctx)).toBe(true);
    await chat.deliverAll();
  });
  afterAll(() => db.close());

  it('expands "Chủ tịch UBND cấp xã" into 13 communes under each of the 12 districts', async () => {
    const units = await listUnits(db.db);
    expect(units.find((u) => u.code === '124')).toBeUndefined();
    const districts = units.filter((u) => u.children > 0);
    expect(districts.map((u) => u.code)).toEqual(
      Array.from({ length: 12 }, (_, i) => String(71 + i).padStart(3, '0')),
    );
    for (const d of districts) {
      expect(d.name).toMatch(/^UBND (Huyện|Thành phố) /);
      expect(d.children).toBe(COMMUNES_PER_DISTRICT);
    }
    const communes = units.filter((u) => u.parent !== null);
    expect(communes).toHaveLength(156);
    for (const c of communes) expect(c.name).toMatch(/^UBND (xã|phường|thị trấn) \S/);
    // Names are unique within a district, so a district can name any of its communes.
    for (const d of districts) {
      const names = communes.filter((c) => c.parent === d.code).map((c) => c.name);
      expect(new Set(names).size).toBe(names.length);
    }
    // Two communes of Lấp Vò have their own groups; the other eleven have none.
    const withGroups = communes.filter((c) => c.chats.length).map((c) => c.code);
    expect(withGroups).toEqual(DEMO_COMMUNE_GROUPS);
    const lapVo = units.find((u) => u.code === '081')!;
    expect(lapVo.name).toBe('UBND Huyện Lấp Vò');
    expect(lapVo.chats).toHaveLength(1);
    // The sandbox's hint names communes that exist under Lấp Vò, and says which have groups.
    const under = communes.filter((c) => c.parent === '081');
    for (const m of sb.treeHint.matchAll(/(?:Xã|xã) (Hưng \p{L}+)|Hưng \p{L}+/gu)) {
      const place = m[1] ?? m[0];
      expect(under.some((c) => c.name.endsWith(` ${place}`))).toBe(true);
    }
    for (const code of DEMO_COMMUNE_GROUPS) {
      const name = under.find((c) => c.code === code)!.name.replace(/^UBND xã /, '');
      expect(sb.treeHint).toContain(`xã ${name}`);
      expect(sandboxGroups().some((g) => g.unitCode === code)).toBe(true);
    }
  });

  it("the demo invitation reaches Lấp Vò's group once, speaking for its eleven communes without groups", async () => {
    const invitations = (await chat.texts('sandbox:ubnd-lap-vo')).filter((t) =>
      t.includes('THƯ MỜI'),
    );
    expect(invitations).toHaveLength(1);
    expect(invitations[0]).toContain('xã Hưng Thành');
    expect(invitations[0]).not.toContain('xã Hưng Bình');
    expect(
      (await chat.texts('sandbox:xa-hung-binh')).filter((t) => t.includes('THƯ MỜI')),
    ).toHaveLength(1);
  });

  it('what the sandbox hint suggests works: register for one commune, report for two', async () => {
    const invitation = await chat.find('sandbox:ubnd-lap-vo', /THƯ MỜI/);
    await chat.say(
      'sandbox:ubnd-lap-vo',
      'Xã Hưng Thành:\n1. Ông Lê Văn Tâm - Chủ tịch UBND xã\n2. Bà Phạm Thị Lan - Công chức Văn hóa - Xã hội',
      { replyToMessageId: invitation },
    );
    const regs = await db.db
      .selectFrom('registrations as r')
      .innerJoin('units as u', 'u.id', 'r.unit_id')
      .innerJoin('units as a', 'a.id', 'r.acting_unit_id')
      .select(['u.code', 'a.code as acting', 'r.status'])
      .execute();
    expect(regs).toEqual([{ code: '081-04', acting: '081', status: 'registered' }]);
    await chat.say('sandbox:ubnd-lap-vo', 'Các xã Hưng Lợi, Hưng Thuận đã gửi báo cáo');
    const subs = await db.db
      .selectFrom('submissions as s')
      .innerJoin('units as u', 'u.id', 's.unit_id')
      .innerJoin('units as a', 'a.id', 's.acting_unit_id')
      .select(['u.code', 'a.code as acting'])
      .orderBy('u.code')
      .execute();
    expect(subs).toEqual([
      { code: '081-05', acting: '081' },
      { code: '081-06', acting: '081' },
    ]);
  });

  it('a chase round for ~150 communes sends one message per group, each within the limits', async () => {
    // Every district links its group; three communes of other districts have their own.
    const codes = Object.fromEntries((await listUnits(db.db)).map((u) => [u.code, u.joinCode]));
    const districtCodes = Array.from({ length: 12 }, (_, i) => String(71 + i).padStart(3, '0'));
    for (const code of districtCodes)
      if (code !== '081') await chat.say(`sandbox:g-${code}`, `/lienket ${codes[code]}`);
    for (const code of ['071-06', '073-02', '079-13'])
      await chat.say(`sandbox:g-${code}`, `/lienket ${codes[code]}`);
    await chat.say('sandbox:g-org', `/lienket ${await organizerJoinCode(db.db)}`);

    const cp = await createCampaign(ctx, {
      title: 'Báo cáo kết quả cải cách hành chính quý III',
      deadline: new Date('2024-10-10T10:00:00Z'),
      units: { withChildren: districtCodes },
      chaseEvery: 'P1D',
    });
    expect(cp.unreachable).toEqual([]);
    await chat.deliverAll();
    const before = await lastOutboxId(db);
    clock.set('2024-10-11T01:05:00Z');
    await chat.tick();
    const sent = await outboxAfter(db, before, `campaign:${cp.id}`);
    const chases = sent.filter((r) => r.purpose === 'chase');
    const perChat = new Map<string, string[]>();
    for (const r of chases) perChat.set(r.chat, [...(perChat.get(r.chat) ?? []), r.text]);
    // 12 district groups + 5 commune groups (the demo's two and the three above): 168 units owe.
    expect(perChat.size).toBe(17);
    for (const [, texts] of perChat) {
      expect(texts).toHaveLength(1);
      expect(texts.length).toBeLessThanOrEqual(PER_CHAT_PER_MINUTE);
      expect(texts[0]!.length).toBeLessThanOrEqual(MAX_TEXT);
    }
    // A district owes its own report and relays for its communes without groups: one message.
    const lapVo = perChat.get('sandbox:ubnd-lap-vo')![0]!;
    expect(lapVo).toMatch(/^🔴 ĐÔN ĐỐC: đơn vị chưa gửi/);
    expect(lapVo).toContain('11 đơn vị chưa nộp');
    expect(lapVo).not.toContain('xã Hưng Bình');
    const tanHong = perChat.get('sandbox:g-073')![0]!;
    expect(tanHong).toContain('12 đơn vị chưa nộp');
    expect(tanHong.match(/^• /gm)).toHaveLength(12);
    // The organizers get one summary, the communes grouped under their districts.
    const summaries = sent.filter((r) => r.purpose === 'summary' && r.chat === 'sandbox:g-org');
    expect(summaries).toHaveLength(1);
    expect(summaries[0]!.text).toContain('Thuộc UBND Huyện Lấp Vò');
    expect(summaries[0]!.text.length).toBeLessThanOrEqual(MAX_TEXT);
  });
});

describe('how issue 16 is checked: a district with five communes', () => {
  const TOKEN = 'test-admin-token-0123456789';
  let db: TestDb;
  let ctx: ReturnType<typeof testContext>;
  let chat: ReturnType<typeof chatSim>;
  let app: ReturnType<typeof createHttpApp>;
  const clock = new TestClock(new Date('2024-10-01T01:00:00Z'));
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await app.request(`/api${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(res.status, `${method} ${path}`).toBeLessThan(300);
    // Each caller reads the fields it checks; a wrong shape fails the expectation on them.
    return res.json() as Promise<any>;
  };
  let eventId: number;
  let campaignId: number;

  beforeAll(async () => {
    db = await openTestDb();
    ctx = testContext(db, clock);
    chat = chatSim(ctx);
    app = createHttpApp({ ctx, adminToken: TOKEN });
    await api('PUT', '/units', [
      { code: 'H', name: 'UBND huyện Tân Phú' },
      { code: 'X1', name: 'UBND xã Tân Phú', parent: 'H' },
      { code: 'X2', name: 'UBND xã Tân Thành', parent: 'H' },
      { code: 'X3', name: 'UBND xã Tân Hòa', parent: 'H' },
      { code: 'X4', name: 'UBND xã Tân Lợi', parent: 'H' },
      { code: 'X5', name: 'UBND thị trấn Tân Phú', parent: 'H' },
    ]);
    const units = (await api('GET', '/units')) as Array<{
      code: string;
      joinCode: string;
      parent: string | null;
      children: number;
    }>;
    expect(units.find((u) => u.code === 'H')).toMatchObject({ parent: null, children: 5 });
    const code = (c: string) => units.find((u) => u.code === c)!.joinCode;
    await chat.say('g-org', `/lienket ${await organizerJoinCode(db.db)}`);
    await chat.say('g-h', `/lienket ${code('H')}`);
    await chat.say('g-x1', `/lienket ${code('X1')}`);
    await chat.say('g-x2', `/lienket ${code('X2')}`);
  });
  afterAll(() => db.close());

  it('invites the district with its communes: the three without groups through the district', async () => {
    const created = await api('POST', '/events', {
      title: 'Hội nghị triển khai chuyển đổi số cấp xã',
      startsAt: '2024-10-20T00:30:00Z',
      registrationDeadline: '2024-10-15T10:00:00Z',
      units: { withChildren: ['H'] },
      agenda: [],
    });
    eventId = created.id;
    expect(created.unreachable).toEqual([]);
    await chat.deliverAll();
    const district = (await chat.texts('g-h')).filter((t) => t.includes('THƯ MỜI'));
    expect(district).toHaveLength(1);
    for (const name of ['xã Tân Hòa', 'xã Tân Lợi', 'thị trấn Tân Phú'])
      expect(district[0]).toContain(name);
    expect(district[0]).not.toContain('xã Tân Thành');
    expect(district[0]).not.toContain('UBND xã Tân Phú');
    for (const g of ['g-x1', 'g-x2'])
      expect((await chat.texts(g)).filter((t) => t.includes('THƯ MỜI'))).toHaveLength(1);

    const cp = await api('POST', '/campaigns', {
      title: 'Báo cáo kết quả chuyển đổi số quý III',
      deadline: '2024-10-10T10:00:00Z',
      units: { withChildren: ['H'] },
      chaseEvery: 'P1D',
    });
    campaignId = cp.id;
    expect(cp.unreachable).toEqual([]);
    await chat.deliverAll();
  });

  it('the district registers attendees for one commune', async () => {
    await chat.say('g-h', '@dieuphoi_bot Xã Tân Hòa:\n1. Ông Nguyễn Văn Nam - Chủ tịch UBND xã', {
      mentionsBot: true,
    });
    const regs = (await api('GET', `/events/${eventId}/registrations`)) as Array<{
      unit: { code: string };
      status: string;
      attendees: Array<{ name: string }>;
    }>;
    const x3 = regs.find((r) => r.unit.code === 'X3')!;
    expect(x3.status).toBe('registered');
    expect(x3.attendees.map((a) => a.name)).toEqual(['Nguyễn Văn Nam']);
    expect(regs.filter((r) => r.status === 'registered').map((r) => r.unit.code)).toEqual(['X3']);
  });

  it('reports for two communes in one message; GET /api/campaigns/:id shows them submitted', async () => {
    await chat.say('g-h', 'Các xã Tân Thành, Tân Hòa đã gửi báo cáo kết quả chuyển đổi số quý III');
    const cp = (await api('GET', `/campaigns/${campaignId}`)) as {
      units: Array<{ unit: { code: string }; status: string }>;
    };
    const status = Object.fromEntries(cp.units.map((u) => [u.unit.code, u.status]));
    expect(status).toEqual({
      H: 'pending',
      X1: 'pending',
      X2: 'submitted',
      X3: 'submitted',
      X4: 'pending',
      X5: 'pending',
    });
  });

  it('the next chase round sends the district one digest of who still owes, nothing to those that reported', async () => {
    const before = await lastOutboxId(db);
    clock.set('2024-10-11T01:05:00Z');
    await chat.tick();
    const chases = (await outboxAfter(db, before, `campaign:${campaignId}`)).filter(
      (r) => r.purpose === 'chase',
    );
    const to = (g: string) => chases.filter((r) => r.chat === g).map((r) => r.text);
    expect(to('g-h')).toHaveLength(1);
    const digest = to('g-h')[0]!;
    expect(digest).toContain('2 đơn vị chưa nộp');
    // Exactly the communes without groups that still owe (the district's own chase heads it).
    expect(digest.match(/^• [^—]+/gm)!.map((l) => l.slice(2).trim())).toEqual([
      'UBND xã Tân Lợi',
      'UBND thị trấn Tân Phú',
    ]);
    expect(digest).toMatch(/^🔴 ĐÔN ĐỐC: đơn vị chưa gửi/);
    expect(to('g-x1')).toHaveLength(1); // still owes, in its own group
    expect(to('g-x2')).toEqual([]); // reported through the district
    expect(new Set(chases.map((r) => r.chat))).toEqual(new Set(['g-h', 'g-x1']));
  });
});
