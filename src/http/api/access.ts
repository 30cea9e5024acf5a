/**
 * Revoking access from the API: a unit's join code or the organizer code replaced (the old one
 * stops working for /lienket at once), a chat unlinked, the organizer groups listed.
 */
import type { Hono } from 'hono';
import { z } from 'zod';
import type { AppContext } from '../../app-context';
import { listOrganizerChats, unlinkChat } from '../../core/chats/unlink';
import { PLATFORMS } from '../../core/channel';
import { notFound } from '../../core/errors';
import { rotateOrganizerCode, rotateUnitJoinCode } from '../../core/units/codes';
import { readJson } from '../validate';

const ACTOR = 'api';

const rotateSchema = z.object({ code: z.string().trim().min(1).max(64) });

const unlinkSchema = z.object({
  platform: z.enum(PLATFORMS as [string, ...string[]]),
  chatId: z.string().trim().min(1).max(200),
});

export function accessApi(api: Hono, ctx: AppContext): void {
  api.post('/units/rotate-code', async (c) => {
    const { code } = await readJson(c, rotateSchema);
    const joinCode = await ctx.db
      .transaction()
      .execute((trx) => rotateUnitJoinCode(trx, code, ACTOR));
    return c.json({ code, joinCode });
  });

  api.post('/organizer-code/rotate', async (c) => {
    const joinCode = await ctx.db.transaction().execute((trx) => rotateOrganizerCode(trx, ACTOR));
    return c.json({ joinCode });
  });

  api.get('/organizer-chats', async (c) => c.json(await listOrganizerChats(ctx.db)));

  api.post('/chats/unlink', async (c) => {
    const body = await readJson(c, unlinkSchema);
    const unlinked = await ctx.db.transaction().execute((trx) => unlinkChat(trx, body, ACTOR));
    if (!unlinked) throw notFound('Nhóm chat này không liên kết với đơn vị nào.', 'chatId');
    return c.json(unlinked);
  });
}
