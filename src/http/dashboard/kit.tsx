/**
 * What every dashboard page module gets: session-guarded GET and POST (CSRF-checked) route
 * registration, HTML rendering with the security headers, form and date helpers.
 */
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppContext } from '../../app-context';
import type { UnitSelector } from '../../core/events/types';
import { atLocal, isDateKey, localParts } from '../../core/time/format';
import { d } from '../../messages/dashboard';
import { CSRF_FIELD, csrfMatches, currentSession, type Session } from './auth';
import { MessagePage } from './pages/login';

export interface DashboardOptions {
  adminToken: string;
  /** The Telegram bot's username for deep links; a function when it is learnt after start-up. */
  botLinks?: { telegramUsername?: string | null | (() => string | null) };
  /** The chat simulator is mounted: link to it. */
  sandbox?: boolean;
}

export type Form = Record<string, string | File | Array<string | File>>;
export type Handler = (c: Context, s: Session) => Promise<Response>;
export type FormHandler = (c: Context, s: Session, form: Form) => Promise<Response>;

export const MAX_BODY = 10 * 1024 * 1024;

/** CSP: only this origin; inline SVG is markup, not an image load. */
export const HTML_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
};

export async function render(c: Context, node: unknown, status = 200): Promise<Response> {
  const body = '<!DOCTYPE html>' + String(await (node as Promise<string> | string));
  return c.html(body, status as 200, HTML_HEADERS);
}

export interface Dash {
  ctx: AppContext;
  opts: DashboardOptions;
  app: Hono;
  sandbox: boolean;
  telegramUsername(): string | null;
  get(path: string, h: Handler): void;
  post(path: string, h: FormHandler): void;
  notFound(c: Context, s: Session | null): Promise<Response>;
  forbidden(c: Context, s: Session | null, message?: string): Promise<Response>;
  audit(s: Session, action: string, details: Record<string, unknown>): Promise<void>;
}

function wantsJson(c: Context): boolean {
  return (
    c.req.path.endsWith('.json') || (c.req.header('accept') ?? '').startsWith('application/json')
  );
}

export function createDash(app: Hono, ctx: AppContext, opts: DashboardOptions): Dash {
  const sandbox = !!opts.sandbox;
  const dash: Dash = {
    ctx,
    opts,
    app,
    sandbox,
    telegramUsername() {
      const u = opts.botLinks?.telegramUsername;
      return (typeof u === 'function' ? u() : u) ?? null;
    },
    notFound: (c, s) =>
      render(
        c,
        <MessagePage
          title={d.errors.notFoundTitle}
          message={d.errors.notFound}
          session={s}
          sandbox={sandbox}
        />,
        404,
      ),
    forbidden: (c, s, message) =>
      render(
        c,
        <MessagePage
          title={d.errors.forbiddenTitle}
          message={message ?? d.errors.forbidden}
          session={s}
          sandbox={sandbox}
        />,
        403,
      ),
    async audit(s, action, details) {
      await ctx.db
        .insertInto('audit_log')
        .values({ actor: `dashboard:${s.label}`, action, details: JSON.stringify(details) })
        .execute();
    },
    get(path, h) {
      app.get(path, async (c) => {
        const s = await currentSession(c, ctx);
        if (!s) {
          if (wantsJson(c))
            return c.json(
              { error: { code: 'unauthorized', message: d.errors.loginRequired } },
              401,
            );
          const url = new URL(c.req.url);
          return c.redirect(`/?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
        }
        return guarded(c, s, () => h(c, s));
      });
    },
    post(path, h) {
      app.post(
        path,
        bodyLimit({
          maxSize: MAX_BODY,
          onError: (c) =>
            render(
              c,
              <MessagePage title={d.common.error} message={d.errors.tooLarge} sandbox={sandbox} />,
              413,
            ),
        }),
        async (c) => {
          const s = await currentSession(c, ctx);
          // No session: refused like a forged form (a stale tab after logout lands here too).
          if (!s) return dash.forbidden(c, null, d.errors.loginRequired);
          let form: Form;
          try {
            form = withoutNul((await c.req.parseBody({ all: true })) as Form);
          } catch {
            return dash.forbidden(c, s);
          }
          if (!csrfMatches(field(form, CSRF_FIELD), s.csrf)) return dash.forbidden(c, s);
          return guarded(c, s, () => h(c, s, form));
        },
      );
    },
  };

  async function guarded(c: Context, s: Session, run: () => Promise<Response>): Promise<Response> {
    try {
      return await run();
    } catch (e) {
      ctx.log.error({ err: e, path: c.req.path }, 'dashboard request failed');
      if (wantsJson(c))
        return c.json({ error: { code: 'internal', message: d.errors.server } }, 500);
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
  }
  return dash;
}

// ---------------------------------------------------------------------------------------------
// Forms

/** The first value of a field as trimmed text ('' when absent or a file). */
/** Postgres text cannot hold U+0000 and no person types it: removed from every form value. */
function withoutNul(form: Form): Form {
  const clean = (v: unknown) => (typeof v === 'string' ? v.replaceAll('\u0000', '') : v);
  return Object.fromEntries(
    Object.entries(form).map(([k, v]) => [k, Array.isArray(v) ? v.map(clean) : clean(v)]),
  ) as Form;
}

export function field(form: Form, name: string): string {
  const v = form[name];
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first.trim() : '';
}

/** Every text value of a (repeated) field, e.g. checkboxes. */
export function fields(form: Form, name: string): string[] {
  const v = form[name] ?? form[`${name}[]`];
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return list
    .filter((x): x is string => typeof x === 'string')
    .map((s) => s.trim())
    .filter(Boolean);
}

export function fileField(form: Form, name: string): File | null {
  const v = form[name];
  const first = Array.isArray(v) ? v[0] : v;
  return first && typeof first !== 'string' && first.size > 0 ? first : null;
}

export function intParamOf(c: Context, name: string): number | null {
  const n = Number(c.req.param(name));
  return Number.isInteger(n) && n > 0 && n <= 2_147_483_647 ? n : null;
}

// ---------------------------------------------------------------------------------------------
// Dates as the browser's date/datetime-local inputs give them, read in the app's timezone

const LOCAL_DT = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?$/;

export function parseLocalDateTime(value: string, tz: string): Date | null {
  const m = LOCAL_DT.exec(value.trim());
  if (!m || !isDateKey(m[1]!)) return null;
  const h = Number(m[2]);
  const min = Number(m[3]);
  if (h > 23 || min > 59) return null;
  return atLocal(m[1]!, `${m[2]}:${m[3]}`, tz);
}

export function parseDateInput(value: string): string | null {
  const v = value.trim();
  return isDateKey(v) ? v : null;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The value a datetime-local input shows for an instant. */
export function toLocalInput(date: Date, tz: string): string {
  const p = localParts(date, tz);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

// ---------------------------------------------------------------------------------------------
// Choosing units: all, some categories, or codes

export interface CategoryCount {
  category: string;
  units: number;
}

export async function categoryCounts(ctx: AppContext): Promise<CategoryCount[]> {
  const rows = await ctx.db
    .selectFrom('units')
    .select([
      'category',
      (eb) => eb.fn.countAll<number>().as('n'),
      (eb) => eb.fn.min('sort_order').as('first'),
    ])
    .where('category', 'is not', null)
    .groupBy('category')
    .orderBy('first')
    .execute();
  return rows.map((r) => ({ category: r.category!, units: Number(r.n) }));
}

export function UnitPicker(p: {
  idPrefix: string;
  categories: CategoryCount[];
  form?: Form | null;
}) {
  const mode = (p.form && field(p.form, 'unitsMode')) || 'all';
  const chosen = new Set(p.form ? fields(p.form, 'categories') : []);
  const id = (s: string) => `${p.idPrefix}-${s}`;
  return (
    <fieldset>
      <legend>{d.picker.legend}</legend>
      <label class="radio" for={id('all')}>
        <input type="radio" id={id('all')} name="unitsMode" value="all" checked={mode === 'all'} />
        {d.picker.all}
      </label>
      {p.categories.length ? (
        <>
          <label class="radio" for={id('cat')}>
            <input
              type="radio"
              id={id('cat')}
              name="unitsMode"
              value="categories"
              checked={mode === 'categories'}
            />
            {d.picker.categories}
          </label>
          <fieldset>
            <legend class="small">{d.picker.categories}</legend>
            {p.categories.map((c, i) => (
              <label class="check" for={id(`c${i}`)}>
                <input
                  type="checkbox"
                  id={id(`c${i}`)}
                  name="categories"
                  value={c.category}
                  checked={chosen.has(c.category)}
                />
                <span>
                  {c.category} <span class="muted small">({d.common.unitCount(c.units)})</span>
                </span>
              </label>
            ))}
          </fieldset>
        </>
      ) : null}
      <label class="radio" for={id('codes')}>
        <input
          type="radio"
          id={id('codes')}
          name="unitsMode"
          value="codes"
          checked={mode === 'codes'}
        />
        {d.picker.codes}
      </label>
      <label for={id('codes-text')} class="small">
        {d.picker.codesLabel}
      </label>
      <input
        type="text"
        id={id('codes-text')}
        name="codes"
        value={p.form ? field(p.form, 'codes') : ''}
      />
    </fieldset>
  );
}

export function parseUnitPicker(form: Form): UnitSelector | { error: string } {
  const mode = field(form, 'unitsMode') || 'all';
  if (mode === 'categories') {
    const categories = fields(form, 'categories');
    return categories.length ? { categories } : { error: d.picker.needCategory };
  }
  if (mode === 'codes') {
    const codes = field(form, 'codes')
      .split(/[\s,;]+/)
      .map((s) => s.trim())
      .filter(Boolean);
    return codes.length ? [...new Set(codes)] : { error: d.picker.needCodes };
  }
  return 'all';
}
