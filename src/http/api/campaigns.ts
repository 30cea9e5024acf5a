import type { Hono } from 'hono';
import { z } from 'zod';
import type { AppContext } from '../../app-context';
import {
  campaignUnits,
  cancelCampaign,
  createCampaign,
  excuseUnit,
  getCampaign,
  grantExtension,
} from '../../core/reports/manage';
import { dateKeySchema } from '../../core/time/calendar';
import { isoDurationSchema } from '../../core/time/duration';
import { deadlineFromVietnamesePhrase } from '../../core/time/schedule';
import { recurrenceSchema } from '../../core/time/recurrence';
import { saveCalendarOverrides } from '../../core/time/overrides';
import { DomainError, notFound } from '../../core/errors';
import { intParam, readJson } from '../validate';
import { docs } from '../openapi';
import { instant, unitSelector } from './events';

const hhmm = z.string().regex(/^([01]?\d|2[0-3]):[0-5]\d$/, 'giờ dạng HH:mm, ví dụ 08:00');

/**
 * `deadline` is an exact instant, or a date "YYYY-MM-DD" read as the plans write it:
 * "trước ngày 10/11" = strictly before that day (due by 23h59 of 9/11).
 */
const deadlineInput = z.union([instant, dateKeySchema]);

const createSchema = z.object({
  title: z.string().trim().min(1).max(500),
  sourcePlan: z.string().trim().max(1000).nullish(),
  deadline: deadlineInput.optional(),
  deadlineMode: z.enum(['before-day', 'by-end-of-day']).optional(),
  units: unitSelector,
  remindBefore: z.array(isoDurationSchema).max(20).optional(),
  chaseEvery: isoDurationSchema.nullable().optional(),
  atTime: hhmm.optional(),
  workingDaysOnly: z.boolean().optional(),
  quietHours: z.object({ from: hhmm, to: hhmm }).nullable().optional(),
  maxChases: z.number().int().min(0).max(1000).nullable().optional(),
  recurrence: recurrenceSchema.nullable().optional(),
});

const unitRef = z.object({ unit: z.string().trim().min(1) });
const extensionSchema = unitRef.extend({ until: instant });
const excuseSchema = unitRef.extend({ note: z.string().max(1000).nullish() });
const calendarSchema = z.object({
  holidays: z
    .array(z.object({ date: dateKeySchema, note: z.string().max(200).optional() }))
    .default([]),
  workdays: z.array(dateKeySchema).default([]),
});

const doc = docs('Yêu cầu báo cáo');

export function campaignsApi(api: Hono, ctx: AppContext): void {
  api.post(
    '/campaigns',
    doc({
      summary: 'Tạo yêu cầu báo cáo',
      description:
        '`deadline`: thời điểm ISO, hoặc ngày `YYYY-MM-DD` đọc là "trước ngày" (`deadlineMode: "by-end-of-day"` nếu muốn hết ngày đó). Nhắc trước hạn, đôn đốc sau hạn, định kỳ.',
      body: createSchema,
      status: 201,
      returns: '`{id, deadline, unreachable}`',
    }),
    async (c) => {
      const body = await readJson(c, createSchema);
      const deadline =
        typeof body.deadline === 'string'
          ? deadlineFromVietnamesePhrase(
              body.deadline,
              body.deadlineMode ?? 'before-day',
              ctx.timezone,
            )
          : (body.deadline ?? null);
      const created = await createCampaign(ctx, { ...body, deadline });
      return c.json(
        {
          id: created.id,
          deadline: created.deadline.toISOString(),
          unreachable: created.unreachable,
        },
        201,
      );
    },
  );

  api.get('/campaigns', doc({ summary: 'Danh sách yêu cầu báo cáo' }), async (c) => {
    const rows = await ctx.db
      .selectFrom('campaigns')
      .selectAll()
      .orderBy('deadline', 'desc')
      .execute();
    return c.json(
      rows.map((r) => ({
        id: r.id,
        title: r.title,
        periodLabel: r.period_label,
        deadline: r.deadline,
        status: r.status,
      })),
    );
  });

  api.get(
    '/campaigns/:id',
    doc({ summary: 'Một yêu cầu báo cáo, kèm tình trạng từng đơn vị' }),
    async (c) => {
      const id = intParam(c, 'id');
      const campaign = await getCampaign(ctx.db, id);
      if (!campaign) throw notFound(`Không có yêu cầu báo cáo số ${id}.`);
      const units = await campaignUnits(ctx.db, campaign, ctx.clock(), ctx.timezone);
      return c.json({
        id: campaign.id,
        title: campaign.title,
        periodLabel: campaign.period_label,
        sourcePlan: campaign.source_plan,
        deadline: campaign.deadline.toISOString(),
        status: campaign.status,
        units: units.map((u) => ({
          unit: { code: u.code, name: u.name, category: u.category },
          status: u.status,
          ...(u.submittedAt ? { submittedAt: u.submittedAt.toISOString() } : {}),
          ...(u.text ? { text: u.text } : {}),
          ...(u.files.length ? { files: u.files } : {}),
          ...(u.extendedUntil ? { extendedUntil: u.extendedUntil.toISOString() } : {}),
          chases: u.chaseCount,
        })),
      });
    },
  );

  const unitOf = async (campaignId: number, code: string) => {
    const campaign = await getCampaign(ctx.db, campaignId);
    if (!campaign) throw notFound(`Không có yêu cầu báo cáo số ${campaignId}.`);
    const unit = await ctx.db
      .selectFrom('units')
      .select(['id', 'name'])
      .where('code', '=', code)
      .executeTakeFirst();
    if (!unit) throw notFound(`Không có đơn vị mã ${code}.`);
    return { campaign, unit };
  };

  api.post(
    '/campaigns/:id/extensions',
    doc({ summary: 'Gia hạn cho một đơn vị', body: extensionSchema, returns: '`{ok: true}`' }),
    async (c) => {
      const body = await readJson(c, extensionSchema);
      const { campaign, unit } = await unitOf(intParam(c, 'id'), body.unit);
      if (body.until <= ctx.clock())
        throw new DomainError('invalid_body', 'Trường until phải ở sau thời điểm hiện tại.', {
          field: 'until',
        });
      await ctx.db
        .transaction()
        .execute((trx) => grantExtension(ctx, trx, campaign, unit.id, body.until));
      return c.json({ ok: true });
    },
  );

  api.post(
    '/campaigns/:id/excuse',
    doc({ summary: 'Miễn báo cáo cho một đơn vị', body: excuseSchema, returns: '`{ok: true}`' }),
    async (c) => {
      const body = await readJson(c, excuseSchema);
      const { campaign, unit } = await unitOf(intParam(c, 'id'), body.unit);
      await ctx.db
        .transaction()
        .execute((trx) => excuseUnit(trx, campaign, unit.id, body.note ?? null));
      return c.json({ ok: true });
    },
  );

  api.delete(
    '/campaigns/:id',
    doc({ summary: 'Hủy yêu cầu báo cáo', returns: '`{ok: true}`' }),
    async (c) => {
      const id = intParam(c, 'id');
      if (!(await getCampaign(ctx.db, id))) throw notFound(`Không có yêu cầu báo cáo số ${id}.`);
      await ctx.db.transaction().execute((trx) => cancelCampaign(trx, id));
      return c.json({ ok: true });
    },
  );

  /** Per-year working-day overrides: the government's whole Tết break, compensatory days, make-up Saturdays. */
  api.put(
    '/calendar',
    doc({
      summary: 'Ngày nghỉ và ngày làm bù',
      description:
        'Kỳ nghỉ Tết do Chính phủ công bố, ngày nghỉ bù, thứ Bảy làm bù: thay cả danh sách.',
      body: calendarSchema,
      returns: '`{ok: true}`',
    }),
    async (c) => {
      const body = await readJson(c, calendarSchema);
      await ctx.db.transaction().execute((trx) => saveCalendarOverrides(trx, body));
      return c.json({ ok: true });
    },
  );
}
