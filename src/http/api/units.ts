import type { Hono } from 'hono';
import { z } from 'zod';
import type { AppContext } from '../../app-context';
import {
  listUnits,
  organizerJoinCode,
  saveImportedUnits,
  upsertUnits,
} from '../../core/units/repo';
import { expandUnit, parseCommuneLists } from '../../core/units/expand';
import { docs } from '../openapi';
import { readJson } from '../validate';
import { DomainError } from '../../core/errors';
import {
  parseAppendixUnits,
  parseUnitsCsv,
  parseUnitsXlsx,
  type UnitInput,
} from '../../core/units/import';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const unitSchema = z.object({
  code: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .regex(/^[\p{L}\p{N}_.-]+$/u, 'chỉ gồm chữ, số, _ . -'),
  name: z.string().trim().min(1).max(300),
  category: z.string().trim().max(300).nullish(),
  order: z.number().int().min(0).max(1_000_000).optional(),
  /** The parent unit's code (a commune's district); null makes it a top unit. */
  parent: z.string().trim().min(1).max(64).nullable().optional(),
});

const unitsSchema = z.array(unitSchema).max(100_000);

const expandSchema = z.object({
  communes: z.union([
    z.string().max(200_000),
    z
      .array(
        z.object({
          parent: z.string().trim().min(1).max(300),
          communes: z.array(z.string().trim().min(1).max(300)).min(1).max(500),
        }),
      )
      .max(1000),
  ]),
});

const doc = docs('Đơn vị');
const unitList = 'Các đơn vị vừa ghi, kèm `joinCode` (mã liên kết nhóm).';

export function unitsApi(api: Hono, ctx: AppContext): void {
  api.put(
    '/units',
    doc({ summary: 'Thêm hoặc sửa đơn vị theo mã', body: unitsSchema, returns: unitList }),
    async (c) => {
      const units = await readJson(c, unitsSchema);
      await upsertUnits(ctx.db, units);
      return c.json(
        await listUnits(
          ctx.db,
          units.map((u) => u.code),
        ),
      );
    },
  );

  api.get(
    '/units',
    doc({ summary: 'Danh sách đơn vị', returns: 'Mọi đơn vị, kèm `joinCode`.' }),
    async (c) => c.json(await listUnits(ctx.db)),
  );

  /**
   * Import from what organizers have: text pasted from a plan's appendix (text/plain), a CSV
   * (text/csv) or a spreadsheet (xlsx). Upserts by code, like PUT.
   */
  api.post(
    '/units/import',
    doc({
      summary: 'Nhập đơn vị từ phụ lục, CSV hoặc xlsx',
      description:
        'Văn bản dán từ phụ lục kế hoạch (text/plain), tệp CSV (text/csv) hoặc bảng tính xlsx. Ghi theo mã như PUT /api/units.',
      media: {
        'text/plain': { schema: { type: 'string' } },
        'text/csv': { schema: { type: 'string' } },
        [XLSX]: { schema: { type: 'string', contentMediaType: XLSX } },
      },
      returns: unitList,
    }),
    async (c) => {
      const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      let units: UnitInput[];
      if (type === 'text/csv') units = parseUnitsCsv(await c.req.text());
      else if (type === 'text/plain') units = parseAppendixUnits(await c.req.text());
      else if (type === XLSX || type === 'application/octet-stream')
        units = await parseUnitsXlsx(new Uint8Array(await c.req.arrayBuffer()));
      else
        throw new DomainError(
          'unsupported_type',
          `Định dạng "${type || '(không có)'}" không hỗ trợ: dùng text/plain (dán phụ lục), text/csv hoặc tệp xlsx.`,
          { kind: 'unsupported' },
        );
      if (!units.length)
        throw new DomainError('invalid_import', 'Không đọc được đơn vị nào từ nội dung gửi lên.');
      await saveImportedUnits(ctx.db, units);
      return c.json(
        await listUnits(
          ctx.db,
          units.map((u) => u.code),
        ),
      );
    },
  );

  /**
   * A row that stands for many ("Chủ tịch UBND cấp xã") becomes one unit per commune under its
   * district: `communes` as a list per district, or pasted text ("Huyện A: xã X, xã Y").
   */
  api.post(
    '/units/:code/expand',
    doc({
      summary: 'Tách một đơn vị đại diện thành từng xã',
      description:
        '`communes`: danh sách theo huyện, hoặc văn bản dán ("Huyện A: xã X, xã Y"). Mỗi xã thành một đơn vị dưới huyện của mình.',
      body: expandSchema,
    }),
    async (c) => {
      const body = await readJson(c, expandSchema);
      const lists =
        typeof body.communes === 'string' ? parseCommuneLists(body.communes) : body.communes;
      return c.json(await expandUnit(ctx.db, c.req.param('code'), lists));
    },
  );

  api.get(
    '/organizer-code',
    doc({ summary: 'Mã liên kết nhóm Ban tổ chức', returns: '`{joinCode}`' }),
    async (c) => c.json({ joinCode: await organizerJoinCode(ctx.db) }),
  );
}
