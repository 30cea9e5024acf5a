/** "Chủ tịch UBND cấp xã" (one row for every commune) expanded into communes under their districts. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../../src/core/errors';
import { expandUnit, parseCommuneLists } from '../../../src/core/units/expand';
import { listUnits, resolveUnitSelector, upsertUnits } from '../../../src/core/units/repo';
import { openTestDb, type TestDb } from '../../helpers/db';

let db: TestDb;
beforeAll(async () => {
  db = await openTestDb();
  await upsertUnits(db.db, [
    { code: '110', name: 'UBND huyện Cao Lãnh', category: 'UBND HUYỆN, THÀNH PHỐ', order: 110 },
    { code: '111', name: 'UBND thành phố Sa Đéc', category: 'UBND HUYỆN, THÀNH PHỐ', order: 111 },
    { code: '124', name: 'Chủ tịch UBND cấp xã', category: 'UBND CẤP XÃ', order: 124 },
  ]);
});
afterAll(() => db.close());

describe('expanding a row that stands for many', () => {
  it('reads pasted lists: one district per line, or a district then its communes below', () => {
    expect(
      parseCommuneLists(
        'Huyện Cao Lãnh: xã Mỹ Long, xã Bình Hàng Trung; thị trấn Mỹ Thọ\nTP Sa Đéc:\n- Phường 1\n- xã Tân Khánh Đông',
      ),
    ).toEqual([
      {
        parent: 'Huyện Cao Lãnh',
        communes: ['xã Mỹ Long', 'xã Bình Hàng Trung', 'thị trấn Mỹ Thọ'],
      },
      { parent: 'TP Sa Đéc', communes: ['Phường 1', 'xã Tân Khánh Đông'] },
    ]);
  });

  it('creates each commune under its district, removes the placeholder, and a second run adds nothing', async () => {
    const text =
      'Huyện Cao Lãnh: xã Mỹ Long, Bình Hàng Trung, thị trấn Mỹ Thọ\nthanh pho sa dec: Phường 1, xã Tân Khánh Đông';
    const first = await expandUnit(db.db, '124', parseCommuneLists(text));
    expect(first).toMatchObject({ created: 5, updated: 0, placeholderRemoved: true });
    const units = await listUnits(db.db);
    expect(units.find((u) => u.code === '124')).toBeUndefined();
    expect(units.filter((u) => u.parent === '110').map((u) => u.name)).toEqual([
      'UBND xã Mỹ Long',
      'UBND xã Bình Hàng Trung',
      'UBND thị trấn Mỹ Thọ',
    ]);
    expect(units.filter((u) => u.parent === '111').map((u) => u.name)).toEqual([
      'UBND phường 1',
      'UBND xã Tân Khánh Đông',
    ]);
    expect(units.find((u) => u.code === '110')!.children).toBe(3);
    await upsertUnits(db.db, [
      { code: '124', name: 'Chủ tịch UBND cấp xã', category: 'UBND CẤP XÃ' },
    ]);
    const again = await expandUnit(db.db, '124', parseCommuneLists(text));
    expect(again).toMatchObject({ created: 0, updated: 5 });
    expect((await listUnits(db.db)).filter((u) => u.parent === '110')).toHaveLength(3);
  });

  it('never renames a unit added by hand under the district: new communes take free codes', async () => {
    await upsertUnits(db.db, [
      { code: '111-03', name: 'UBND xã Tân Quy Tây', parent: '111' },
      { code: '124', name: 'Chủ tịch UBND cấp xã', category: 'UBND CẤP XÃ' },
    ]);
    const result = await expandUnit(db.db, '124', [
      { parent: '111', communes: ['Phường 1', 'xã Tân Quy Tây', 'xã Tân Phú Đông'] },
    ]);
    expect(result.units.map((u) => [u.code, u.name])).toEqual([
      ['111-01', 'UBND phường 1'],
      ['111-03', 'UBND xã Tân Quy Tây'],
      ['111-04', 'UBND xã Tân Phú Đông'],
    ]);
    expect(result).toMatchObject({ created: 1, updated: 2 });
    const under = (await listUnits(db.db)).filter((u) => u.parent === '111');
    expect(under.map((u) => [u.code, u.name])).toEqual(
      expect.arrayContaining([
        ['111-02', 'UBND xã Tân Khánh Đông'],
        ['111-03', 'UBND xã Tân Quy Tây'],
      ]),
    );
  });

  it('refuses a district it cannot find, naming the field, and writes nothing', async () => {
    await upsertUnits(db.db, [{ code: '124', name: 'Chủ tịch UBND cấp xã' }]);
    const before = (await listUnits(db.db)).length;
    await expect(
      expandUnit(db.db, '124', [{ parent: 'Huyện Không Có', communes: ['xã A'] }]),
    ).rejects.toMatchObject({ code: 'unknown_parent', field: 'communes[0].parent' });
    await expect(
      expandUnit(db.db, 'NOPE', [{ parent: '110', communes: ['xã A'] }]),
    ).rejects.toBeInstanceOf(DomainError);
    expect((await listUnits(db.db)).length).toBe(before);
  });

  it('a selector may name a parent with every unit below it', async () => {
    const { units, unknown } = await resolveUnitSelector(db.db, { withChildren: ['110', 'NOPE'] });
    expect(units.map((u) => u.code).sort()).toEqual(['110', '110-01', '110-02', '110-03']);
    expect(unknown).toEqual(['NOPE']);
  });
});
