/**
 * The organizers' dashboard, server-rendered with Hono JSX: login (admin token or a one-time
 * link from the /dashboard chat command), then units, events, reports and broadcasts.
 * Mounted on the main app by service.ts through createHttpApp's `mount` hook.
 */
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppContext } from '../../app-context';
import { secretEquals } from '../../core/codes';
import { consumeLoginToken, isLoginCodeShape, loginTokenState } from '../../core/login-tokens';
import { d, FLASH } from '../../messages/dashboard';
import { mountAssets } from './assets';
import {
  CSRF_FIELD,
  clientKey,
  csrfMatches,
  currentSession,
  endSession,
  preSessionCookie,
  preSessionCsrf,
  startSession,
} from './auth';
import { createDash, render, safeNext, type DashboardOptions } from './kit';
import { broadcastRoutes } from './pages/broadcasts';
import { eventRoutes } from './pages/events';
import { homePage } from './pages/home';
import { LinkConfirmPage, LinkInvalidPage, LoginPage, MessagePage } from './pages/login';
import { reportRoutes } from './pages/reports';
import { planRoutes } from './pages/plans';
import { taskRoutes } from './pages/tasks';
import { unitRoutes } from './pages/units';

export type { DashboardOptions } from './kit';
export { createLoginLink } from './auth';

/** Wrong admin tokens per visitor address in the window before the form refuses. */
export const LOGIN_ATTEMPTS = 10;
export const LOGIN_WINDOW_MINUTES = 15;

export function mountDashboard(app: Hono, ctx: AppContext, opts: DashboardOptions): void {
  mountAssets(app);
  const dash = createDash(app, ctx, opts);
  const sandbox = dash.sandbox;
  const small = bodyLimit({
    maxSize: 64 * 1024,
    onError: (c) =>
      render(c, <MessagePage title={d.common.error} message={d.errors.tooLarge} />, 413),
  });

  const loginPage = (
    c: Context,
    extra: { error?: string; notice?: string; next?: string | null } = {},
    status = 200,
  ) =>
    render(
      c,
      <LoginPage
        csrf={preSessionCsrf(c)}
        next={extra.next ?? undefined}
        error={extra.error}
        notice={extra.notice}
        sandbox={sandbox}
      />,
      status,
    );

  app.get('/', async (c) => {
    const s = await currentSession(c, ctx.db, ctx.clock());
    if (!s) {
      const notice = c.req.query('ok') === 'loggedOut' ? FLASH.loggedOut!() : undefined;
      return loginPage(c, { next: safeNext(c.req.query('next')), notice });
    }
    try {
      return await homePage(dash, c, s);
    } catch (e) {
      ctx.log.error({ err: e }, 'dashboard home failed');
      return render(
        c,
        <MessagePage
          title={d.errors.serverTitle}
          message={d.errors.server}
          session={s}
          sandbox={sandbox}
        />,
        500,
      );
    }
  });

  app.post('/login', small, async (c) => {
    const form = await c.req.parseBody();
    if (!csrfMatches(form[CSRF_FIELD], preSessionCookie(c))) return dash.forbidden(c, null);
    const next = safeNext(typeof form.next === 'string' ? form.next : null);
    const now = ctx.clock();
    const key = `dashboard-login:${clientKey(c)}`;
    const since = new Date(now.getTime() - LOGIN_WINDOW_MINUTES * 60_000);
    const recent = await ctx.db
      .selectFrom('attempts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('key', '=', key)
      .where('at', '>', since)
      .executeTakeFirstOrThrow();
    if (Number(recent.n) >= LOGIN_ATTEMPTS)
      return loginPage(c, { error: d.login.rateLimited(LOGIN_WINDOW_MINUTES), next }, 429);
    const token = typeof form.token === 'string' ? form.token.trim() : '';
    if (!secretEquals(token, opts.adminToken)) {
      await ctx.db.insertInto('attempts').values({ key, at: now }).execute();
      await ctx.db
        .insertInto('audit_log')
        .values({
          actor: 'dashboard',
          action: 'dashboard.login.failed',
          details: JSON.stringify({ from: key }),
        })
        .execute();
      return loginPage(c, { error: d.login.wrongToken, next }, 401);
    }
    await ctx.db.deleteFrom('attempts').where('key', '=', key).execute();
    await startSession(c, ctx.db, 'ADMIN_TOKEN', now);
    await ctx.db
      .insertInto('audit_log')
      .values({
        actor: 'dashboard:ADMIN_TOKEN',
        action: 'dashboard.login',
        details: JSON.stringify({ via: 'admin-token' }),
      })
      .execute();
    return c.redirect(next ?? '/', 303);
  });

  /**
   * Opening a one-time link shows a page whose form uses it. Chat apps fetch links to draw
   * previews (Telegram's servers do, for every URL a bot sends); a GET that used the code
   * would burn it before the organizer taps it. The page submits itself in a browser.
   */
  app.get('/login/:code', async (c) => {
    const code = c.req.param('code');
    const state = await loginTokenState(ctx.db, code, ctx.clock());
    if (state !== 'valid')
      return render(c, <LinkInvalidPage state={state} />, state === 'unknown' ? 404 : 410);
    return render(c, <LinkConfirmPage csrf={preSessionCsrf(c)} code={code} />);
  });

  app.post('/login/:code', small, async (c) => {
    const code = c.req.param('code');
    const form = await c.req.parseBody();
    if (!csrfMatches(form[CSRF_FIELD], preSessionCookie(c))) return dash.forbidden(c, null);
    const now = ctx.clock();
    const used = isLoginCodeShape(code) ? await consumeLoginToken(ctx.db, code, now) : null;
    if (!used) {
      const state = await loginTokenState(ctx.db, code, now);
      return render(
        c,
        <LinkInvalidPage state={state === 'valid' ? 'used' : state} />,
        state === 'unknown' ? 404 : 410,
      );
    }
    await startSession(c, ctx.db, used.label, now);
    await ctx.db
      .insertInto('audit_log')
      .values({
        actor: `dashboard:${used.label}`,
        action: 'dashboard.login',
        details: JSON.stringify({ via: 'link' }),
      })
      .execute();
    return c.redirect('/', 303);
  });

  app.post('/logout', small, async (c) => {
    const s = await currentSession(c, ctx.db, ctx.clock());
    if (!s) return c.redirect('/', 303);
    const form = await c.req.parseBody();
    if (!csrfMatches(form[CSRF_FIELD], s.csrf)) return dash.forbidden(c, s);
    await endSession(c, ctx.db);
    return c.redirect('/?ok=loggedOut', 303);
  });

  unitRoutes(dash);
  eventRoutes(dash);
  reportRoutes(dash);
  broadcastRoutes(dash);
  planRoutes(dash);
  taskRoutes(dash);
}
