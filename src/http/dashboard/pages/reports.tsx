/** Report requirements (campaigns): list, create, status per unit, submissions over time, extensions, excuses. */
import type { Context } from 'hono';
import { DomainError } from '../../../core/errors';
import {
  campaignUnits,
  createCampaign,
  excuseUnit,
  getCampaign,
  grantExtension,
  type UnitReportRow,
  type UnitReportStatus,
} from '../../../core/reports/manage';
import {
  addDays,
  atLocal,
  diffDays,
  formatDateKey,
  formatDateTime,
  formatDeadline,
  lastDueDateKey,
  localDateKey,
  parseDateKey,
} from '../../../core/time/format';
import {
  describeRecurrence,
  recurrenceSchema,
  type Recurrence,
} from '../../../core/time/recurrence';
import { deadlineFromVietnamesePhrase } from '../../../core/time/schedule';
import type { Campaign } from '../../../db/schema';
import { d } from '../../../messages/dashboard';
import type { Session } from '../auth';
import {
  categoryCounts,
  field,
  intParamOf,
  parseDateInput,
  parseUnitPicker,
  render,
  UnitPicker,
  type CategoryCount,
  type Dash,
  type Form,
} from '../kit';
import { Badge, CsrfField, ErrorNotice, Field, Flash, Layout, TableWrap } from '../layout';

const STATUSES: UnitReportStatus[] = ['submitted', 'late', 'pending', 'overdue', 'excused'];

interface CampaignListRow {
  c: Campaign;
  counts: Record<UnitReportStatus, number>;
  total: number;
}

function countStatuses(units: UnitReportRow[]): Record<UnitReportStatus, number> {
  const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<
    UnitReportStatus,
    number
  >;
  for (const u of units) counts[u.status]++;
  return counts;
}

// ---------------------------------------------------------------------------------------------
// The chart: cumulative submissions per local day, drawn on the server as plain SVG

export interface ChartInput {
  createdAt: Date;
  deadline: Date;
  submissions: Date[];
  total: number;
  now: Date;
  tz: string;
}

const MAX_DAYS = 92;

/** Days shown and the cumulative count at the end of each (null after today). */
export function chartSeries(p: ChartInput): {
  days: string[];
  values: Array<number | null>;
  deadlineIndex: number | null;
} {
  const today = localDateKey(p.now, p.tz);
  const subDays = p.submissions.map((s) => localDateKey(s, p.tz)).sort();
  const dueDay = lastDueDateKey(p.deadline, p.tz);
  let start = [localDateKey(p.createdAt, p.tz), subDays[0] ?? today, today].sort()[0]!;
  let end = [today, subDays[subDays.length - 1] ?? today].sort().reverse()[0]!;
  // The deadline is shown when it is near enough; today always is.
  if (dueDay > end && diffDays(start, dueDay) < MAX_DAYS) end = dueDay;
  if (diffDays(start, end) >= MAX_DAYS) start = addDays(end, -(MAX_DAYS - 1));
  const days: string[] = [];
  for (let k = start; k <= end; k = addDays(k, 1)) days.push(k);
  const values = days.map((k) => (k > today ? null : subDays.filter((s) => s <= k).length));
  const idx = days.indexOf(dueDay);
  return { days, values, deadlineIndex: idx >= 0 ? idx : null };
}

function shortDay(key: string): string {
  const { day, month } = parseDateKey(key);
  return `${day}/${month}`;
}

export function SubmissionChart(p: ChartInput & { id: string }) {
  const { days, values, deadlineIndex } = chartSeries(p);
  const W = 720;
  const H = 260;
  const m = { l: 44, r: 16, t: 16, b: 40 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const max = Math.max(1, p.total);
  const step = pw / days.length;
  const y = (v: number) => m.t + ph - (v / max) * ph;
  const done = p.submissions.length;
  const labelEvery = Math.max(1, Math.ceil(days.length / 8));
  return (
    <svg
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-labelledby={`${p.id}-t ${p.id}-d`}
      focusable="false"
    >
      <title id={`${p.id}-t`}>{d.reports.chartHeading}</title>
      <desc id={`${p.id}-d`}>{d.reports.chartDesc(done, p.total, days.length)}</desc>
      <line x1={m.l} y1={m.t + ph} x2={W - m.r} y2={m.t + ph} stroke="#4b5563" />
      <line x1={m.l} y1={m.t} x2={m.l} y2={m.t + ph} stroke="#4b5563" />
      <line
        x1={m.l}
        y1={y(p.total)}
        x2={W - m.r}
        y2={y(p.total)}
        stroke="#4b5563"
        stroke-dasharray="4 4"
      />
      <text x={m.l - 6} y={y(p.total) + 4} text-anchor="end" font-size="13" fill="#1b1f24">
        {p.total}
      </text>
      <text x={m.l - 6} y={m.t + ph + 4} text-anchor="end" font-size="13" fill="#1b1f24">
        0
      </text>
      {values.map((v, i) =>
        v === null || v === 0 ? null : (
          <rect
            x={m.l + i * step + step * 0.1}
            y={y(v)}
            width={Math.max(1, step * 0.8)}
            height={m.t + ph - y(v)}
            fill="#1f7a43"
          >
            <title>{`${formatDateKey(days[i]!)}: ${v}/${p.total}`}</title>
          </rect>
        ),
      )}
      {deadlineIndex !== null ? (
        <>
          <line
            x1={m.l + (deadlineIndex + 1) * step}
            y1={m.t}
            x2={m.l + (deadlineIndex + 1) * step}
            y2={m.t + ph}
            stroke="#a11b1b"
            stroke-dasharray="6 3"
            stroke-width="2"
          />
          <text
            x={m.l + (deadlineIndex + 1) * step - 4}
            y={m.t + 12}
            text-anchor="end"
            font-size="13"
            fill="#8a1414"
          >
            {d.reports.chartDeadline}
          </text>
        </>
      ) : null}
      {days.map((k, i) =>
        i % labelEvery === 0 || i === days.length - 1 ? (
          <text
            x={m.l + i * step + step / 2}
            y={H - m.b + 16}
            text-anchor="middle"
            font-size="13"
            fill="#1b1f24"
          >
            {shortDay(k)}
          </text>
        ) : null,
      )}
    </svg>
  );
}

// ---------------------------------------------------------------------------------------------

function ReportForm(p: { csrf: string; categories: CategoryCount[]; form?: Form | null }) {
  const v = (n: string) => (p.form ? field(p.form, n) : '');
  const rec = v('recurrence') || 'none';
  return (
    <form method="post" action="/reports" data-once>
      <CsrfField token={p.csrf} />
      <Field id="rp-title" label={`${d.reports.fTitle} ${d.common.required}`}>
        <input type="text" id="rp-title" name="title" required maxlength={500} value={v('title')} />
      </Field>
      <Field
        id="rp-source"
        label={`${d.reports.fSource} ${d.common.optional}`}
        help={d.reports.fSourceHelp}
      >
        <input
          type="text"
          id="rp-source"
          name="sourcePlan"
          maxlength={1000}
          value={v('sourcePlan')}
          aria-describedby="rp-source-help"
        />
      </Field>
      <Field
        id="rp-deadline"
        label={`${d.reports.fDeadline} ${d.common.required}`}
        help={d.reports.fDeadlineHelp}
      >
        <input
          type="date"
          id="rp-deadline"
          name="deadline"
          class="narrow"
          required
          value={v('deadline')}
          aria-describedby="rp-deadline-help"
        />
      </Field>
      <fieldset>
        <legend>{d.reports.fRecurrence}</legend>
        {(
          [
            ['none', d.reports.recNone],
            ['yearly', d.reports.recYearly],
            ['quarterly', d.reports.recQuarterly],
          ] as const
        ).map(([value, label]) => (
          <label class="radio" for={`rp-rec-${value}`}>
            <input
              type="radio"
              id={`rp-rec-${value}`}
              name="recurrence"
              value={value}
              checked={rec === value}
            />
            {label}
          </label>
        ))}
      </fieldset>
      <UnitPicker idPrefix="rp-units" categories={p.categories} form={p.form} />
      <div class="actions">
        <button type="submit">{d.reports.submitCreate}</button>
      </div>
    </form>
  );
}

function ReportsPage(p: {
  c: Context;
  session: Session;
  sandbox: boolean;
  rows: CampaignListRow[];
  categories: CategoryCount[];
  tz: string;
  error?: string | null;
  form?: Form | null;
}) {
  return (
    <Layout title={d.reports.title} nav="reports" session={p.session} sandbox={p.sandbox}>
      <h1>{d.reports.heading}</h1>
      <Flash c={p.c} />
      {p.rows.length === 0 ? (
        <p>{d.reports.empty}</p>
      ) : (
        <TableWrap label={d.reports.heading}>
          <table>
            <thead>
              <tr>
                <th scope="col">{d.reports.colTitle}</th>
                <th scope="col">{d.reports.colDeadline}</th>
                <th scope="col">{d.reports.colProgress}</th>
                <th scope="col">{d.reports.colStatus}</th>
              </tr>
            </thead>
            <tbody>
              {p.rows.map((r) => (
                <tr>
                  <td>
                    <a href={`/reports/${r.c.id}`}>{r.c.title}</a>
                    {r.c.period_label ? <div class="muted small">{r.c.period_label}</div> : null}
                  </td>
                  <td>{formatDeadline(r.c.deadline, p.tz)}</td>
                  <td>
                    {d.reports.progress(
                      r.counts.submitted + r.counts.late,
                      r.total - r.counts.excused,
                      r.counts.overdue,
                    )}
                  </td>
                  <td>
                    <Badge
                      kind={r.c.status === 'active' ? 'active' : r.c.status}
                      label={d.reports.status[r.c.status] ?? r.c.status}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      <section class="card" aria-labelledby="new-h">
        <h2 id="new-h">{d.reports.createHeading}</h2>
        <ErrorNotice message={p.error} />
        <ReportForm csrf={p.session.csrf} categories={p.categories} form={p.form} />
      </section>
    </Layout>
  );
}

interface ReportPageProps {
  c: Context;
  session: Session;
  sandbox: boolean;
  campaign: Campaign;
  units: UnitReportRow[];
  tz: string;
  now: Date;
  error?: string | null;
}

function excerpt(text: string | null, n = 140): string {
  if (!text) return '';
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}

function ReportPage(p: ReportPageProps) {
  const c = p.campaign;
  const counts = countStatuses(p.units);
  const active = c.status === 'active';
  const today = localDateKey(p.now, p.tz);
  return (
    <Layout title={c.title} nav="reports" session={p.session} sandbox={p.sandbox}>
      <p>
        <a href="/reports">← {d.reports.title}</a>
      </p>
      <h1>{c.title}</h1>
      <Flash c={p.c} />
      <ErrorNotice message={p.error} />
      <section class="card">
        <dl class="facts">
          <dt>{d.reports.deadline}</dt>
          <dd>{formatDeadline(c.deadline, p.tz)}</dd>
          {c.period_label ? (
            <>
              <dt>{d.reports.period}</dt>
              <dd>{c.period_label}</dd>
            </>
          ) : null}
          {c.recurrence ? (
            <>
              <dt>{d.reports.fRecurrence}</dt>
              <dd>{describeRecurrence(c.recurrence as Recurrence)}</dd>
            </>
          ) : null}
          {c.source_plan ? (
            <>
              <dt>{d.reports.source}</dt>
              <dd>{c.source_plan}</dd>
            </>
          ) : null}
          <dt>{d.reports.colStatus}</dt>
          <dd>{d.reports.status[c.status] ?? c.status}</dd>
        </dl>
        <p>{d.reports.counts(counts, p.units.length)}</p>
      </section>
      <section class="card chart" aria-labelledby="chart-h">
        <h2 id="chart-h">{d.reports.chartHeading}</h2>
        <SubmissionChart
          id="subs"
          createdAt={c.created_at}
          deadline={c.deadline}
          submissions={p.units.filter((u) => u.submittedAt).map((u) => u.submittedAt!)}
          total={p.units.length - counts.excused}
          now={p.now}
          tz={p.tz}
        />
      </section>
      <h2>{d.reports.unitsHeading}</h2>
      <TableWrap label={d.reports.unitsHeading}>
        <table>
          <thead>
            <tr>
              <th scope="col">{d.reports.colUnit}</th>
              <th scope="col">{d.reports.colStatus}</th>
              <th scope="col">{d.reports.colSubmitted}</th>
              <th scope="col">{d.reports.colContent}</th>
              {active ? <th scope="col">{d.reports.colActions}</th> : null}
            </tr>
          </thead>
          <tbody>
            {p.units.map((u) => (
              <tr id={`unit-${u.code}`} data-status={u.status}>
                <td>
                  {u.name}
                  {u.category ? <div class="muted small">{u.category}</div> : null}
                </td>
                <td>
                  <Badge kind={u.status} label={d.rep.label[u.status]} />
                  {u.extendedUntil && (u.status === 'pending' || u.status === 'overdue') ? (
                    <div class="small">
                      {d.reports.extendedUntil(formatDeadline(u.extendedUntil, p.tz))}
                    </div>
                  ) : null}
                  {u.status === 'overdue' ? (
                    <div class="small">{d.reports.daysLate(u.daysLate)}</div>
                  ) : null}
                </td>
                <td class="small">
                  {u.submittedAt ? formatDateTime(u.submittedAt, p.tz) : d.common.none}
                </td>
                <td class="small">
                  {excerpt(u.text)}
                  {u.files.length ? <div>{d.reports.files(u.files.length)}</div> : null}
                </td>
                {active ? (
                  <td>
                    {u.status === 'pending' || u.status === 'overdue' ? (
                      <>
                        <form method="post" action={`/reports/${c.id}/extend`} class="inline">
                          <CsrfField token={p.session.csrf} />
                          <input type="hidden" name="unit" value={u.code} />
                          <label for={`ext-${u.code}`} class="sr-only">
                            {d.reports.extendLabel(u.name)}
                          </label>
                          <input
                            type="date"
                            id={`ext-${u.code}`}
                            name="until"
                            min={today}
                            required
                            class="narrow"
                          />
                          <button type="submit" class="small secondary">
                            {d.reports.extendSubmit}
                          </button>
                        </form>
                        <form
                          method="post"
                          action={`/reports/${c.id}/excuse`}
                          class="inline"
                          data-confirm={d.reports.excuseConfirm(u.name)}
                        >
                          <CsrfField token={p.session.csrf} />
                          <input type="hidden" name="unit" value={u.code} />
                          <button
                            type="submit"
                            class="small secondary"
                            aria-label={`${d.reports.excuseSubmit}: ${u.name}`}
                          >
                            {d.reports.excuseSubmit}
                          </button>
                        </form>
                      </>
                    ) : (
                      d.common.none
                    )}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </Layout>
  );
}

type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

export function parseReportForm(
  form: Form,
  tz: string,
): Parsed<Parameters<typeof createCampaign>[1]> {
  const title = field(form, 'title');
  if (!title) return { ok: false, error: d.reports.needTitle };
  const key = parseDateInput(field(form, 'deadline'));
  if (!key) return { ok: false, error: d.reports.needDeadline };
  const deadline = deadlineFromVietnamesePhrase(key, 'before-day', tz);
  const units = parseUnitPicker(form);
  if (typeof units === 'object' && 'error' in units) return { ok: false, error: units.error };
  const { month, day } = parseDateKey(key);
  const kind = field(form, 'recurrence');
  let recurrence: Recurrence | null = null;
  if (kind === 'yearly' || kind === 'quarterly') {
    const parsed = recurrenceSchema.safeParse(
      kind === 'yearly' ? { kind, month, day } : { kind, day },
    );
    if (!parsed.success)
      return { ok: false, error: parsed.error.issues[0]?.message ?? d.reports.needDeadline };
    recurrence = parsed.data;
  }
  return {
    ok: true,
    // A recurring requirement takes its first period (and its label) from the recurrence.
    value: {
      title,
      sourcePlan: field(form, 'sourcePlan') || null,
      deadline: recurrence ? null : deadline,
      units,
      recurrence,
    },
  };
}

export function reportRoutes(dash: Dash): void {
  const { ctx } = dash;
  const listPage = async (c: Context, s: Session, error?: string, form?: Form, status = 200) => {
    const campaigns = await ctx.db
      .selectFrom('campaigns')
      .selectAll()
      .orderBy('status')
      .orderBy('deadline', 'desc')
      .execute();
    const rows: CampaignListRow[] = [];
    for (const cp of campaigns) {
      const units = await campaignUnits(ctx.db, cp, ctx.clock(), ctx.timezone);
      rows.push({ c: cp, counts: countStatuses(units), total: units.length });
    }
    return render(
      c,
      <ReportsPage
        c={c}
        session={s}
        sandbox={dash.sandbox}
        rows={rows}
        categories={await categoryCounts(ctx)}
        tz={ctx.timezone}
        error={error}
        form={form}
      />,
      status,
    );
  };
  const detail = async (c: Context, s: Session, cp: Campaign, error?: string, status = 200) =>
    render(
      c,
      <ReportPage
        c={c}
        session={s}
        sandbox={dash.sandbox}
        campaign={cp}
        units={await campaignUnits(ctx.db, cp, ctx.clock(), ctx.timezone)}
        tz={ctx.timezone}
        now={ctx.clock()}
        error={error}
      />,
      status,
    );
  const loadCampaign = async (c: Context) => {
    const id = intParamOf(c, 'id');
    return id ? getCampaign(ctx.db, id) : undefined;
  };

  dash.get('/reports', (c, s) => listPage(c, s));

  dash.post('/reports', async (c, s, form) => {
    const parsed = parseReportForm(form, ctx.timezone);
    if (!parsed.ok) return listPage(c, s, parsed.error, form, 400);
    try {
      const created = await createCampaign(ctx, parsed.value);
      await dash.audit(s, 'campaign.create', { campaign: created.id });
      return c.redirect(`/reports/${created.id}?ok=reportCreated`, 303);
    } catch (e) {
      if (e instanceof DomainError) return listPage(c, s, e.message, form, 400);
      throw e;
    }
  });

  dash.get('/reports/:id', async (c, s) => {
    const cp = await loadCampaign(c);
    return cp ? detail(c, s, cp) : dash.notFound(c, s);
  });

  const unitAction = (action: 'extend' | 'excuse') =>
    dash.post(`/reports/:id/${action}`, async (c, s, form) => {
      const cp = await loadCampaign(c);
      if (!cp) return dash.notFound(c, s);
      if (cp.status !== 'active') return detail(c, s, cp, d.reports.notActive, 400);
      const unit = await ctx.db
        .selectFrom('units')
        .select(['id', 'code'])
        .where('code', '=', field(form, 'unit'))
        .executeTakeFirst();
      if (!unit) return dash.notFound(c, s);
      try {
        if (action === 'extend') {
          const key = parseDateInput(field(form, 'until'));
          if (!key) return detail(c, s, cp, d.reports.needDate, 400);
          // A date extends through the end of that day, as "/giahan <đơn vị> 20/11" does in chat.
          const until = atLocal(addDays(key, 1), '00:00', ctx.timezone);
          if (until <= ctx.clock()) return detail(c, s, cp, d.reports.extendPast, 400);
          await ctx.db.transaction().execute((trx) => grantExtension(ctx, trx, cp, unit.id, until));
          await dash.audit(s, 'campaign.extension', {
            campaign: cp.id,
            unit: unit.code,
            until: until.toISOString(),
          });
        } else {
          await ctx.db
            .transaction()
            .execute((trx) => excuseUnit(trx, cp, unit.id, field(form, 'note') || null));
          await dash.audit(s, 'campaign.excuse', { campaign: cp.id, unit: unit.code });
        }
      } catch (e) {
        if (e instanceof DomainError) return detail(c, s, cp, e.message, 400);
        throw e;
      }
      return c.redirect(
        `/reports/${cp.id}?ok=${action === 'extend' ? 'extended' : 'excused'}#unit-${encodeURIComponent(unit.code)}`,
        303,
      );
    });
  unitAction('extend');
  unitAction('excuse');
}
