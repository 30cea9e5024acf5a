import type { Hono } from 'hono';
import { z } from 'zod';
import type { AppContext } from '../../app-context';
import { listUnits, organizerJoinCode, upsertUnits } from '../../core/units/repo';
import { readJson } from '../validate';

const unitSchema = z.object({
  code: z.string().trim().min(1).max(64).regex(/^[\p{L}\p{N}_.-]+$/u, 'chỉ gồm chữ, số, _ . -'),
  name: z.string().trim().min(1).max(300),
  category: z.string().trim().max(300).nullish(),
  order: z.number().int().optional(),
});

export function unitsApi(api: Hono, ctx: AppContext): void {
  api.put('/units', async (c) => {
    const units = await readJson(c, z.array(unitSchema).max(100_000));
    await upsertUnits(ctx.db, units);
    return c.json(await listUnits(ctx.db, units.map((u) => u.code)));
  });

  api.get('/units', async (c) => c.json(await listUnits(ctx.db)));

  api.get('/organizer-code', async (c) => c.json({ joinCode: await organizerJoinCode(ctx.db) }));
}
