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

export function broadcastsApi(api: Hono, ctx: AppContext): void {
  api.post('/broadcasts', async (c) => {
    const body = await readJson(c, createSchema);
    const target: BroadcastTarget = body.target ?? { kind: 'units', units: body.units! };
    return c.json(await createAndSend(ctx, body.text, target, { urgent: body.urgent }), 201);
  });

  api.get('/broadcasts/:id', async (c) => {
    const id = intParam(c, 'id');
    const s = await broadcastStatus(ctx.db, id);
    if (!s) throw notFound(`Không có thông báo số ${id}.`);
    return c.json(s);
  });

  api.post('/broadcasts/:id/resend', async (c) => {
    const id = intParam(c, 'id');
    if (!(await broadcastStatus(ctx.db, id))) throw notFound(`Không có thông báo số ${id}.`);
    const n = await ctx.db.transaction().execute((trx) => resendFailed(trx, id));
    return c.json({ resent: n });
  });
}
