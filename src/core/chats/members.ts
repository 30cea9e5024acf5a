/**
 * Who is in which group, as far as the bot knows: a person is recorded in a group when they
 * write there (src/core/inbound/handle.ts) and forgotten when the platform says they left. An
 * organizer group's members are the people who may ask for dashboard links, so a person who
 * left it must not stay one.
 */
import type { Trx } from '../../db/types';

/** The person left (or was removed from) the group: forget the membership. */
export async function forgetMember(
  trx: Trx,
  platform: string,
  chatExternalId: string,
  userExternalId: string,
): Promise<boolean> {
  const r = await trx
    .deleteFrom('chat_members')
    .where('chat_id', 'in', (eb) =>
      eb
        .selectFrom('chats')
        .select('id')
        .where('platform', '=', platform)
        .where('external_id', '=', chatExternalId),
    )
    .where('person_id', 'in', (eb) =>
      eb
        .selectFrom('people')
        .select('id')
        .where('platform', '=', platform)
        .where('external_id', '=', userExternalId),
    )
    .executeTakeFirst();
  const gone = Number(r.numDeletedRows) > 0;
  if (gone)
    await trx
      .insertInto('audit_log')
      .values({
        actor: `${platform}:${userExternalId}`,
        action: 'member.left',
        details: JSON.stringify({ chat: chatExternalId }),
      })
      .execute();
  return gone;
}
