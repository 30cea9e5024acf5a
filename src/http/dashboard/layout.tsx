/** The page frame and the small components every dashboard page shares. */
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { d, FLASH } from '../../messages/dashboard';
import { pd } from '../../messages/plans';
import { CSS_URL, JS_URL } from './assets';
import { CSRF_FIELD } from './auth';
import { currentAlerts } from '../../core/platform-alerts';
import { ops } from '../../messages/ops';

export type NavKey =
  'home' | 'units' | 'events' | 'reports' | 'broadcasts' | 'plans' | 'tasks' | 'sandbox' | null;

export interface LayoutProps {
  title: string;
  nav?: NavKey;
  /** Logged-in visitor: shows the navigation and the logout button. */
  session?: { label: string; csrf: string } | null;
  /** Show the simulator in the navigation. */
  sandbox?: boolean;
  children?: Child;
}

export function Layout(p: LayoutProps) {
  const links: Array<[Exclude<NavKey, null>, string, string]> = [
    ['home', '/', d.nav.home],
    ['units', '/units', d.nav.units],
    ['events', '/events', d.nav.events],
    ['reports', '/reports', d.nav.reports],
    ['broadcasts', '/broadcasts', d.nav.broadcasts],
    ['plans', '/plans', pd.nav.plans],
    ['tasks', '/tasks', pd.nav.tasks],
  ];
  if (p.sandbox) links.push(['sandbox', '/sandbox', d.nav.sandbox]);
  return (
    <html lang="vi">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{p.title + d.titleSuffix}</title>
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href={CSS_URL} />
        <script src={JS_URL} defer></script>
      </head>
      <body>
        <a class="skip" href="#main">
          {d.skip}
        </a>
        <header class="top">
          <div class="bar">
            <a class="brand" href="/">
              {d.appName}
            </a>
            {p.session || p.sandbox ? (
              <nav class="main" aria-label={d.nav.label}>
                <ul>
                  {links
                    .filter(([key]) => p.session || key === 'sandbox')
                    .map(([key, href, label]) => (
                      <li>
                        <a href={href} aria-current={p.nav === key ? 'page' : undefined}>
                          {label}
                        </a>
                      </li>
                    ))}
                </ul>
              </nav>
            ) : null}
            {p.session ? (
              <div class="who">
                <span class="sr-only">{d.nav.signedInAs(p.session.label)}</span>
                <form method="post" action="/logout" class="inline">
                  <CsrfField token={p.session.csrf} />
                  <button type="submit" class="link">
                    {d.nav.logout}
                  </button>
                </form>
              </div>
            ) : null}
          </div>
        </header>
        <main id="main" tabindex={-1}>
          {p.session &&
          currentAlerts().some((a) => a.platform === 'zalo' && a.kind === 'login-needed') ? (
            <p class="notice err" role="alert">
              {ops.bannerZaloLoginNeeded()}
            </p>
          ) : null}
          {p.children}
        </main>
      </body>
    </html>
  );
}

export function CsrfField(p: { token: string }) {
  return <input type="hidden" name={CSRF_FIELD} value={p.token} />;
}

/** The notice after a redirect (?ok=<key>&n=<count>): only known keys, never text from the URL. */
export function Flash(p: { c: Context }) {
  const key = p.c.req.query('ok');
  const fn = key ? FLASH[key] : undefined;
  if (!fn) return null;
  const n = Number(p.c.req.query('n'));
  return (
    <p class="notice ok" role="status">
      {fn(Number.isFinite(n) ? n : undefined)}
    </p>
  );
}

export function ErrorNotice(p: { message?: string | null }) {
  if (!p.message) return null;
  return (
    <p class="notice err" role="alert">
      {p.message}
    </p>
  );
}

/** A status shown as colour and as words (never colour alone). */
export function Badge(p: { kind: string; label: string }) {
  return <span class={`badge s-${p.kind}`}>{p.label}</span>;
}

export function TableWrap(p: { children?: Child; label?: string }) {
  // Focusable and labelled so a keyboard user can scroll a wide table on a phone.
  return (
    <div class="table-wrap" tabindex={0} role="region" aria-label={p.label}>
      {p.children}
    </div>
  );
}

export function Field(p: { id: string; label: string; help?: string; children?: Child }) {
  return (
    <div>
      <label for={p.id}>{p.label}</label>
      {p.help ? (
        <p class="help" id={`${p.id}-help`}>
          {p.help}
        </p>
      ) : null}
      {p.children}
    </div>
  );
}
