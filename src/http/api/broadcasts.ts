import type { Hono } from 'hono';
import { z } from 'zod';
import type { AppContext } from '../../app-context';
import {
  broadcastStatus,
  createAndSend,
  resendFailed,
  type BroadcastTarget,
} from '../../core/broadcasts/broadcast';
import { notFound } from '../../core/errors';
import { intParam, readJson } from '../validate';
import { docs } from '../openapi';
import { unitSelector } from './events';

const createSchema = z
  .object({
    text: z.string().trim().min(1).max(20_000),
    units: unitSelector.optional(),
    /** Zalo flags the message as urgent (zca-js urgency); other platforms send it as usual. */
    urgent: z.boolean().optional(),
    target: z
      .discriminatedUnion('kind', [
        z.object({
          kind: z.literal('unregistered'),
          eventId: z.number().int().positive().optional(),
        }),
        z.object({ kind: z.literal('owing'), campaignId: z.number().int().positive().optional() }),
      ])
      .optional(),
  })
  .refine((b) => b.units !== undefined || b.target !== undefined, {
    message: 'cần units hoặc target',
    path: ['units'],
  });

const doc = docs('Thông báo');

export function broadcastsApi(api: Hono, ctx: AppContext): void {
  api.post(
    '/broadcasts',
    doc({
      summary: 'Gửi thông báo tới các đơn vị',
      description:
        'Cần `units` hoặc `target` (đơn vị chưa đăng ký sự kiện, đơn vị còn nợ báo cáo). `urgent`: Zalo đánh dấu khẩn.',
      body: createSchema,
      status: 201,
      returns: 'Thông báo vừa tạo và số nhóm nhận.',
    }),
    async (c) => {
      const body = await readJson(c, createSchema);
      const target: BroadcastTarget = body.target ?? { kind: 'units', units: body.units! };
      return c.json(await createAndSend(ctx, body.text, target, { urgent: body.urgent }), 201);
    },
  );

  api.get(
    '/broadcasts/:id',
    doc({
      summary: 'Tình trạng gửi một thông báo',
      returns: '`{total, sent, failed, pending, failures}`',
    }),
    async (c) => {
      const id = intParam(c, 'id');
      const s = await broadcastStatus(ctx.db, id);
      if (!s) throw notFound(`Không có thông báo số ${id}.`);
      return c.json(s);
    },
  );

  api.post(
    '/broadcasts/:id/resend',
    doc({ summary: 'Gửi lại tới các nhóm gửi lỗi', returns: '`{resent}`' }),
    async (c) => {
      const id = intParam(c, 'id');
      if (!(await broadcastStatus(ctx.db, id))) throw notFound(`Không có thông báo số ${id}.`);
      const n = await ctx.db.transaction().execute((trx) => resendFailed(trx, id));
      return c.json({ resent: n });
    },
  );
}
