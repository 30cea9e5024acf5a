/**
 * Plans: upload or paste one, review every extracted item beside the sentence it came from,
 * correct or drop items, apply; after applying, the organizer exports. Also serves the export
 * downloads of a plan or a report requirement (/exports/…).
 */
import type { Context } from 'hono';
import { DomainError } from '../../../core/errors';
import { applyDraft } from '../../../core/plans/apply';
import {
  createDraft,
  getDraft,
  listDrafts,
  patchDraft,
  type DraftPatch,
  type DraftView,
} from '../../../core/plans/drafts';
import {
  buildExport,
  exportPath,
  type ExportFormat,
  type ExportTarget,
} from '../../../core/plans/exports';
import { planFileKind, planFileText } from '../../../core/plans/source';
import type { DraftEvent, DraftRequirement, DraftTask, DraftUnit } from '../../../core/plans/types';
import { formatDateTime, formatDeadline, localDateKey, addDays } from '../../../core/time/format';
import { describeRecurrence, type Recurrence } from '../../../core/time/recurrence';
import { pd } from '../../../messages/plans';
import type { Session } from '../auth';
import {
  field,
  fileField,
  intParamOf,
  parseDateInput,
  parseLocalDateTime,
  render,
  toLocalInput,
  type Dash,
  type Form,
} from '../kit';
import { Badge, CsrfField, ErrorNotice, Field, Layout, TableWrap } from '../layout';

const lines = (s: string) =>
  s
    .split(/\r?\n/)
    .map((x) => x.trim())
    .filter(Boolean);

function PlanFlash(p: { c: Context }) {
  const key = p.c.req.query('ok');
  const fn = key ? pd.flash[key] : undefined;
  if (!fn) return null;
  const n = Number(p.c.req.query('n'));
  return (
    <p class="notice ok" role="status">
      {fn(Number.isFinite(n) ? n : undefined)}
    </p>
  );
}

function ListPage(p: {
  c: Context;
  session: Session;
  sandbox: boolean;
  drafts: Awaited<ReturnType<typeof listDrafts>>;
  error?: string | null;
  text?: string;
}) {
  return (
    <Layout title={pd.plans.title} nav="plans" session={p.session} sandbox={p.sandbox}>
      <h1>{pd.plans.heading}</h1>
      <p>{pd.plans.intro}</p>
      <section class="card" aria-labelledby="import-h">
        <h2 id="import-h" class="sr-only">
          {pd.plans.heading}
        </h2>
        <ErrorNotice message={p.error} />
        <form method="post" action="/plans" enctype="multipart/form-data" data-once>
          <CsrfField token={p.session.csrf} />
          <Field id="pl-file" label={pd.plans.file} help={pd.plans.fileHelp}>
            <input
              type="file"
              id="pl-file"
              name="file"
              accept=".docx,.pdf,.txt,.md,application/pdf,text/plain"
              aria-describedby="pl-file-help"
            />
          </Field>
          <Field id="pl-text" label={pd.plans.text}>
            <textarea id="pl-text" name="text" rows={8}>
              {p.text ?? ''}
            </textarea>
          </Field>
          <div class="actions">
            <button type="submit">{pd.plans.submit}</button>
          </div>
        </form>
      </section>
      <h2>{pd.plans.list}</h2>
      {p.drafts.length === 0 ? (
        <p>{pd.plans.empty}</p>
      ) : (
        <TableWrap label={pd.plans.list}>
          <table>
            <thead>
              <tr>
                <th scope="col">{pd.plans.colPlan}</th>
                <th scope="col">{pd.plans.colItems}</th>
                <th scope="col">{pd.plans.colStatus}</th>
                <th scope="col">{pd.plans.colCreated}</th>
              </tr>
            </thead>
            <tbody>
              {p.drafts.map((d) => (
                <tr>
                  <td>
                    <a href={`/plans/${d.id}`}>{d.document.title ?? pd.plans.untitled}</a>
                    {d.document.number ? <div class="muted small">{d.document.number}</div> : null}
                  </td>
                  <td class="small">{pd.plans.counts(d.counts)}</td>
                  <td>
                    <Badge
                      kind={d.status === 'applied' ? 'submitted' : 'draft'}
                      label={pd.plans.status[d.status] ?? d.status}
                    />
                  </td>
                  <td class="small">{formatDateTime(new Date(d.createdAt), 'Asia/Ho_Chi_Minh')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </Layout>
  );
}

/** The date a "before-day" deadline instant stands for ("trước ngày" D → D). */
const beforeDayKey = (iso: string | null, tz: string) =>
  iso ? localDateKey(new Date(iso), tz) : '';

function Source(p: { text: string }) {
  return (
    <blockquote class="quote" aria-label={pd.review.sourceLabel}>
      {p.text.split('\n').map((l) => (
        <div>{l}</div>
      ))}
    </blockquote>
  );
}

function ItemShell(p: {
  draftId: number;
  itemKey: string;
  csrf: string;
  applied: boolean;
  heading: string;
  source: string;
  children?: unknown;
}) {
  return (
    <section class="card" id={`item-${p.itemKey}`} aria-labelledby={`h-${p.itemKey}`}>
      <h3 id={`h-${p.itemKey}`}>
        {p.heading} {p.applied ? <Badge kind="submitted" label={pd.review.applied} /> : null}
      </h3>
      {p.applied ? <p class="small muted">{pd.review.appliedNote}</p> : null}
      <div class="grid">
        <form method="post" action={`/plans/${p.draftId}/items/${p.itemKey}`}>
          <CsrfField token={p.csrf} />
          {p.children as never}
          <div class="actions">
            <button type="submit">{pd.review.save}</button>
          </div>
        </form>
        {p.source ? <Source text={p.source} /> : <div />}
      </div>
      <form
        method="post"
        action={`/plans/${p.draftId}/items/${p.itemKey}/drop`}
        class="inline"
        data-confirm={pd.review.dropConfirm}
      >
        <CsrfField token={p.csrf} />
        <button type="submit" class="small secondary">
          {pd.review.drop}
        </button>
      </form>
    </section>
  );
}

function TaskItem(p: { d: DraftView; t: DraftTask; csrf: string; tz: string }) {
  const id = (s: string) => `${p.t.key}-${s}`;
  return (
    <ItemShell
      draftId={p.d.id}
      itemKey={p.t.key}
      csrf={p.csrf}
      applied={!!p.d.applied[p.t.key]}
      heading={`${p.t.key.toUpperCase()} — ${p.t.title.slice(0, 120)}`}
      source={p.t.source}
    >
      <Field id={id('title')} label={pd.review.fTitle}>
        <textarea id={id('title')} name="title" rows={2} required>
          {p.t.title}
        </textarea>
      </Field>
      <Field id={id('lead')} label={pd.review.fLead}>
        <textarea id={id('lead')} name="lead" rows={2}>
          {p.t.lead.join('\n')}
        </textarea>
      </Field>
      <Field id={id('support')} label={pd.review.fSupport}>
        <textarea id={id('support')} name="support" rows={2}>
          {p.t.support.join('\n')}
        </textarea>
      </Field>
      <Field id={id('due')} label={pd.review.fDue} help={pd.review.fDueHelp}>
        <input
          type="date"
          id={id('due')}
          name="due"
          class="narrow"
          value={beforeDayKey(p.t.due, p.tz)}
          aria-describedby={`${id('due')}-help`}
        />
      </Field>
      <Field id={id('dueText')} label={pd.review.fDueText}>
        <input type="text" id={id('dueText')} name="dueText" value={p.t.dueText ?? ''} />
      </Field>
      <label class="check" for={id('standing')}>
        <input
          type="checkbox"
          id={id('standing')}
          name="standing"
          value="1"
          checked={p.t.standing}
        />
        {pd.review.fStanding}
        {p.t.recurrence ? ` — ${describeRecurrence(p.t.recurrence)}` : ''}
      </label>
    </ItemShell>
  );
}

function ExportLinks(p: { target: ExportTarget }) {
  return (
    <ul class="small">
      {(
        [
          ['xlsx', pd.review.exportXlsx],
          ['zip', pd.review.exportZip],
          ['docx', pd.review.exportDocx],
        ] as const
      ).map(([f, label]) => (
        <li>
          <a href={exportPath(p.target, f)} download>
            {label}
          </a>
        </li>
      ))}
    </ul>
  );
}

function RequirementItem(p: { d: DraftView; r: DraftRequirement; csrf: string; tz: string }) {
  const id = (s: string) => `${p.r.key}-${s}`;
  const kind = p.r.recurrence?.kind ?? 'none';
  return (
    <ItemShell
      draftId={p.d.id}
      itemKey={p.r.key}
      csrf={p.csrf}
      applied={!!p.d.applied[p.r.key]}
      heading={`${p.r.key.toUpperCase()} — ${p.r.title.slice(0, 120)}`}
      source={p.r.source}
    >
      <Field id={id('title')} label={pd.review.fTitle}>
        <textarea id={id('title')} name="title" rows={2} required>
          {p.r.title}
        </textarea>
      </Field>
      <Field id={id('units')} label={pd.review.fUnits}>
        <textarea id={id('units')} name="units" rows={3}>
          {p.r.units.join('\n')}
        </textarea>
      </Field>
      <Field id={id('deadline')} label={pd.review.fDeadline}>
        <input
          type="date"
          id={id('deadline')}
          name="deadline"
          class="narrow"
          value={beforeDayKey(p.r.deadline, p.tz)}
        />
      </Field>
      <Field id={id('rec')} label={pd.review.fRecurrence}>
        <select id={id('rec')} name="recurrence">
          <option value="none" selected={kind === 'none'}>
            {pd.review.recNone}
          </option>
          {Object.entries(pd.review.recKinds).map(([k, label]) => (
            <option value={k} selected={kind === k}>
              {label}
              {kind === k && p.r.recurrence ? ` — ${describeRecurrence(p.r.recurrence)}` : ''}
            </option>
          ))}
        </select>
      </Field>
      {p.r.deadline ? <p class="small">{formatDeadline(new Date(p.r.deadline), p.tz)}</p> : null}
      {p.d.applied[p.r.key]?.id ? (
        <ExportLinks target={{ kind: 'campaign', id: p.d.applied[p.r.key]!.id! }} />
      ) : null}
    </ItemShell>
  );
}

function EventItem(p: { d: DraftView; e: DraftEvent; csrf: string; tz: string }) {
  const id = (s: string) => `${p.e.key}-${s}`;
  return (
    <ItemShell
      draftId={p.d.id}
      itemKey={p.e.key}
      csrf={p.csrf}
      applied={!!p.d.applied[p.e.key]}
      heading={`${p.e.key.toUpperCase()} — ${p.e.title.slice(0, 120)}`}
      source={p.e.source}
    >
      <Field id={id('title')} label={pd.review.fTitle}>
        <textarea id={id('title')} name="title" rows={2} required>
          {p.e.title}
        </textarea>
      </Field>
      <Field id={id('start')} label={pd.review.fStartsAt}>
        <input
          type="datetime-local"
          id={id('start')}
          name="startsAt"
          value={p.e.startsAt ? toLocalInput(new Date(p.e.startsAt), p.tz) : ''}
        />
      </Field>
      <Field id={id('venue')} label={pd.review.fVenue}>
        <input type="text" id={id('venue')} name="venue" value={p.e.venue ?? ''} />
      </Field>
      <Field id={id('reg')} label={pd.review.fRegistration}>
        <input
          type="datetime-local"
          id={id('reg')}
          name="registrationDeadline"
          value={
            p.e.registrationDeadline ? toLocalInput(new Date(p.e.registrationDeadline), p.tz) : ''
          }
        />
      </Field>
      <Field id={id('units')} label={pd.review.fUnits}>
        <textarea id={id('units')} name="units" rows={4}>
          {p.e.units.join('\n')}
        </textarea>
      </Field>
      <p class="small">
        {pd.review.invited(p.e.units.length)}. {pd.review.agenda(p.e.agenda.length)}
      </p>
    </ItemShell>
  );
}

function UnitsTable(p: { d: DraftView; csrf: string }) {
  if (!p.d.units.length) return <p>{pd.review.noItems}</p>;
  return (
    <TableWrap label={pd.review.units}>
      <table>
        <thead>
          <tr>
            <th scope="col">{pd.review.fName}</th>
            <th scope="col">{pd.review.fCode}</th>
            <th scope="col">{pd.review.drop}</th>
          </tr>
        </thead>
        <tbody>
          {p.d.units.map((u: DraftUnit) => (
            <tr id={`item-${u.key}`}>
              <td>
                {u.name}
                <div class="small muted">
                  {[
                    u.category,
                    u.collective ? pd.review.collective : null,
                    u.existingCode ? pd.review.matched(u.existingCode) : pd.review.isNew,
                  ]
                    .filter(Boolean)
                    .join(' · ')}
                </div>
              </td>
              <td>
                <form method="post" action={`/plans/${p.d.id}/items/${u.key}`} class="inline">
                  <CsrfField token={p.csrf} />
                  <input type="hidden" name="name" value={u.name} />
                  <label for={`${u.key}-code`} class="sr-only">
                    {pd.review.fCode}
                  </label>
                  <input
                    type="text"
                    id={`${u.key}-code`}
                    name="existingCode"
                    class="narrow"
                    value={u.existingCode ?? ''}
                  />
                  <button type="submit" class="small secondary">
                    {pd.review.save}
                  </button>
                </form>
              </td>
              <td>
                <form method="post" action={`/plans/${p.d.id}/items/${u.key}/drop`} class="inline">
                  <CsrfField token={p.csrf} />
                  <button
                    type="submit"
                    class="small secondary"
                    aria-label={`${pd.review.drop}: ${u.name}`}
                  >
                    {pd.review.drop}
                  </button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

function ReviewPage(p: {
  c: Context;
  session: Session;
  sandbox: boolean;
  d: DraftView;
  tz: string;
  error?: string | null;
}) {
  const d = p.d;
  const pending = [...d.tasks, ...d.requirements, ...d.events].filter(
    (x) => !d.applied[x.key],
  ).length;
  const skipped = Number(p.c.req.query('skipped')) || 0;
  return (
    <Layout
      title={d.document.title ?? pd.plans.title}
      nav="plans"
      session={p.session}
      sandbox={p.sandbox}
    >
      <p>
        <a href="/plans">← {pd.review.back}</a>
      </p>
      <h1>{d.document.title ?? pd.plans.untitled}</h1>
      <PlanFlash c={p.c} />
      {skipped ? <p class="notice err">{pd.review.skipped(skipped)}</p> : null}
      <ErrorNotice message={p.error} />
      <section class="card">
        <dl class="facts">
          <dt>{pd.review.number}</dt>
          <dd>{d.document.number ?? pd.review.none}</dd>
          <dt>{pd.review.issuer}</dt>
          <dd>{d.document.issuer ?? pd.review.none}</dd>
          <dt>{pd.review.issuedOn}</dt>
          <dd>
            {d.document.issuedOn
              ? d.document.issuedOn.split('-').reverse().join('/')
              : pd.review.none}
          </dd>
          <dt>{pd.review.source}</dt>
          <dd>{d.fileName ?? d.sourceKind}</dd>
        </dl>
      </section>
      <section class="card" aria-labelledby="warn-h">
        <h2 id="warn-h">{pd.review.warnings}</h2>
        {d.warnings.length ? (
          <ul>
            {d.warnings.map((w) => (
              <li>{w}</li>
            ))}
          </ul>
        ) : (
          <p>{pd.review.noWarnings}</p>
        )}
      </section>
      <section class="card" aria-labelledby="apply-h">
        <h2 id="apply-h">{pd.review.apply}</h2>
        <p>{pd.review.applyHelp}</p>
        <form
          method="post"
          action={`/plans/${d.id}/apply`}
          data-confirm={pd.review.applyConfirm(pending)}
          data-once
        >
          <CsrfField token={p.session.csrf} />
          <button type="submit">{pd.review.apply}</button>
        </form>
        {d.status === 'applied' ? (
          <>
            <h3>{pd.review.exports}</h3>
            <ExportLinks target={{ kind: 'plan', id: d.id }} />
          </>
        ) : null}
      </section>
      <h2>
        {pd.review.tasks} ({d.tasks.length})
      </h2>
      {d.tasks.length ? (
        d.tasks.map((t) => <TaskItem d={d} t={t} csrf={p.session.csrf} tz={p.tz} />)
      ) : (
        <p>{pd.review.noItems}</p>
      )}
      <h2>
        {pd.review.requirements} ({d.requirements.length})
      </h2>
      {d.requirements.length ? (
        d.requirements.map((r) => <RequirementItem d={d} r={r} csrf={p.session.csrf} tz={p.tz} />)
      ) : (
        <p>{pd.review.noItems}</p>
      )}
      <h2>
        {pd.review.events} ({d.events.length})
      </h2>
      {d.events.length ? (
        d.events.map((e) => <EventItem d={d} e={e} csrf={p.session.csrf} tz={p.tz} />)
      ) : (
        <p>{pd.review.noItems}</p>
      )}
      <h2>
        {pd.review.units} ({d.units.length})
      </h2>
      <UnitsTable d={d} csrf={p.session.csrf} />
    </Layout>
  );
}

/** A recurrence chosen in the form: the draft's own when the kind is unchanged, else the kind's default. */
function recurrenceFrom(
  kind: string,
  current: Recurrence | null,
  deadlineKey: string | null,
): Recurrence | null {
  if (kind === 'none' || !kind) return null;
  if (current?.kind === kind) return current;
  if (kind === 'yearly') {
    if (!deadlineKey) return { kind: 'yearly', month: 12, day: 15 };
    const [, m, d] = deadlineKey.split('-').map(Number);
    return { kind: 'yearly', month: m!, day: d! };
  }
  if (kind === 'monthly') return { kind: 'monthly', day: 15 };
  return { kind: kind as 'quarterly' | 'half-yearly' };
}

/** The edit of one item from its form: a partial patch keyed by the item. */
export function itemPatch(d: DraftView, key: string, form: Form, tz: string): DraftPatch | null {
  const text = (n: string) => field(form, n);
  const due = (n: string) => parseDateInput(text(n));
  const t = d.tasks.find((x) => x.key === key);
  if (t)
    return {
      tasks: {
        [key]: {
          title: text('title') || t.title,
          lead: lines(text('lead')),
          support: lines(text('support')),
          due: due('due'),
          dueText: text('dueText') || null,
          standing: text('standing') === '1',
          recurrence:
            text('standing') === '1'
              ? (t.recurrence ?? { kind: 'quarterly' })
              : t.standing
                ? null
                : t.recurrence,
        },
      },
    };
  const r = d.requirements.find((x) => x.key === key);
  if (r)
    return {
      requirements: {
        [key]: {
          title: text('title') || r.title,
          units: lines(text('units')),
          deadline: due('deadline'),
          recurrence: recurrenceFrom(text('recurrence'), r.recurrence, due('deadline')),
        },
      },
    };
  const e = d.events.find((x) => x.key === key);
  if (e) {
    const start = parseLocalDateTime(text('startsAt'), tz);
    const reg = parseLocalDateTime(text('registrationDeadline'), tz);
    return {
      events: {
        [key]: {
          title: text('title') || e.title,
          startsAt: start?.toISOString() ?? null,
          venue: text('venue') || null,
          registrationDeadline: reg?.toISOString() ?? (start ? addDaysInstant(start, tz) : null),
          units: lines(text('units')),
        },
      },
    };
  }
  const u = d.units.find((x) => x.key === key);
  if (u)
    return {
      units: {
        [key]: { name: text('name') || u.name, existingCode: text('existingCode') || null },
      },
    };
  return null;
}

/** Registration closes before the day before the event when the organizer gives no deadline. */
function addDaysInstant(start: Date, tz: string): string {
  const key = addDays(localDateKey(start, tz), -1);
  return parseLocalDateTime(`${key}T00:00`, tz)!.toISOString();
}

const FORMATS: Record<string, ExportFormat> = {
  'status.xlsx': 'xlsx',
  'files.zip': 'zip',
  'report.docx': 'docx',
};

export function planRoutes(dash: Dash): void {
  const ctx = dash.ctx;
  const tz = ctx.timezone;

  const listPage = async (c: Context, s: Session, error?: string, text?: string, status = 200) =>
    render(
      c,
      <ListPage
        c={c}
        session={s}
        sandbox={dash.sandbox}
        drafts={await listDrafts(ctx.db)}
        error={error}
        text={text}
      />,
      status,
    );
  const reviewPage = async (c: Context, s: Session, id: number, error?: string, status = 200) => {
    let d: DraftView;
    try {
      d = await getDraft(ctx.db, id);
    } catch (e) {
      if (e instanceof DomainError) return dash.notFound(c, s);
      throw e;
    }
    return render(
      c,
      <ReviewPage c={c} session={s} sandbox={dash.sandbox} d={d} tz={tz} error={error} />,
      status,
    );
  };

  dash.get('/plans', (c, s) => listPage(c, s));

  dash.post('/plans', async (c, s, form) => {
    const file = fileField(form, 'file');
    const pasted = field(form, 'text');
    try {
      let input: { text: string; sourceKind: 'text' | 'docx' | 'pdf'; fileName: string | null };
      if (file) {
        const text = await planFileText(
          new Uint8Array(await file.arrayBuffer()),
          file.name,
          file.type,
        );
        input = {
          text,
          sourceKind: planFileKind(file.name, file.type) ?? 'text',
          fileName: file.name,
        };
      } else if (pasted) input = { text: pasted, sourceKind: 'text', fileName: null };
      else return listPage(c, s, pd.plans.needInput, '', 400);
      const draft = await createDraft(ctx, { ...input, createdBy: `dashboard:${s.label}` });
      await dash.audit(s, 'plan.import', { plan: draft.id, via: 'dashboard' });
      return c.redirect(`/plans/${draft.id}`, 303);
    } catch (e) {
      if (e instanceof DomainError)
        return listPage(c, s, e.message, pasted, e.kind === 'unprocessable' ? 422 : 400);
      throw e;
    }
  });

  dash.get('/plans/:id', async (c, s) => {
    const id = intParamOf(c, 'id');
    return id ? reviewPage(c, s, id) : dash.notFound(c, s);
  });

  dash.post('/plans/:id/items/:key', async (c, s, form) => {
    const id = intParamOf(c, 'id');
    if (!id) return dash.notFound(c, s);
    const key = c.req.param('key') ?? '';
    const d = await getDraft(ctx.db, id).catch(() => null);
    const patch = d ? itemPatch(d, key, form, tz) : null;
    if (!patch) return dash.notFound(c, s);
    try {
      await patchDraft(ctx, id, patch);
    } catch (e) {
      if (e instanceof DomainError) return reviewPage(c, s, id, e.message, 400);
      throw e;
    }
    return c.redirect(`/plans/${id}?ok=saved#item-${key}`, 303);
  });

  dash.post('/plans/:id/items/:key/drop', async (c, s) => {
    const id = intParamOf(c, 'id');
    if (!id) return dash.notFound(c, s);
    try {
      await patchDraft(ctx, id, { drop: [c.req.param('key') ?? ''] });
    } catch (e) {
      if (e instanceof DomainError) return dash.notFound(c, s);
      throw e;
    }
    return c.redirect(`/plans/${id}?ok=dropped`, 303);
  });

  dash.post('/plans/:id/apply', async (c, s) => {
    const id = intParamOf(c, 'id');
    if (!id) return dash.notFound(c, s);
    try {
      const r = await applyDraft(ctx, id, `dashboard:${s.label}`);
      const n = r.created.event + r.created.requirement + r.created.task;
      return c.redirect(
        `/plans/${id}?ok=applied&n=${n}${r.skipped.length ? `&skipped=${r.skipped.length}` : ''}`,
        303,
      );
    } catch (e) {
      if (e instanceof DomainError) return reviewPage(c, s, id, e.message, 400);
      throw e;
    }
  });

  const download = (kind: ExportTarget['kind']) => async (c: Context, s: Session) => {
    const id = intParamOf(c, 'id');
    const format = FORMATS[c.req.param('file') ?? ''];
    if (!id || !format) return dash.notFound(c, s);
    try {
      const file = await buildExport(ctx, ctx.db, { kind, id }, format, {
        issuer: c.req.query('issuer') ?? null,
      });
      await dash.audit(s, 'export', { kind, id, format });
      return c.body(new Uint8Array(file.data), 200, {
        'content-type': file.mimeType,
        'content-disposition': `attachment; filename="${file.fileName}"`,
        'cache-control': 'no-store',
      });
    } catch (e) {
      if (e instanceof DomainError) return dash.notFound(c, s);
      throw e;
    }
  };
  dash.get('/exports/plans/:id/:file', download('plan'));
  dash.get('/exports/campaigns/:id/:file', download('campaign'));
}
