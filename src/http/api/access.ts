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
import { docs } from '../openapi';

const ACTOR = 'api';

const rotateSchema = z.object({ code: z.string().trim().min(1).max(64) });

const unlinkSchema = z.object({
  platform: z.enum(PLATFORMS as [string, ...string[]]),
  chatId: z.string().trim().min(1).max(200),
});

const doc = docs('Quyền truy cập');

export function accessApi(api: Hono, ctx: AppContext): void {
  api.post(
    '/units/rotate-code',
    doc({
      summary: 'Đổi mã liên kết của một đơn vị',
      description: 'Mã cũ hết hiệu lực ngay với /lienket.',
      body: rotateSchema,
      returns: '`{code, joinCode}`',
    }),
    async (c) => {
      const { code } = await readJson(c, rotateSchema);
      const joinCode = await ctx.db
        .transaction()
        .execute((trx) => rotateUnitJoinCode(trx, code, ACTOR));
      return c.json({ code, joinCode });
    },
  );

  api.post(
    '/organizer-code/rotate',
    doc({ summary: 'Đổi mã liên kết nhóm Ban tổ chức', returns: '`{joinCode}`' }),
    async (c) => {
      const joinCode = await ctx.db.transaction().execute((trx) => rotateOrganizerCode(trx, ACTOR));
      return c.json({ joinCode });
    },
  );

  api.get('/organizer-chats', doc({ summary: 'Các nhóm Ban tổ chức đã liên kết' }), async (c) =>
    c.json(await listOrganizerChats(ctx.db)),
  );

  api.post(
    '/chats/unlink',
    doc({
      summary: 'Hủy liên kết một nhóm chat',
      description: '404 nếu nhóm chưa liên kết với đơn vị nào.',
      body: unlinkSchema,
      returns: 'Nhóm vừa hủy liên kết.',
    }),
    async (c) => {
      const body = await readJson(c, unlinkSchema);
      const unlinked = await ctx.db.transaction().execute((trx) => unlinkChat(trx, body, ACTOR));
      if (!unlinked) throw notFound('Nhóm chat này không liên kết với đơn vị nào.', 'chatId');
      return c.json(unlinked);
    },
  );
}
