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
  checkAttempts,
  clearAttempts,
  recordFailure,
  type AttemptLimit,
} from '../../core/rate-limit';
import {
  CSRF_FIELD,
  clientAddress,
  csrfMatches,
  currentSession,
  endSession,
  preSessionCookie,
  preSessionCsrf,
  safeNext,
  startSession,
} from './auth';
import { createDash, render, type DashboardOptions } from './kit';
import { accessRoutes } from './pages/access';
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
/**
 * Wrong admin tokens from all addresses together in the window: past it the form refuses
 * everyone for a while (one-time links from the chat still work). Guessing a 158-bit token is
 * hopeless; the ceiling bounds the work and the rows an address-hopping client can cause.
 */
export const LOGIN_GLOBAL_ATTEMPTS = 200;

export const LOGIN_LIMIT: AttemptLimit = {
  scope: 'dashboard-login',
  perKey: LOGIN_ATTEMPTS,
  global: LOGIN_GLOBAL_ATTEMPTS,
  windowMs: LOGIN_WINDOW_MINUTES * 60_000,
};

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
        csrf={preSessionCsrf(c, ctx.config)}
        next={extra.next ?? undefined}
        error={extra.error}
        notice={extra.notice}
        sandbox={sandbox}
      />,
      status,
    );

  app.get('/', async (c) => {
    const s = await currentSession(c, ctx);
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
    const who = clientAddress(c, ctx.config.trustProxy);
    const verdict = await checkAttempts(ctx.db, LOGIN_LIMIT, who, now);
    if (verdict !== 'ok')
      return loginPage(c, { error: d.login.rateLimited(LOGIN_WINDOW_MINUTES), next }, 429);
    const token = typeof form.token === 'string' ? form.token.trim() : '';
    if (!secretEquals(token, opts.adminToken)) {
      await recordFailure(ctx.db, LOGIN_LIMIT, who, now);
      await ctx.db
        .insertInto('audit_log')
        .values({
          actor: 'dashboard',
          action: 'dashboard.login.failed',
          details: JSON.stringify({ from: who }),
        })
        .execute();
      return loginPage(c, { error: d.login.wrongToken, next }, 401);
    }
    await clearAttempts(ctx.db, LOGIN_LIMIT, who);
    await startSession(c, ctx, 'ADMIN_TOKEN');
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
    return render(c, <LinkConfirmPage csrf={preSessionCsrf(c, ctx.config)} code={code} />);
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
    await startSession(c, ctx, used.label);
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
    const s = await currentSession(c, ctx);
    if (!s) return c.redirect('/', 303);
    const form = await c.req.parseBody();
    if (!csrfMatches(form[CSRF_FIELD], s.csrf)) return dash.forbidden(c, s);
    await endSession(c, ctx);
    return c.redirect('/?ok=loggedOut', 303);
  });

  unitRoutes(dash);
  eventRoutes(dash);
  reportRoutes(dash);
  broadcastRoutes(dash);
  accessRoutes(dash);
  planRoutes(dash);
  taskRoutes(dash);
}
