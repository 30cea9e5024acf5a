/**
 * Finding: nothing could be revoked. No rotation of unit or organizer codes, no unlink, an
 * organizer who left the organizer group still got /dashboard links, and a leaked organizer code
 * gave a permanent organizer group. Replayed against the running service (telegraf, Hono, the
 * outbox worker) and the fake Bot API, as the people involved would act.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dl } from '../../src/messages/dashboard';
import { ac, t } from '../../src/messages/vi';
import type { TgChat, TgUpdate, TgUser } from '../fakes/telegram-updates';
import { startTelegramHarness, ADMIN, type Harness } from '../helpers/telegram-harness';
import { Jar, csrfIn, get, loginWithToken, postForm } from './browser';

let h: Harness;
let org: TgChat;
const LINK = /\/login\/[a-z2-9]{32}/;

async function send(update: TgUpdate): Promise<void> {
  h.fake.observe(update);
  const res = await h.post(update);
  expect(res.status).toBe(200);
  await h.settle();
}

async function joinCodes(): Promise<Record<string, string>> {
  const units = (await (await h.api('GET', '/units')).json()) as Array<{
    code: string;
    joinCode: string;
  }>;
  return Object.fromEntries(units.map((u) => [u.code, u.joinCode]));
}

const lastText = (chat: TgChat | TgUser) => h.fake.textsTo(chat.id).at(-1) ?? '';
const linksTo = (user: TgUser) => h.fake.textsTo(user.id).filter((x) => LINK.test(x));

/** An organizer: writes privately to the bot (so links can reach them), then in the group. */
async function organizer(name: string): Promise<TgUser> {
  const user = h.tg.user({ first_name: name });
  await send(h.tg.text(h.tg.privateChat(user), user, 'Chào bot'));
  await send(h.tg.text(org, user, `Chào cả nhóm, ${name} đây`));
  return user;
}

async function dashboard(user: TgUser): Promise<string> {
  await send(h.tg.command(h.tg.privateChat(user), user, '/dashboard'));
  return lastText(user);
}

beforeAll(async () => {
  h = await startTelegramHarness();
  const put = await h.api('PUT', '/units', [
    { code: 'YT', name: 'Sở Y tế' },
    { code: 'TP', name: 'Sở Tư pháp' },
  ]);
  expect(put.status).toBe(200);
  org = h.tg.group({ title: 'Ban tổ chức' });
  const founder = h.tg.user({ first_name: 'Lan' });
  const { joinCode } = (await (await h.api('GET', '/organizer-code')).json()) as {
    joinCode: string;
  };
  await send(h.tg.command(org, founder, '/lienket', joinCode));
  expect(lastText(org)).toContain('nhóm Ban tổ chức');
}, 60_000);
afterAll(() => h.close());

describe('join codes can be replaced', () => {
  it("a unit's code rotated through the API stops working at once; the new one links", async () => {
    const before = (await joinCodes()).YT!;
    const res = await h.api('POST', '/units/rotate-code', { code: 'YT' });
    expect(res.status).toBe(200);
    const { joinCode } = (await res.json()) as { joinCode: string };
    expect(joinCode).not.toBe(before);
    expect((await joinCodes()).YT).toBe(joinCode);

    const group = h.tg.group({ title: 'Nhóm Sở Y tế' });
    const member = h.tg.user();
    await send(h.tg.command(group, member, '/lienket', before));
    expect(lastText(group)).toBe(t.linkBadCode());
    await send(h.tg.command(group, member, '/lienket', joinCode));
    expect(lastText(group)).toBe(t.linkedUnit('Sở Y tế'));

    const audit = await h.db.db.selectFrom('audit_log').select(['action', 'details']).execute();
    expect(audit.some((a) => a.action === 'unit.code.rotated')).toBe(true);
    const all = JSON.stringify(audit);
    expect(all).not.toContain(before);
    expect(all).not.toContain(joinCode);
  });

  it('a leaked organizer code: replaced, it links nothing more; the group it linked is unlinked and loses the organizer commands', async () => {
    const leaked = ((await (await h.api('GET', '/organizer-code')).json()) as { joinCode: string })
      .joinCode;
    const intruders = h.tg.group({ title: 'Nhóm lạ' });
    const intruder = h.tg.user({ first_name: 'Lạ' });
    await send(h.tg.command(intruders, intruder, '/lienket', leaked));
    expect(lastText(intruders)).toBe(t.linkedOrganizer());

    const rotated = await h.api('POST', '/organizer-code/rotate');
    expect(rotated.status).toBe(200);
    const fresh = ((await rotated.json()) as { joinCode: string }).joinCode;
    expect(fresh).not.toBe(leaked);
    const another = h.tg.group({ title: 'Nhóm lạ 2' });
    await send(h.tg.command(another, intruder, '/lienket', leaked));
    expect(lastText(another)).toBe(t.linkBadCode());

    const chats = (await (await h.api('GET', '/organizer-chats')).json()) as Array<{
      chatId: string;
      title: string;
    }>;
    expect(chats.map((c) => c.chatId)).toContain(String(intruders.id));
    const unlinked = await h.api('POST', '/chats/unlink', {
      platform: 'telegram',
      chatId: String(intruders.id),
    });
    expect(unlinked.status).toBe(200);
    await h.settle();
    expect(lastText(intruders)).toBe(ac.unlinkedNotice(null));
    await send(h.tg.command(intruders, intruder, '/nhacnho'));
    expect(lastText(intruders)).toBe(t.onlyOrganizer());
    // Unlinking what is not linked is a 404, not a silent success.
    const again = await h.api('POST', '/chats/unlink', {
      platform: 'telegram',
      chatId: String(intruders.id),
    });
    expect(again.status).toBe(404);
  });

  it('from the dashboard: CSRF-checked buttons rotate a code and unlink a group', async () => {
    const jar = new Jar();
    expect((await loginWithToken(h.service.url, jar, ADMIN)).status).toBe(303);
    const page = await get(h.service.url, jar, '/units/YT');
    const html = await page.text();
    expect(html).toContain('/units/YT/rotate-code');
    const csrf = csrfIn(html)!;
    const before = (await joinCodes()).YT!;

    const forged = await postForm(h.service.url, jar, '/units/YT/rotate-code', {});
    expect(forged.status).toBe(403);
    expect((await joinCodes()).YT).toBe(before);

    const res = await postForm(h.service.url, jar, '/units/YT/rotate-code', { _csrf: csrf });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/units/YT?ok=unitCodeRotated');
    const after = (await joinCodes()).YT!;
    expect(after).not.toBe(before);
    expect(await (await get(h.service.url, jar, '/units/YT?ok=unitCodeRotated')).text()).toContain(
      after,
    );

    const group = await h.db.db
      .selectFrom('chats')
      .select('external_id')
      .where('title', '=', 'Nhóm Sở Y tế')
      .executeTakeFirstOrThrow();
    const unlink = await postForm(h.service.url, jar, '/access/unlink', {
      _csrf: csrf,
      platform: 'telegram',
      chatId: group.external_id,
      back: '//evil.example/units',
    });
    expect(unlink.status).toBe(303);
    expect(unlink.headers.get('location')).toBe('/access?ok=chatUnlinked');
    const row = await h.db.db
      .selectFrom('chats')
      .select(['role', 'unit_id'])
      .where('external_id', '=', group.external_id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ role: null, unit_id: null });

    const access = await (await get(h.service.url, jar, '/access')).text();
    expect(access).toContain('/access/organizer-code/rotate');
    const orgBefore = (
      (await (await h.api('GET', '/organizer-code')).json()) as { joinCode: string }
    ).joinCode;
    expect(
      (await postForm(h.service.url, jar, '/access/organizer-code/rotate', { _csrf: csrf })).status,
    ).toBe(303);
    const orgAfter = (
      (await (await h.api('GET', '/organizer-code')).json()) as { joinCode: string }
    ).joinCode;
    expect(orgAfter).not.toBe(orgBefore);
  });

  it('/huylienket in the organizer group unlinks every group of a unit', async () => {
    const codes = await joinCodes();
    const group = h.tg.group({ title: 'Nhóm Sở Tư pháp' });
    await send(h.tg.command(group, h.tg.user(), '/lienket', codes.TP!));
    expect(lastText(group)).toBe(t.linkedUnit('Sở Tư pháp'));
    await send(h.tg.command(org, h.tg.user(), '/huylienket', 'so tu phap'));
    expect(lastText(org)).toBe(ac.unlinkDone('Sở Tư pháp', ['Nhóm Sở Tư pháp']));
    expect(lastText(group)).toBe(ac.unlinkedNotice('Sở Tư pháp'));
    await send(h.tg.command(group, h.tg.user(), '/trangthai'));
    expect(lastText(group)).toBe(t.notLinked());
    // Not an organizer command anywhere else.
    await send(h.tg.command(group, h.tg.user(), '/huylienket', 'Sở Y tế'));
    expect(lastText(group)).toBe(t.onlyOrganizer());
  });
});

describe('organizer access ends with membership', () => {
  it('an organizer gets a one-time link, and the message keeps no link once sent', async () => {
    const lan = await organizer('Hoa');
    expect(await dashboard(lan)).toMatch(LINK);
    const rows = await h.db.db.selectFrom('outbox').select('payload').execute();
    expect(rows.filter((r) => LINK.test(JSON.stringify(r.payload)))).toEqual([]);
  });

  it('someone who left the organizer group (chat_member) gets no more links', async () => {
    const user = await organizer('Minh');
    expect(await dashboard(user)).toMatch(LINK);
    await send(h.tg.chatMember(org, user, user, 'member', 'left'));
    expect(await dashboard(user)).toBe(dl.notOrganizer());
    expect(linksTo(user)).toHaveLength(1);
  });

  it('someone removed from the group (left_chat_member) gets no more links', async () => {
    const user = await organizer('Tâm');
    await send(h.tg.memberLeft(org, user, h.tg.user({ first_name: 'Trưởng nhóm' })));
    expect(await dashboard(user)).toBe(dl.notOrganizer());
    expect(linksTo(user)).toHaveLength(0);
  });

  it('the bot asks Telegram (getChatMember) before each link: one who left unseen gets none', async () => {
    const user = await organizer('Cường');
    h.fake.setMember(org.id, user.id, 'kicked');
    const asked = h.fake.callsOf('getChatMember').length;
    expect(await dashboard(user)).toBe(dl.leftOrganizerGroup());
    expect(h.fake.callsOf('getChatMember').length).toBe(asked + 1);
    expect(linksTo(user)).toHaveLength(0);
    // The membership is forgotten: a second ask does not even reach Telegram.
    expect(await dashboard(user)).toBe(dl.notOrganizer());
    expect(h.fake.callsOf('getChatMember').length).toBe(asked + 1);
    // Asking in the organizer group itself is refused the same way.
    const other = await organizer('Phúc');
    h.fake.setMember(org.id, other.id, 'left');
    await send(h.tg.command(org, other, '/dashboard'));
    expect(lastText(org)).toBe(dl.leftOrganizerGroup());
    expect(linksTo(other)).toHaveLength(0);
  });

  it('a dormant organizer (not seen in the organizer group for 90 days) gets no link until they write there again', async () => {
    const user = await organizer('Dũng');
    h.clock.advance(91 * 86_400_000);
    expect(await dashboard(user)).toBe(dl.dormant());
    expect(linksTo(user)).toHaveLength(0);
    await send(h.tg.text(org, user, 'Em vẫn ở đây'));
    expect(await dashboard(user)).toMatch(LINK);
  });
});

describe('a /lienket message is deleted where the bot may', () => {
  it('deletes it in a group where the bot is an administrator, and in a private chat', async () => {
    const codes = await joinCodes();
    const group = h.tg.group({ title: 'Nhóm có quyền xoá' });
    h.fake.setBotCanDelete(group.id);
    const update = h.tg.command(group, h.tg.user(), '/lienket', codes.TP!);
    await send(update);
    expect(lastText(group)).toBe(t.linkedUnit('Sở Tư pháp'));
    expect(h.fake.deletedIn(group.id)).toEqual([update.message.message_id]);

    const user = h.tg.user();
    const inPrivate = h.tg.command(h.tg.privateChat(user), user, '/lienket', codes.TP!);
    await send(inPrivate);
    expect(lastText(user)).toBe(t.linkPrivateChat());
    expect(h.fake.deletedIn(user.id)).toEqual([inPrivate.message.message_id]);
  });

  it('a refusal (no admin right) is ignored: the link works and nothing is retried', async () => {
    const codes = await joinCodes();
    const group = h.tg.group({ title: 'Nhóm không có quyền xoá' });
    const calls = h.fake.callsOf('deleteMessage').length;
    await send(h.tg.command(group, h.tg.user(), '/lienket', codes.TP!));
    expect(lastText(group)).toBe(t.linkedUnit('Sở Tư pháp'));
    const tries = h.fake.callsOf('deleteMessage').slice(calls);
    expect(tries).toHaveLength(1);
    expect(tries[0]!.error?.description).toMatch(/can't be deleted/);
    const pending = await h.db.db
      .selectFrom('outbox')
      .select('state')
      .where('purpose', '=', 'delete')
      .where('chat_external_id', '=', String(group.id))
      .execute();
    expect(pending.map((p) => p.state)).toEqual(['sent']);
  });
});
