/**
 * Messages for units follow the unit tree: a commune without a group is reached through its
 * district's group (one message naming it), a commune with its own group gets it there, and
 * the district is not sent copies for communes that have their own group.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCampaign } from '../../../src/core/reports/manage';
import { createEvent } from '../../../src/core/events/manage';
import { chatSim, linkGroups, putUnits } from '../../helpers/chat';
import { TestClock, testContext } from '../../helpers/context';
import { openTestDb, type TestDb } from '../../helpers/db';

let db: TestDb;
let ctx: ReturnType<typeof testContext>;
let chat: ReturnType<typeof chatSim>;
const clock = new TestClock(new Date('2024-10-01T01:00:00Z'));

beforeAll(async () => {
  db = await openTestDb();
  ctx = testContext(db, clock);
  chat = chatSim(ctx);
  const codes = await putUnits(ctx, [
    { code: 'H', name: 'UBND huyện Tân Phú' },
    { code: 'X1', name: 'UBND xã Tân Phú', parent: 'H' },
    { code: 'X2', name: 'UBND xã Tân Thành', parent: 'H' },
    { code: 'X3', name: 'UBND xã Tân Hòa', parent: 'H' },
    { code: 'X4', name: 'UBND xã Tân Lợi', parent: 'H' },
    { code: 'X5', name: 'UBND thị trấn Tân Phú', parent: 'H' },
    { code: 'H2', name: 'UBND huyện Xa Xôi' },
    { code: 'Y1', name: 'UBND xã Cuối Cùng', parent: 'H2' },
  ]);
  await linkGroups(chat, codes, { 'g-h': 'H', 'g-x1': 'X1', 'g-x2': 'X2' });
});
afterAll(() => db.close());

describe('routing by the unit tree', () => {
  it('an invitation reaches group-less communes once, through the district, saying for whom', async () => {
    const created = await createEvent(ctx, {
      title: 'Tập huấn chuyển đổi số',
      startsAt: new Date('2024-10-20T00:30:00Z'),
      registrationDeadline: new Date('2024-10-15T10:00:00Z'),
      units: ['H', 'X1', 'X2', 'X3', 'X4', 'X5', 'Y1'],
      agenda: [],
    });
    expect(created.unreachable).toEqual(['Y1']);
    await chat.deliverAll();
    const district = (await chat.texts('g-h')).filter((t) => t.includes('THƯ MỜI'));
    expect(district).toHaveLength(1);
    for (const name of ['xã Tân Hòa', 'xã Tân Lợi', 'thị trấn Tân Phú'])
      expect(district[0]).toContain(name);
    expect(district[0]).not.toContain('xã Tân Thành');
    expect(district[0]).toMatch(/Đăng ký cho đơn vị cấp dưới/);
    for (const g of ['g-x1', 'g-x2']) {
      const own = (await chat.texts(g)).filter((t) => t.includes('THƯ MỜI'));
      expect(own).toHaveLength(1);
      expect(own[0]).not.toMatch(/Thay mặt|thay cho/);
    }
  });

  it('a chase round sends the district one digest of the communes that owe, and each own group its chase', async () => {
    const cp = await createCampaign(ctx, {
      title: 'Báo cáo kết quả chuyển đổi số',
      deadline: new Date('2024-10-10T17:00:00Z'),
      units: ['X1', 'X2', 'X3', 'X4', 'X5'],
      chaseEvery: 'P1D',
    });
    expect(cp.unreachable).toEqual([]);
    await chat.deliverAll();
    const before = await ctx.db
      .selectFrom('outbox')
      .select('id')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    clock.set('2024-10-11T01:05:00Z'); // 8h05 the next morning: the first chase round is due
    await chat.tick();
    const rows = await ctx.db
      .selectFrom('outbox')
      .select(['chat_external_id', 'payload', 'purpose'])
      .where('id', '>', before.id)
      .where('purpose', '=', 'chase')
      .execute();
    const to = (g: string) =>
      rows.filter((r) => r.chat_external_id === g).map((r) => (r.payload as { text: string }).text);
    expect(to('g-h')).toHaveLength(1);
    expect(to('g-h')[0]).toMatch(/3 đơn vị chưa nộp báo cáo/);
    for (const name of ['xã Tân Hòa', 'xã Tân Lợi', 'thị trấn Tân Phú'])
      expect(to('g-h')[0]).toContain(name);
    expect(to('g-h')[0]).not.toContain('xã Tân Phú —'); // X1 has its own group
    expect(to('g-x1')).toHaveLength(1);
    expect(to('g-x2')).toHaveLength(1);
  });
});
