import type { Hono } from 'hono';
import { z } from 'zod';
import type { AppContext } from '../../app-context';
import { cancelEvent, createEvent, updateEvent } from '../../core/events/manage';
import { notFound } from '../../core/errors';
import { getEvent, listRegistrations } from '../../core/events/repo';
import { registrationSheet } from '../../core/events/export';
import { isoDurationSchema } from '../../core/time/duration';
import { buildRegistrationsCsv, buildRegistrationsXlsx } from '../../export/registrations';
import { intParam, readJson } from '../validate';
import { docs } from '../openapi';

export const instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const hhmm = z.string().regex(/^([01]?\d|2[0-3]):[0-5]\d$/, 'giờ dạng HH:mm, ví dụ 17:00');
export const unitSelector = z.union([
  z.literal('all'),
  z.array(z.string().min(1)).min(1),
  z.object({
    categories: z.array(z.string()).max(1000).optional(),
    codes: z.array(z.string()).max(100_000).optional(),
    /** Parents' codes, each with every unit below it. */
    withChildren: z.array(z.string()).max(10_000).optional(),
  }),
]);

const agendaItem = z.object({
  startsAt: instant,
  endsAt: instant.nullish(),
  title: z.string().trim().min(1).max(500),
  presenter: z.string().trim().max(500).nullish(),
  place: z.string().trim().max(300).nullish(),
  isBreak: z.boolean().optional(),
});

const eventFields = {
  title: z.string().trim().min(1).max(500),
  startsAt: instant,
  endsAt: instant.nullish(),
  venue: z.string().trim().max(500).nullish(),
  mode: z.string().trim().max(200).nullish(),
  onlinePoints: z.string().trim().max(2000).nullish(),
  registrationDeadline: instant,
  quotaPerUnit: z.number().int().min(1).max(1000).nullish(),
  agenda: z.array(agendaItem).max(200),
  remindDayBefore: hhmm.nullable().optional(),
  remindMorningOf: hhmm.nullable().optional(),
  remindBeforeSession: isoDurationSchema.nullable().optional(),
};

/** `agendaText`: the agenda table pasted from the plan (Phụ lục 2), placed on the event's day. */
const createSchema = z.object({
  ...eventFields,
  units: unitSelector,
  agenda: eventFields.agenda.default([]),
  agendaText: z.string().max(50_000).optional(),
});
const patchSchema = z.object(eventFields).omit({ mode: true, onlinePoints: true }).partial();

const doc = docs('Sự kiện');

export function eventsApi(api: Hono, ctx: AppContext): void {
  api.post(
    '/events',
    doc({
      summary: 'Tạo sự kiện và gửi thư mời',
      description:
        '`units`: `"all"`, danh sách mã, hoặc `{categories, codes, withChildren}`. `agendaText`: bảng chương trình dán từ kế hoạch.',
      body: createSchema,
      status: 201,
    }),
    async (c) => {
      const body = await readJson(c, createSchema);
      const created = await createEvent(ctx, body);
      return c.json(created, 201);
    },
  );

  api.get('/events/:id', doc({ summary: 'Một sự kiện' }), async (c) => {
    const id = intParam(c, 'id');
    const e = await getEvent(ctx.db, id);
    if (!e) throw notFound(`Không có sự kiện số ${id}.`);
    return c.json({
      id: e.id,
      title: e.title,
      startsAt: e.starts_at,
      endsAt: e.ends_at,
      venue: e.venue,
      status: e.status,
      registrationDeadline: e.registration_deadline,
    });
  });

  api.patch(
    '/events/:id',
    doc({
      summary: 'Sửa sự kiện',
      description: 'Các đơn vị được báo thay đổi.',
      body: patchSchema,
      returns: '`{id, status}`',
    }),
    async (c) => {
      const id = intParam(c, 'id');
      const body = await readJson(c, patchSchema);
      const e = await updateEvent(ctx, id, body);
      return c.json({ id: e.id, status: e.status });
    },
  );

  api.delete('/events/:id', doc({ summary: 'Hủy sự kiện', returns: '`{ok: true}`' }), async (c) => {
    await cancelEvent(ctx, intParam(c, 'id'));
    return c.json({ ok: true });
  });

  const registrations = async (id: number) => {
    const e = await getEvent(ctx.db, id);
    if (!e) throw notFound(`Không có sự kiện số ${id}.`);
    return { e, regs: await listRegistrations(ctx.db, id) };
  };
  api.get(
    '/events/:id/registrations',
    doc({ summary: 'Danh sách đăng ký của sự kiện' }),
    async (c) => c.json((await registrations(intParam(c, 'id'))).regs),
  );
  api.get(
    '/events/:id/registrations.csv',
    doc({ summary: 'Danh sách đăng ký (CSV, mẫu Phụ lục 1)', file: 'text/csv' }),
    async (c) => {
      const { e, regs } = await registrations(intParam(c, 'id'));
      return c.body(buildRegistrationsCsv(registrationSheet(e, regs, ctx.timezone)), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="dang-ky-su-kien-${e.id}.csv"`,
      });
    },
  );
  api.get(
    '/events/:id/registrations.xlsx',
    doc({
      summary: 'Danh sách đăng ký (xlsx, mẫu Phụ lục 1)',
      file: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    }),
    async (c) => {
      const { e, regs } = await registrations(intParam(c, 'id'));
      const buf = await buildRegistrationsXlsx(registrationSheet(e, regs, ctx.timezone));
      return c.body(new Uint8Array(buf), 200, {
        'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'content-disposition': `attachment; filename="dang-ky-su-kien-${e.id}.xlsx"`,
      });
    },
  );
}
