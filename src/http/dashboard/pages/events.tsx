/** Events: list, create (with the agenda pasted from the plan), registrations by category, edit, cancel, downloads. */
import type { Context } from 'hono';
import { DomainError } from '../../../core/errors';
import { sql } from 'kysely';
import { agendaFromText } from '../../../core/agenda/from-text';
import {
  cancelEvent,
  createEvent,
  updateEvent,
  type EventPatch,
} from '../../../core/events/manage';
import { registrationSheet } from '../../../core/events/export';
import { getAgenda, getEvent, listRegistrations } from '../../../core/events/repo';
import type { RegistrationView } from '../../../core/events/types';
import { groupByCategory } from '../../../core/reports/manage';
import {
  formatDateTime,
  formatDeadline,
  formatTime,
  formatWeekdayDate,
  localDateKey,
} from '../../../core/time/format';
import type { AgendaItem, EventRow } from '../../../db/schema';
import { buildRegistrationsCsv, buildRegistrationsXlsx } from '../../../export/registrations';
import { d } from '../../../messages/dashboard';
import type { Session } from '../auth';
import {
  categoryCounts,
  field,
  intParamOf,
  parseLocalDateTime,
  parseUnitPicker,
  render,
  toLocalInput,
  UnitPicker,
  type CategoryCount,
  type Dash,
  type Form,
} from '../kit';
import { Badge, CsrfField, ErrorNotice, Field, Flash, Layout, TableWrap } from '../layout';

export interface EventListRow {
  id: number;
  title: string;
  starts_at: Date;
  status: 'active' | 'cancelled';
  invited: number;
  registered: number;
  declined: number;
}

export async function eventList(dash: Dash): Promise<EventListRow[]> {
  const rows = await dash.ctx.db
    .selectFrom('events as e')
    .leftJoin('registrations as r', 'r.event_id', 'e.id')
    .select([
      'e.id',
      'e.title',
      'e.starts_at',
      'e.status',
      sql<number>`count(r.id)`.as('invited'),
      sql<number>`count(r.id) filter (where r.status = 'registered')`.as('registered'),
      sql<number>`count(r.id) filter (where r.status = 'declined')`.as('declined'),
    ])
    .groupBy('e.id')
    .orderBy('e.starts_at', 'desc')
    .execute();
  return rows.map((r) => ({
    ...r,
    starts_at: r.starts_at,
    invited: Number(r.invited),
    registered: Number(r.registered),
    declined: Number(r.declined),
  }));
}

function EventForm(p: { csrf: string; categories: CategoryCount[]; form?: Form | null }) {
  const v = (name: string) => (p.form ? field(p.form, name) : '');
  return (
    <form method="post" action="/events" data-once>
      <CsrfField token={p.csrf} />
      <Field id="ev-title" label={`${d.events.fTitle} ${d.common.required}`}>
        <input type="text" id="ev-title" name="title" required maxlength={500} value={v('title')} />
      </Field>
      <div class="grid">
        <Field id="ev-start" label={`${d.events.fStart} ${d.common.required}`}>
          <input type="datetime-local" id="ev-start" name="start" required value={v('start')} />
        </Field>
        <Field id="ev-end" label={`${d.events.fEnd} ${d.common.optional}`}>
          <input type="datetime-local" id="ev-end" name="end" value={v('end')} />
        </Field>
        <Field id="ev-deadline" label={`${d.events.fDeadline} ${d.common.required}`}>
          <input
            type="datetime-local"
            id="ev-deadline"
            name="deadline"
            required
            value={v('deadline')}
          />
        </Field>
      </div>
      <Field id="ev-venue" label={`${d.events.fVenue} ${d.common.optional}`}>
        <input type="text" id="ev-venue" name="venue" maxlength={500} value={v('venue')} />
      </Field>
      <div class="grid">
        <Field
          id="ev-mode"
          label={`${d.events.fMode} ${d.common.optional}`}
          help={d.events.fModeHelp}
        >
          <input
            type="text"
            id="ev-mode"
            name="mode"
            maxlength={200}
            value={v('mode')}
            aria-describedby="ev-mode-help"
          />
        </Field>
        <Field id="ev-quota" label={`${d.events.fQuota} ${d.common.optional}`}>
          <input
            type="number"
            id="ev-quota"
            name="quota"
            min={1}
            max={1000}
            inputmode="numeric"
            value={v('quota')}
          />
        </Field>
      </div>
      <UnitPicker idPrefix="ev-units" categories={p.categories} form={p.form} />
      <Field
        id="ev-agenda"
        label={`${d.events.fAgenda} ${d.common.optional}`}
        help={d.events.fAgendaHelp}
      >
        <textarea id="ev-agenda" name="agenda" rows={8} aria-describedby="ev-agenda-help">
          {p.form && typeof p.form.agenda === 'string' ? p.form.agenda : ''}
        </textarea>
      </Field>
      <div class="actions">
        <button type="submit">{d.events.submitCreate}</button>
      </div>
    </form>
  );
}

function EventsPage(p: {
  c: Context;
  session: Session;
  sandbox: boolean;
  events: EventListRow[];
  categories: CategoryCount[];
  tz: string;
  now: Date;
  error?: string | null;
  form?: Form | null;
}) {
  return (
    <Layout title={d.events.title} nav="events" session={p.session} sandbox={p.sandbox}>
      <h1>{d.events.heading}</h1>
      <Flash c={p.c} />
      {p.events.length === 0 ? (
        <p>{d.events.empty}</p>
      ) : (
        <TableWrap label={d.events.heading}>
          <table>
            <thead>
              <tr>
                <th scope="col">{d.events.colTitle}</th>
                <th scope="col">{d.events.colWhen}</th>
                <th scope="col">{d.events.colProgress}</th>
                <th scope="col">{d.events.colStatus}</th>
              </tr>
            </thead>
            <tbody>
              {p.events.map((e) => (
                <tr>
                  <td>
                    <a href={`/events/${e.id}`}>{e.title}</a>
                  </td>
                  <td>{formatDateTime(e.starts_at, p.tz)}</td>
                  <td>{d.events.progress(e.registered, e.declined, e.invited)}</td>
                  <td>
                    {e.status === 'cancelled' ? (
                      <Badge kind="cancelled" label={d.events.cancelledState} />
                    ) : e.starts_at > p.now ? (
                      <Badge kind="active" label={d.events.active} />
                    ) : (
                      <Badge kind="closed" label={d.events.past} />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      <section class="card" aria-labelledby="new-h">
        <h2 id="new-h">{d.events.createHeading}</h2>
        <ErrorNotice message={p.error} />
        {p.categories.length || p.events.length ? null : (
          <p class="notice info">{d.picker.noUnits}</p>
        )}
        <EventForm csrf={p.session.csrf} categories={p.categories} form={p.form} />
      </section>
    </Layout>
  );
}

function attendeeLine(a: RegistrationView['attendees'][number]): string {
  return [a.name, a.title, a.phone].filter(Boolean).join(' — ');
}

function AgendaList(p: { items: AgendaItem[]; tz: string }) {
  if (!p.items.length) return <p>{d.events.agendaEmpty}</p>;
  return (
    <TableWrap label={d.events.agenda}>
      <table>
        <tbody>
          {p.items.map((it) => (
            <tr>
              <td class="num">
                {formatTime(it.starts_at, p.tz)}
                {it.ends_at ? `–${formatTime(it.ends_at, p.tz)}` : ''}
              </td>
              <td>
                {it.is_break ? <em>{it.title}</em> : it.title}
                {it.presenter ? <div class="muted small">{it.presenter}</div> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

interface EventPageProps {
  c: Context;
  session: Session;
  sandbox: boolean;
  event: EventRow;
  agenda: AgendaItem[];
  regs: RegistrationView[];
  reachable: Set<string>;
  tz: string;
  error?: string | null;
  form?: Form | null;
}

function EventPage(p: EventPageProps) {
  const e = p.event;
  const count = (s: string) => p.regs.filter((r) => r.status === s).length;
  const attendees = p.regs.reduce((n, r) => n + r.attendees.length, 0);
  const v = (name: string, fallback: string) => (p.form ? field(p.form, name) : fallback);
  const cancelled = e.status === 'cancelled';
  return (
    <Layout title={e.title} nav="events" session={p.session} sandbox={p.sandbox}>
      <p>
        <a href="/events">← {d.events.title}</a>
      </p>
      <h1>{e.title}</h1>
      <Flash c={p.c} />
      <ErrorNotice message={p.error} />
      {cancelled ? (
        <p class="notice err" role="status">
          {d.events.isCancelled}
        </p>
      ) : null}
      <div class="grid">
        <section class="card">
          <dl class="facts">
            <dt>{d.events.when}</dt>
            <dd>
              {formatWeekdayDate(e.starts_at, p.tz)}, {formatTime(e.starts_at, p.tz)}
              {e.ends_at
                ? ` – ${localDateKey(e.ends_at, p.tz) === localDateKey(e.starts_at, p.tz) ? formatTime(e.ends_at, p.tz) : formatDateTime(e.ends_at, p.tz)}`
                : ''}
            </dd>
            {e.venue ? (
              <>
                <dt>{d.events.venue}</dt>
                <dd>{e.venue}</dd>
              </>
            ) : null}
            {e.mode ? (
              <>
                <dt>{d.events.mode}</dt>
                <dd>{e.mode}</dd>
              </>
            ) : null}
            <dt>{d.events.deadline}</dt>
            <dd>{formatDeadline(e.registration_deadline, p.tz)}</dd>
            {e.quota_per_unit ? (
              <>
                <dt>{d.events.quota}</dt>
                <dd>{d.events.quotaValue(e.quota_per_unit)}</dd>
              </>
            ) : null}
          </dl>
        </section>
        <section class="card" aria-labelledby="dl-h">
          <h2 id="dl-h">{d.events.downloads}</h2>
          <p>
            {d.events.counts(
              p.regs.length,
              count('registered'),
              count('declined'),
              count('pending'),
              attendees,
            )}
          </p>
          <ul>
            <li>
              <a href={`/events/${e.id}/registrations.xlsx`} download>
                {d.events.xlsx}
              </a>
            </li>
            <li>
              <a href={`/events/${e.id}/registrations.csv`} download>
                {d.events.csv}
              </a>
            </li>
          </ul>
        </section>
      </div>
      <ul class="stats" aria-label={d.events.byCategory}>
        <li>
          <span class="n">{count('registered')}</span>
          <Badge kind="registered" label={d.reg.label.registered} />
        </li>
        <li>
          <span class="n">{count('pending')}</span>
          <Badge kind="pending" label={d.reg.label.pending} />
        </li>
        <li>
          <span class="n">{count('declined')}</span>
          <Badge kind="declined" label={d.reg.label.declined} />
        </li>
      </ul>
      <h2>{d.events.byCategory}</h2>
      {groupByCategory(
        p.regs.map((r) => ({ ...r, category: r.unit.category })),
        d.units.noCategory,
      ).map((g) => (
        <TableWrap label={g.category}>
          <table>
            <caption>
              {g.category} —{' '}
              <span class="small">
                {d.events.groupCounts(
                  g.units.filter((r) => r.status === 'registered').length,
                  g.units.length,
                )}
              </span>
            </caption>
            <thead>
              <tr>
                <th scope="col">{d.events.colUnit}</th>
                <th scope="col">{d.events.colStatus}</th>
                <th scope="col">{d.events.colAttendees}</th>
                <th scope="col">{d.events.colUpdated}</th>
              </tr>
            </thead>
            <tbody>
              {g.units.map((r) => (
                <tr id={`unit-${r.unit.code}`} data-status={r.status}>
                  <td>
                    {r.unit.name}
                    {p.reachable.has(r.unit.code) ? null : (
                      <div class="muted small">{d.events.unreachable}</div>
                    )}
                  </td>
                  <td>
                    <Badge kind={r.status} label={d.reg.label[r.status]} />
                    {r.late && r.status !== 'pending' ? (
                      <span class="muted small"> ({d.reg.late})</span>
                    ) : null}
                    {r.status === 'declined' && r.declineReason ? (
                      <div class="muted small">{d.reg.reason(r.declineReason)}</div>
                    ) : null}
                  </td>
                  <td>
                    {r.attendees.length ? (
                      <ol>
                        {r.attendees.map((a) => (
                          <li>{attendeeLine(a)}</li>
                        ))}
                      </ol>
                    ) : (
                      d.common.none
                    )}
                  </td>
                  <td class="small">
                    {r.status === 'pending'
                      ? d.common.none
                      : formatDateTime(new Date(r.updatedAt), p.tz)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ))}
      <section class="card" aria-labelledby="agenda-h">
        <h2 id="agenda-h">{d.events.agenda}</h2>
        <AgendaList items={p.agenda} tz={p.tz} />
      </section>
      {cancelled ? null : (
        <>
          <section class="card" aria-labelledby="edit-h">
            <h2 id="edit-h">{d.events.editHeading}</h2>
            <form method="post" action={`/events/${e.id}/edit`} data-once>
              <CsrfField token={p.session.csrf} />
              <div class="grid">
                <Field id="ed-start" label={d.events.fStart}>
                  <input
                    type="datetime-local"
                    id="ed-start"
                    name="start"
                    required
                    value={v('start', toLocalInput(e.starts_at, p.tz))}
                  />
                </Field>
                <Field id="ed-end" label={`${d.events.fEnd} ${d.common.optional}`}>
                  <input
                    type="datetime-local"
                    id="ed-end"
                    name="end"
                    value={v('end', e.ends_at ? toLocalInput(e.ends_at, p.tz) : '')}
                  />
                </Field>
                <Field id="ed-deadline" label={d.events.fDeadline}>
                  <input
                    type="datetime-local"
                    id="ed-deadline"
                    name="deadline"
                    required
                    value={v('deadline', toLocalInput(e.registration_deadline, p.tz))}
                  />
                </Field>
              </div>
              <Field id="ed-venue" label={d.events.fVenue}>
                <input
                  type="text"
                  id="ed-venue"
                  name="venue"
                  maxlength={500}
                  value={v('venue', e.venue ?? '')}
                />
              </Field>
              <div class="actions">
                <button type="submit">{d.events.submitEdit}</button>
              </div>
            </form>
          </section>
          <section class="card" aria-labelledby="cancel-h">
            <h2 id="cancel-h">{d.events.cancelHeading}</h2>
            <p class="help">{d.events.cancelHelp}</p>
            <form
              method="post"
              action={`/events/${e.id}/cancel`}
              data-confirm={d.events.cancelConfirm}
              data-once
            >
              <CsrfField token={p.session.csrf} />
              <button type="submit" class="danger">
                {d.events.cancelSubmit}
              </button>
            </form>
          </section>
        </>
      )}
    </Layout>
  );
}

type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * Reads the create form into createEvent's input. Only the form's own concerns live here (a
 * field left empty, a date that does not parse); the rules are createEvent's, so the page shows
 * the message the API gives. The agenda's times are put on the start date.
 */
export function parseEventForm(form: Form, tz: string): Parsed<Parameters<typeof createEvent>[1]> {
  const title = field(form, 'title');
  if (!title) return { ok: false, error: d.events.needTitle };
  if (!field(form, 'start')) return { ok: false, error: d.events.needStart };
  const startsAt = parseLocalDateTime(field(form, 'start'), tz);
  if (!startsAt) return { ok: false, error: d.events.badDate(d.events.fStart) };
  let endsAt: Date | null = null;
  if (field(form, 'end')) {
    endsAt = parseLocalDateTime(field(form, 'end'), tz);
    if (!endsAt) return { ok: false, error: d.events.badDate(d.events.fEnd) };
  }
  if (!field(form, 'deadline')) return { ok: false, error: d.events.needDeadline };
  const deadline = parseLocalDateTime(field(form, 'deadline'), tz);
  if (!deadline) return { ok: false, error: d.events.badDate(d.events.fDeadline) };
  const quota = field(form, 'quota') ? Number(field(form, 'quota')) : null;
  const units = parseUnitPicker(form);
  if (typeof units === 'object' && 'error' in units) return { ok: false, error: units.error };
  const agendaText = typeof form.agenda === 'string' ? form.agenda : '';
  if (!endsAt && agendaText.trim()) {
    // The day ends with its agenda when no end is given.
    const last = agendaFromText(agendaText, startsAt, tz).at(-1);
    const lastEnd = last ? (last.endsAt ?? last.startsAt) : null;
    if (lastEnd && lastEnd > startsAt) endsAt = lastEnd;
  }
  return {
    ok: true,
    value: {
      title,
      startsAt,
      endsAt,
      venue: field(form, 'venue') || null,
      mode: field(form, 'mode') || null,
      registrationDeadline: deadline,
      quotaPerUnit: quota,
      units,
      agenda: [],
      agendaText,
    },
  };
}

function parseEditForm(form: Form, e: EventRow, tz: string): Parsed<EventPatch> {
  const startsAt = parseLocalDateTime(field(form, 'start'), tz);
  if (!startsAt) return { ok: false, error: d.events.badDate(d.events.fStart) };
  let endsAt: Date | null = null;
  if (field(form, 'end')) {
    endsAt = parseLocalDateTime(field(form, 'end'), tz);
    if (!endsAt) return { ok: false, error: d.events.badDate(d.events.fEnd) };
  }
  const deadline = parseLocalDateTime(field(form, 'deadline'), tz);
  if (!deadline) return { ok: false, error: d.events.badDate(d.events.fDeadline) };
  const patch: EventPatch = {};
  if (startsAt.getTime() !== e.starts_at.getTime()) patch.startsAt = startsAt;
  if ((endsAt?.getTime() ?? null) !== (e.ends_at ? e.ends_at.getTime() : null))
    patch.endsAt = endsAt;
  if (deadline.getTime() !== e.registration_deadline.getTime())
    patch.registrationDeadline = deadline;
  const venue = field(form, 'venue') || null;
  if (venue !== e.venue) patch.venue = venue;
  return { ok: true, value: patch };
}

async function reachableCodes(dash: Dash): Promise<Set<string>> {
  const rows = await dash.ctx.db
    .selectFrom('chats')
    .innerJoin('units', 'units.id', 'chats.unit_id')
    .select('units.code')
    .where('chats.role', '=', 'unit')
    .where('chats.active', '=', true)
    .execute();
  return new Set(rows.map((r) => r.code));
}

export function eventRoutes(dash: Dash): void {
  const { ctx } = dash;
  const listPage = async (c: Context, s: Session, error?: string, form?: Form, status = 200) =>
    render(
      c,
      <EventsPage
        c={c}
        session={s}
        sandbox={dash.sandbox}
        events={await eventList(dash)}
        categories={await categoryCounts(ctx)}
        tz={ctx.timezone}
        now={ctx.clock()}
        error={error}
        form={form}
      />,
      status,
    );
  const eventPage = async (
    c: Context,
    s: Session,
    e: EventRow,
    error?: string,
    form?: Form,
    status = 200,
  ) =>
    render(
      c,
      <EventPage
        c={c}
        session={s}
        sandbox={dash.sandbox}
        event={e}
        agenda={await getAgenda(ctx.db, e.id)}
        regs={await listRegistrations(ctx.db, e.id)}
        reachable={await reachableCodes(dash)}
        tz={ctx.timezone}
        error={error}
        form={form}
      />,
      status,
    );

  dash.get('/events', (c, s) => listPage(c, s));

  dash.post('/events', async (c, s, form) => {
    const parsed = parseEventForm(form, ctx.timezone);
    if (!parsed.ok) return listPage(c, s, parsed.error, form, 400);
    try {
      const created = await createEvent(ctx, parsed.value);
      await dash.audit(s, 'event.create', { event: created.id, units: created.invitedUnits });
      return c.redirect(`/events/${created.id}?ok=created`, 303);
    } catch (e) {
      if (e instanceof DomainError) return listPage(c, s, e.message, form, 400);
      throw e;
    }
  });

  const withEvent =
    (h: (c: Context, s: Session, e: EventRow) => Promise<Response>) =>
    async (c: Context, s: Session) => {
      const id = intParamOf(c, 'id');
      const e = id ? await getEvent(ctx.db, id) : undefined;
      return e ? h(c, s, e) : dash.notFound(c, s);
    };

  dash.get(
    '/events/:id',
    withEvent((c, s, e) => eventPage(c, s, e)),
  );

  dash.post('/events/:id/edit', async (c, s, form) =>
    withEvent(async (c2, s2, e) => {
      const parsed = parseEditForm(form, e, ctx.timezone);
      if (!parsed.ok) return eventPage(c2, s2, e, parsed.error, form, 400);
      if (Object.keys(parsed.value).length === 0)
        return c2.redirect(`/events/${e.id}?ok=unchanged`, 303);
      try {
        await updateEvent(ctx, e.id, parsed.value);
      } catch (err) {
        if (err instanceof DomainError) return eventPage(c2, s2, e, err.message, form, 400);
        throw err;
      }
      await dash.audit(s2, 'event.update', { event: e.id, fields: Object.keys(parsed.value) });
      return c2.redirect(`/events/${e.id}?ok=updated`, 303);
    })(c, s),
  );

  dash.post('/events/:id/cancel', async (c, s) =>
    withEvent(async (c2, s2, e) => {
      await cancelEvent(ctx, e.id);
      await dash.audit(s2, 'event.cancel', { event: e.id });
      return c2.redirect(`/events/${e.id}?ok=cancelled`, 303);
    })(c, s),
  );

  dash.get(
    '/events/:id/registrations.xlsx',
    withEvent(async (c, _s, e) => {
      const buf = await buildRegistrationsXlsx(
        registrationSheet(e, await listRegistrations(ctx.db, e.id), ctx.timezone),
      );
      return c.body(new Uint8Array(buf), 200, {
        'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'content-disposition': `attachment; filename="dang-ky-su-kien-${e.id}.xlsx"`,
        'cache-control': 'no-store',
      });
    }),
  );
  dash.get(
    '/events/:id/registrations.csv',
    withEvent(async (c, _s, e) =>
      c.body(
        buildRegistrationsCsv(
          registrationSheet(e, await listRegistrations(ctx.db, e.id), ctx.timezone),
        ),
        200,
        {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="dang-ky-su-kien-${e.id}.csv"`,
          'cache-control': 'no-store',
        },
      ),
    ),
  );
}
