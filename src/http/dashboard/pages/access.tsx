/**
 * Taking access back from the dashboard: a unit's join code replaced, the organizer code
 * replaced, a group unlinked; the organizer groups listed so a group linked with a leaked
 * organizer code can be found. Every change is a CSRF-checked POST and goes to the audit log.
 */
import type { Context } from 'hono';
import { listOrganizerChats, unlinkChat, type OrganizerChatView } from '../../../core/chats/unlink';
import { isDomainError } from '../../../core/errors';
import { formatDateTime } from '../../../core/time/format';
import { rotateOrganizerCode, rotateUnitJoinCode } from '../../../core/units/codes';
import { organizerJoinCode } from '../../../core/units/repo';
import { acd, d } from '../../../messages/dashboard';
import { safeNext, type Session } from '../auth';
import { field, render, type Dash } from '../kit';
import { Badge, CsrfField, Flash, Layout, TableWrap } from '../layout';

/** "Đổi mã liên kết" for one unit (the unit's page). */
export function RotateUnitCodeForm(p: { csrf: string; code: string }) {
  return (
    <form
      method="post"
      action={`/units/${encodeURIComponent(p.code)}/rotate-code`}
      class="inline"
      data-confirm={acd.rotateConfirm}
    >
      <CsrfField token={p.csrf} />
      <button type="submit" class="small secondary">
        {acd.rotateUnit}
      </button>
    </form>
  );
}

/** "Hủy liên kết" for one chat; `back` is where to return afterwards. */
export function UnlinkChatForm(p: {
  csrf: string;
  platform: string;
  chatId: string;
  title: string;
  back: string;
}) {
  return (
    <form
      method="post"
      action="/access/unlink"
      class="inline"
      data-confirm={acd.unlinkConfirm(p.title)}
    >
      <CsrfField token={p.csrf} />
      <input type="hidden" name="platform" value={p.platform} />
      <input type="hidden" name="chatId" value={p.chatId} />
      <input type="hidden" name="back" value={p.back} />
      <button type="submit" class="small secondary" aria-label={`${acd.unlink}: ${p.title}`}>
        {acd.unlink}
      </button>
    </form>
  );
}

/** A chat linked to a unit or to the organizers, as both pages list them. */
export interface LinkedChatRow {
  platform: string;
  chatId: string;
  title: string | null;
  active: boolean;
  linkedAt: Date | null;
  /** Shown only where the page lists who linked each chat. */
  linkedBy?: string | null;
}

/** Linked chats with their state and an unlink button each; `back` is where unlinking returns. */
export function LinkedChatsTable(p: {
  chats: LinkedChatRow[];
  label: string;
  csrf: string;
  tz: string;
  back: string;
  showLinkedBy?: boolean;
}) {
  return (
    <TableWrap label={p.label}>
      <table>
        <thead>
          <tr>
            <th scope="col">{d.units.chatPlatform}</th>
            <th scope="col">{d.units.chatTitle}</th>
            <th scope="col">{d.units.chatState}</th>
            {p.showLinkedBy ? <th scope="col">{acd.linkedBy}</th> : null}
            <th scope="col">{d.units.chatLinkedAt}</th>
            <th scope="col">{acd.actions}</th>
          </tr>
        </thead>
        <tbody>
          {p.chats.map((ch) => (
            <tr>
              <td>{d.units.platforms[ch.platform] ?? ch.platform}</td>
              <td>{ch.title ?? ch.chatId}</td>
              <td>
                {ch.active ? (
                  <Badge kind="registered" label={d.units.chatActive} />
                ) : (
                  <Badge kind="declined" label={d.units.chatInactive} />
                )}
              </td>
              {p.showLinkedBy ? <td>{ch.linkedBy ?? d.common.none}</td> : null}
              <td>{ch.linkedAt ? formatDateTime(ch.linkedAt, p.tz) : d.common.none}</td>
              <td>
                <UnlinkChatForm
                  csrf={p.csrf}
                  platform={ch.platform}
                  chatId={ch.chatId}
                  title={ch.title ?? ch.chatId}
                  back={p.back}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

function AccessPage(p: {
  c: Context;
  session: Session;
  sandbox: boolean;
  organizerCode: string;
  chats: OrganizerChatView[];
  tz: string;
}) {
  return (
    <Layout title={acd.title} nav="units" session={p.session} sandbox={p.sandbox}>
      <p>
        <a href="/units">← {d.units.title}</a>
      </p>
      <h1>{acd.heading}</h1>
      <Flash c={p.c} />
      <p>{acd.intro}</p>
      <section class="card" aria-labelledby="org-code-h">
        <h2 id="org-code-h">{d.units.organizerHeading}</h2>
        <p>{d.units.organizerHelp}</p>
        <p>
          <code>/lienket {p.organizerCode}</code>
        </p>
        <p class="help">{acd.rotateOrganizerHelp}</p>
        <form method="post" action="/access/organizer-code/rotate" data-confirm={acd.rotateConfirm}>
          <CsrfField token={p.session.csrf} />
          <button type="submit" class="secondary">
            {acd.rotateOrganizer}
          </button>
        </form>
      </section>
      <section class="card" aria-labelledby="org-chats-h">
        <h2 id="org-chats-h">{acd.organizerChats}</h2>
        {p.chats.length === 0 ? (
          <p>{acd.noOrganizerChats}</p>
        ) : (
          <LinkedChatsTable
            chats={p.chats}
            label={acd.organizerChats}
            csrf={p.session.csrf}
            tz={p.tz}
            back="/access"
            showLinkedBy
          />
        )}
      </section>
    </Layout>
  );
}

export function accessRoutes(dash: Dash): void {
  const { ctx } = dash;
  const actor = (s: Session) => `dashboard:${s.label}`;

  dash.get('/access', async (c, s) =>
    render(
      c,
      <AccessPage
        c={c}
        session={s}
        sandbox={dash.sandbox}
        organizerCode={await organizerJoinCode(ctx.db)}
        chats={await listOrganizerChats(ctx.db)}
        tz={ctx.timezone}
      />,
    ),
  );

  dash.post('/access/organizer-code/rotate', async (c, s) => {
    await ctx.db.transaction().execute((trx) => rotateOrganizerCode(trx, actor(s)));
    return c.redirect('/access?ok=organizerCodeRotated', 303);
  });

  dash.post('/units/:code/rotate-code', async (c, s) => {
    const code = c.req.param('code') ?? '';
    try {
      await ctx.db.transaction().execute((trx) => rotateUnitJoinCode(trx, code, actor(s)));
    } catch (e) {
      if (isDomainError(e)) return dash.notFound(c, s);
      throw e;
    }
    return c.redirect(`/units/${encodeURIComponent(code)}?ok=unitCodeRotated`, 303);
  });

  dash.post('/access/unlink', async (c, s, form) => {
    const platform = field(form, 'platform');
    const chatId = field(form, 'chatId');
    const back = safeNext(field(form, 'back')) ?? '/access';
    const done = await ctx.db
      .transaction()
      .execute((trx) => unlinkChat(trx, { platform, chatId }, actor(s)));
    if (!done) return dash.notFound(c, s);
    return c.redirect(`${back}${back.includes('?') ? '&' : '?'}ok=chatUnlinked`, 303);
  });
}
