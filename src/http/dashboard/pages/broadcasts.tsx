/** Broadcasts: compose → preview (recipient count) → send → live status, and resend to the failed groups. */
import type { Context } from 'hono';
import { DomainError } from '../../../core/errors';
import {
  broadcastStatus,
  draftBroadcast,
  resendFailed,
  resolveTarget,
  sendBroadcast,
  type BroadcastStatus,
  type BroadcastTarget,
} from '../../../core/broadcasts/broadcast';
import { deliveries as reachOf } from '../../../core/chats/targets';
import { formatDateTime, formatDeadline } from '../../../core/time/format';
import { bc as chatTexts } from '../../../messages/vi';
import { d } from '../../../messages/dashboard';
import type { Session } from '../auth';
import {
  categoryCounts,
  field,
  intParamOf,
  render,
  type CategoryCount,
  type Dash,
  type Form,
} from '../kit';
import { Badge, CsrfField, ErrorNotice, Field, Flash, Layout, TableWrap } from '../layout';

interface Choice {
  id: number;
  title: string;
  when: string;
}

interface ListRow {
  id: number;
  text: string;
  label: string;
  status: string;
  createdAt: Date;
  sent: number;
  failed: number;
  total: number;
}

function targetLabel(target: unknown): string {
  return typeof target === 'object' &&
    target &&
    typeof (target as { label?: unknown }).label === 'string'
    ? (target as { label: string }).label
    : '';
}

function excerpt(text: string, n = 120): string {
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}

function ComposeForm(p: {
  csrf: string;
  categories: CategoryCount[];
  events: Choice[];
  campaigns: Choice[];
  form?: Form | null;
}) {
  const v = (n: string) => (p.form ? field(p.form, n) : '');
  const target = v('target') || 'all';
  return (
    <form method="post" action="/broadcasts/preview" data-once>
      <CsrfField token={p.csrf} />
      <Field id="bc-text" label={`${d.bc.fText} ${d.common.required}`}>
        <textarea id="bc-text" name="text" rows={6} required maxlength={20000}>
          {p.form && typeof p.form.text === 'string' ? p.form.text : ''}
        </textarea>
      </Field>
      <fieldset>
        <legend>{d.bc.fTarget}</legend>
        <label class="radio" for="bc-t-all">
          <input type="radio" id="bc-t-all" name="target" value="all" checked={target === 'all'} />
          {d.bc.tAll}
        </label>
        {p.categories.length ? (
          <div>
            <label class="radio" for="bc-t-category">
              <input
                type="radio"
                id="bc-t-category"
                name="target"
                value="category"
                checked={target === 'category'}
              />
              {d.bc.tCategory}
            </label>
            <label for="bc-category" class="small">
              {d.bc.tCategoryLabel}
            </label>
            <select id="bc-category" name="category">
              {p.categories.map((c) => (
                <option value={c.category} selected={v('category') === c.category}>
                  {`${c.category} (${d.common.unitCount(c.units)})`}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        {p.events.length ? (
          <div>
            <label class="radio" for="bc-t-unreg">
              <input
                type="radio"
                id="bc-t-unreg"
                name="target"
                value="unregistered"
                checked={target === 'unregistered'}
              />
              {d.bc.tUnregistered}
            </label>
            <label for="bc-event" class="small">
              {d.bc.tUnregisteredLabel}
            </label>
            <select id="bc-event" name="event">
              {p.events.map((e) => (
                <option value={String(e.id)} selected={v('event') === String(e.id)}>
                  {`${e.title} — ${e.when}`}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <div>
          <label class="radio" for="bc-t-owing">
            <input
              type="radio"
              id="bc-t-owing"
              name="target"
              value="owing"
              checked={target === 'owing'}
            />
            {d.bc.tOwing}
          </label>
          <label for="bc-campaign" class="small">
            {d.bc.tOwingLabel}
          </label>
          <select id="bc-campaign" name="campaign">
            <option value="">{d.bc.tOwingAny}</option>
            {p.campaigns.map((c) => (
              <option value={String(c.id)} selected={v('campaign') === String(c.id)}>
                {`${c.title} — ${c.when}`}
              </option>
            ))}
          </select>
        </div>
      </fieldset>
      <div class="actions">
        <button type="submit">{d.bc.preview}</button>
      </div>
    </form>
  );
}

function BroadcastsPage(p: {
  c: Context;
  session: Session;
  sandbox: boolean;
  categories: CategoryCount[];
  events: Choice[];
  campaigns: Choice[];
  rows: ListRow[];
  tz: string;
  error?: string | null;
  form?: Form | null;
}) {
  return (
    <Layout title={d.bc.title} nav="broadcasts" session={p.session} sandbox={p.sandbox}>
      <h1>{d.bc.heading}</h1>
      <Flash c={p.c} />
      <section class="card">
        <ErrorNotice message={p.error} />
        <ComposeForm
          csrf={p.session.csrf}
          categories={p.categories}
          events={p.events}
          campaigns={p.campaigns}
          form={p.form}
        />
      </section>
      <h2>{d.bc.listHeading}</h2>
      {p.rows.length === 0 ? (
        <p>{d.common.noData}</p>
      ) : (
        <TableWrap label={d.bc.listHeading}>
          <table>
            <thead>
              <tr>
                <th scope="col">{d.bc.colWhen}</th>
                <th scope="col">{d.bc.colText}</th>
                <th scope="col">{d.bc.colTarget}</th>
                <th scope="col">{d.bc.colResult}</th>
              </tr>
            </thead>
            <tbody>
              {p.rows.map((r) => (
                <tr>
                  <td class="small">{formatDateTime(r.createdAt, p.tz)}</td>
                  <td>
                    <a href={`/broadcasts/${r.id}`}>{excerpt(r.text)}</a>
                  </td>
                  <td class="small">{r.label}</td>
                  <td>
                    <Badge kind={r.status} label={d.bc.state[r.status] ?? r.status} />{' '}
                    <span class="small">{d.bc.results(r.sent, r.total, r.failed)}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </Layout>
  );
}

function PreviewPage(p: {
  session: Session;
  sandbox: boolean;
  id: number;
  text: string;
  label: string;
  chats: number;
  units: number;
  unreachable: number;
}) {
  return (
    <Layout title={d.bc.previewHeading} nav="broadcasts" session={p.session} sandbox={p.sandbox}>
      <p>
        <a href="/broadcasts">← {d.bc.title}</a>
      </p>
      <h1>{d.bc.previewHeading}</h1>
      <section class="card">
        <p>{d.bc.previewTarget(p.label)}</p>
        <p class={p.chats ? 'notice info' : 'notice err'} role="status">
          {p.chats ? d.bc.previewCount(p.chats, p.units) : d.bc.previewNone}
        </p>
        {p.unreachable ? (
          <p class="notice warn" role="status">
            {d.bc.previewUnreachable(p.unreachable)}
          </p>
        ) : null}
        <div class="card">
          <pre class="msg">{chatTexts.announcement(p.text)}</pre>
        </div>
        <div class="actions">
          {p.chats ? (
            <form method="post" action={`/broadcasts/${p.id}/send`} data-once>
              <CsrfField token={p.session.csrf} />
              <button type="submit">{d.bc.send}</button>
            </form>
          ) : null}
          <a class="button secondary" href={`/broadcasts?from=${p.id}`}>
            {d.bc.edit}
          </a>
          <form method="post" action={`/broadcasts/${p.id}/cancel`} data-once>
            <CsrfField token={p.session.csrf} />
            <button type="submit" class="secondary">
              {d.bc.cancelDraft}
            </button>
          </form>
        </div>
      </section>
    </Layout>
  );
}

interface Delivery {
  name: string;
  platform: string;
  state: 'queued' | 'sending' | 'sent' | 'failed';
}

function StatusPage(p: {
  c: Context;
  session: Session;
  sandbox: boolean;
  id: number;
  text: string;
  label: string;
  createdAt: Date;
  status: BroadcastStatus;
  deliveries: Delivery[];
  tz: string;
}) {
  const s = p.status;
  const finished = s.pending === 0;
  const stateLabel = d.bc.state[effectiveState(s)] ?? s.status;
  return (
    <Layout
      title={d.bc.statusHeading(p.id)}
      nav="broadcasts"
      session={p.session}
      sandbox={p.sandbox}
    >
      <p>
        <a href="/broadcasts">← {d.bc.title}</a>
      </p>
      <h1>{d.bc.statusHeading(p.id)}</h1>
      <Flash c={p.c} />
      <section
        class="card"
        data-status-url={`/broadcasts/${p.id}/status.json`}
        data-pending={String(s.pending)}
        aria-labelledby="progress-h"
      >
        <h2 id="progress-h">
          {d.bc.progressLabel}: <span data-field="label">{stateLabel}</span>
        </h2>
        <ul class="stats" aria-live="polite">
          <li>
            <span class="n" data-field="total">
              {s.total}
            </span>
            {d.bc.total}
          </li>
          <li>
            <span class="n" data-field="sent">
              {s.sent}
            </span>
            <Badge kind="sent" label={d.bc.sent} />
          </li>
          <li>
            <span class="n" data-field="failed">
              {s.failed}
            </span>
            <Badge kind="failed" label={d.bc.failed} />
          </li>
          <li>
            <span class="n" data-field="pending">
              {s.pending}
            </span>
            <Badge kind="pending" label={d.bc.pending} />
          </li>
        </ul>
        <label for="bc-progress" class="sr-only">
          {d.bc.progressLabel}
        </label>
        <progress id="bc-progress" max={Math.max(1, s.total)} value={s.sent + s.failed}>
          {`${s.sent + s.failed}/${s.total}`}
        </progress>
        {finished && s.failed === 0 && s.total > 0 ? <p class="notice ok">{d.bc.allSent}</p> : null}
        {finished ? null : (
          <p class="help">
            {d.bc.autoRefresh} <a href={`/broadcasts/${p.id}`}>{d.common.refresh}</a>
          </p>
        )}
      </section>
      <section class="card">
        <p class="small muted">
          {formatDateTime(p.createdAt, p.tz)} · {d.bc.previewTarget(p.label)}
        </p>
        <pre class="msg">{p.text}</pre>
      </section>
      {s.failures.length ? (
        <section class="card" aria-labelledby="fail-h">
          <h2 id="fail-h">{d.bc.failuresHeading}</h2>
          <TableWrap label={d.bc.failuresHeading}>
            <table>
              <thead>
                <tr>
                  <th scope="col">{d.bc.colGroup}</th>
                  <th scope="col">{d.bc.colPlatform}</th>
                  <th scope="col">{d.bc.colReason}</th>
                </tr>
              </thead>
              <tbody>
                {s.failures.map((f) => (
                  <tr>
                    <td>{f.name}</td>
                    <td>{d.units.platforms[f.platform] ?? f.platform}</td>
                    <td>{f.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
          {finished ? (
            <form method="post" action={`/broadcasts/${p.id}/resend`} data-once>
              <CsrfField token={p.session.csrf} />
              <button type="submit">{d.bc.resend}</button>
            </form>
          ) : null}
        </section>
      ) : null}
      <section aria-labelledby="deliv-h">
        <h2 id="deliv-h">{d.bc.deliveriesHeading}</h2>
        <TableWrap label={d.bc.deliveriesHeading}>
          <table>
            <thead>
              <tr>
                <th scope="col">{d.bc.colGroup}</th>
                <th scope="col">{d.bc.colPlatform}</th>
                <th scope="col">{d.bc.colState}</th>
              </tr>
            </thead>
            <tbody>
              {p.deliveries.map((x) => (
                <tr data-state={x.state}>
                  <td>{x.name}</td>
                  <td>{d.units.platforms[x.platform] ?? x.platform}</td>
                  <td>
                    <Badge kind={x.state} label={d.bc.outbox[x.state]} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      </section>
    </Layout>
  );
}

/** "done" as soon as nothing is pending (the stored status flips after the outbox batch ends). */
function effectiveState(s: BroadcastStatus): string {
  return s.status === 'sending' && s.pending === 0 ? 'done' : s.status;
}

export function parseTarget(form: Form): BroadcastTarget | { error: string } {
  const kind = field(form, 'target') || 'all';
  if (kind === 'category') {
    const category = field(form, 'category');
    return category
      ? { kind: 'units', units: { categories: [category] } }
      : { error: d.bc.needCategory };
  }
  if (kind === 'unregistered') {
    const id = Number(field(form, 'event'));
    return Number.isInteger(id) && id > 0
      ? { kind: 'unregistered', eventId: id }
      : { error: d.bc.needEvent };
  }
  if (kind === 'owing') {
    const id = Number(field(form, 'campaign'));
    return Number.isInteger(id) && id > 0 ? { kind: 'owing', campaignId: id } : { kind: 'owing' };
  }
  return { kind: 'units', units: 'all' };
}

export function broadcastRoutes(dash: Dash): void {
  const { ctx } = dash;

  const composePage = async (
    c: Context,
    s: Session,
    error?: string,
    form?: Form | null,
    status = 200,
  ) => {
    const now = ctx.clock();
    const events = await ctx.db
      .selectFrom('events')
      .select(['id', 'title', 'starts_at'])
      .where('status', '=', 'active')
      .where('starts_at', '>', now)
      .orderBy('starts_at')
      .execute();
    const campaigns = await ctx.db
      .selectFrom('campaigns')
      .select(['id', 'title', 'deadline'])
      .where('status', '=', 'active')
      .orderBy('deadline')
      .execute();
    const broadcasts = await ctx.db
      .selectFrom('broadcasts')
      .selectAll()
      .where('status', '!=', 'draft')
      .orderBy('id', 'desc')
      .limit(30)
      .execute();
    const counts = broadcasts.length
      ? await ctx.db
          .selectFrom('outbox')
          .select(['broadcast_id', 'state', (eb) => eb.fn.countAll<number>().as('n')])
          .where(
            'broadcast_id',
            'in',
            broadcasts.map((b) => b.id),
          )
          .groupBy(['broadcast_id', 'state'])
          .execute()
      : [];
    const n = (id: number, state?: string) =>
      counts
        .filter((r) => r.broadcast_id === id && (!state || r.state === state))
        .reduce((a, r) => a + Number(r.n), 0);
    return render(
      c,
      <BroadcastsPage
        c={c}
        session={s}
        sandbox={dash.sandbox}
        categories={await categoryCounts(ctx)}
        events={events.map((e) => ({
          id: e.id,
          title: e.title,
          when: formatDateTime(e.starts_at, ctx.timezone),
        }))}
        campaigns={campaigns.map((x) => ({
          id: x.id,
          title: x.title,
          when: formatDeadline(x.deadline, ctx.timezone),
        }))}
        rows={broadcasts.map((b) => ({
          id: b.id,
          text: b.text,
          label: targetLabel(b.target),
          status: b.status,
          createdAt: b.created_at,
          sent: n(b.id, 'sent'),
          failed: n(b.id, 'failed'),
          total: n(b.id),
        }))}
        tz={ctx.timezone}
        error={error}
        form={form}
      />,
      status,
    );
  };

  dash.get('/broadcasts', async (c, s) => {
    // "Sửa lại" from a preview: the draft's text and target back in the form.
    const from = Number(c.req.query('from'));
    let form: Form | null = null;
    if (Number.isInteger(from) && from > 0) {
      const b = await ctx.db
        .selectFrom('broadcasts')
        .select(['text', 'target'])
        .where('id', '=', from)
        .where('status', '=', 'draft')
        .executeTakeFirst();
      if (b) {
        const t = b.target as BroadcastTarget;
        form = { text: b.text };
        if (t.kind === 'unregistered')
          Object.assign(form, { target: 'unregistered', event: String(t.eventId ?? '') });
        else if (t.kind === 'owing')
          Object.assign(form, { target: 'owing', campaign: String(t.campaignId ?? '') });
        else if (t.units !== 'all' && !Array.isArray(t.units) && t.units.categories?.length)
          Object.assign(form, { target: 'category', category: t.units.categories[0]! });
      }
    }
    return composePage(c, s, undefined, form);
  });

  dash.post('/broadcasts/preview', async (c, s, form) => {
    const text = (typeof form.text === 'string' ? form.text : '').normalize('NFC').trim();
    if (!text) return composePage(c, s, d.bc.needText, form, 400);
    const target = parseTarget(form);
    if ('error' in target) return composePage(c, s, target.error, form, 400);
    try {
      const draft = await ctx.db
        .transaction()
        .execute((trx) =>
          draftBroadcast(
            trx,
            text.slice(0, 20_000),
            target,
            `dashboard:${s.label}`,
            null,
            ctx.clock(),
          ),
        );
      return c.redirect(`/broadcasts/${draft.id}`, 303);
    } catch (e) {
      if (e instanceof DomainError) return composePage(c, s, e.message, form, 400);
      throw e;
    }
  });

  const load = async (c: Context) => {
    const id = intParamOf(c, 'id');
    return id
      ? ctx.db.selectFrom('broadcasts').selectAll().where('id', '=', id).executeTakeFirst()
      : undefined;
  };

  dash.get('/broadcasts/:id', async (c, s) => {
    const b = await load(c);
    if (!b) return dash.notFound(c, s);
    if (b.status === 'draft') {
      // The preview counts the chats as they are now (resolveTarget + deliveries), as sending will.
      let unitIds: number[] = [];
      try {
        unitIds = (await resolveTarget(ctx.db, b.target as BroadcastTarget, ctx.clock())).unitIds;
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
      }
      const reach = await reachOf(ctx.db, unitIds);
      return render(
        c,
        <PreviewPage
          session={s}
          sandbox={dash.sandbox}
          id={b.id}
          text={b.text}
          label={targetLabel(b.target)}
          chats={reach.deliveries.length}
          units={unitIds.length - reach.unreachable.length}
          unreachable={reach.unreachable.length}
        />,
      );
    }
    const status = (await broadcastStatus(ctx.db, b.id))!;
    const rows = await ctx.db
      .selectFrom('outbox')
      .leftJoin('chats', 'chats.id', 'outbox.chat_id')
      .leftJoin('units', 'units.id', 'chats.unit_id')
      .select([
        'outbox.platform',
        'outbox.state',
        'outbox.chat_external_id',
        'chats.title',
        'units.name',
      ])
      .where('outbox.broadcast_id', '=', b.id)
      .orderBy('outbox.id')
      .execute();
    const deliveries = rows.map((r) => ({
      name: r.name
        ? `${r.name}${r.title && r.title !== r.name ? ` (${r.title})` : ''}`
        : (r.title ?? r.chat_external_id),
      platform: r.platform,
      state: r.state,
    }));
    return render(
      c,
      <StatusPage
        c={c}
        session={s}
        sandbox={dash.sandbox}
        id={b.id}
        text={b.text}
        label={targetLabel(b.target)}
        createdAt={b.created_at}
        status={status}
        deliveries={deliveries}
        tz={ctx.timezone}
      />,
    );
  });

  dash.get('/broadcasts/:id/status.json', async (c) => {
    const id = intParamOf(c, 'id');
    const s = id ? await broadcastStatus(ctx.db, id) : null;
    if (!s) return c.json({ error: { code: 'not_found', message: d.errors.notFound } }, 404);
    return c.json(
      {
        id: s.id,
        status: effectiveState(s),
        label: d.bc.state[effectiveState(s)] ?? s.status,
        total: s.total,
        sent: s.sent,
        failed: s.failed,
        pending: s.pending,
      },
      200,
      { 'cache-control': 'no-store' },
    );
  });

  dash.post('/broadcasts/:id/send', async (c, s) => {
    const b = await load(c);
    if (!b) return dash.notFound(c, s);
    // Only a draft is sent, once: a second click finds it already sending.
    const sent = await ctx.db.transaction().execute((trx) => sendBroadcast(trx, b.id, ctx.clock()));
    if (sent) await dash.audit(s, 'broadcast.send', { broadcast: b.id, chats: sent.chats });
    return c.redirect(`/broadcasts/${b.id}`, 303);
  });

  dash.post('/broadcasts/:id/cancel', async (c, s) => {
    const b = await load(c);
    if (!b) return dash.notFound(c, s);
    await ctx.db
      .updateTable('broadcasts')
      .set({ status: 'cancelled' })
      .where('id', '=', b.id)
      .where('status', '=', 'draft')
      .execute();
    return c.redirect('/broadcasts?ok=broadcastCancelled', 303);
  });

  dash.post('/broadcasts/:id/resend', async (c, s) => {
    const b = await load(c);
    if (!b) return dash.notFound(c, s);
    const n = await ctx.db.transaction().execute((trx) => resendFailed(trx, b.id));
    if (n) await dash.audit(s, 'broadcast.resend', { broadcast: b.id, chats: n });
    return c.redirect(`/broadcasts/${b.id}?ok=resent&n=${n}`, 303);
  });
}
