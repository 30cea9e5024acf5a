/**
 * Revoking join codes. A unit's code and the organizer code are secrets handed out on paper and
 * in chats; when one leaks (or a focal point leaves), a new one replaces it at once: `/lienket`
 * looks the code up on every use, so the old one stops working the moment this commits. Groups
 * already linked stay linked (unlink them separately, src/core/chats/unlink.ts).
 *
 * The codes stay in clear in the database: the dashboard and GET /api/units show them to the
 * organizers, so a hash would not do. Neither the audit log nor the logs ever hold one.
 */
import type { Trx } from '../../db/types';
import { newCode } from '../codes';
import { notFound } from '../errors';
import { organizerJoinCode } from './repo';

/** Gives the unit a fresh join code; returns it. */
export async function rotateUnitJoinCode(
  db: Trx,
  unitCode: string,
  actor: string,
): Promise<string> {
  const joinCode = newCode();
  const row = await db
    .updateTable('units')
    .set({ join_code: joinCode })
    .where('code', '=', unitCode)
    .returning('id')
    .executeTakeFirst();
  if (!row) throw notFound(`Không có đơn vị mã "${unitCode}".`, 'code');
  await db
    .insertInto('audit_log')
    .values({ actor, action: 'unit.code.rotated', details: JSON.stringify({ unit: unitCode }) })
    .execute();
  return joinCode;
}

/** Gives the organizer group a fresh join code; returns it. */
export async function rotateOrganizerCode(db: Trx, actor: string): Promise<string> {
  await organizerJoinCode(db); // the row exists before it is replaced
  const joinCode = newCode();
  await db
    .updateTable('settings')
    .set({ value: JSON.stringify(joinCode), updated_at: new Date() })
    .where('key', '=', 'organizer_join_code')
    .execute();
  await db
    .insertInto('audit_log')
    .values({ actor, action: 'organizer.code.rotated', details: JSON.stringify({}) })
    .execute();
  return joinCode;
}
