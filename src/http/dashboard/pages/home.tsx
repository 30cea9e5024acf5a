/** The overview an organizer lands on: units linked, upcoming events, reports being chased, last broadcasts. */
import type { Context } from 'hono';
import { campaignUnits } from '../../../core/reports/manage';
import { formatDateTime, formatDeadline } from '../../../core/time/format';
import { d } from '../../../messages/dashboard';
import type { Session } from '../auth';
import { render, type Dash } from '../kit';
import { Flash, Layout } from '../layout';
import { eventList, type EventListRow } from './events';

interface HomeData {
  units: number;
  linked: number;
  events: EventListRow[];
  reports: Array<{
    id: number;
    title: string;
    deadline: Date;
    done: number;
    total: number;
    overdue: number;
  }>;
  broadcasts: Array<{ id: number; text: string; createdAt: Date }>;
}

function HomePage(p: {
  c: Context;
  session: Session;
  sandbox: boolean;
  data: HomeData;
  tz: string;
}) {
  const { data } = p;
  return (
    <Layout title={d.home.title} nav="home" session={p.session} sandbox={p.sandbox}>
      <h1>{d.home.title}</h1>
      <Flash c={p.c} />
      {p.sandbox ? (
        <p class="notice info">
          {d.home.sandboxHint} <a href="/sandbox">{d.nav.sandbox}</a>.
        </p>
      ) : null}
      <p>
        <a href="/units">{d.home.units(data.units, data.linked)}</a>
      </p>
      <div class="grid">
        <section class="card" aria-labelledby="h-events">
          <h2 id="h-events">{d.home.upcoming}</h2>
          {data.events.length ? (
            <ul>
              {data.events.map((e) => (
                <li>
                  <a href={`/events/${e.id}`}>{e.title}</a>
                  <div class="small muted">
                    {formatDateTime(e.starts_at, p.tz)} ·{' '}
                    {d.home.eventLine(e.registered, e.invited)}
                  </div>
                </li>
              ))}
            </ul>
          ) : (
            <p>{d.home.noUpcoming}</p>
          )}
        </section>
        <section class="card" aria-labelledby="h-reports">
          <h2 id="h-reports">{d.home.activeReports}</h2>
          {data.reports.length ? (
            <ul>
              {data.reports.map((r) => (
                <li>
                  <a href={`/reports/${r.id}`}>{r.title}</a>
                  <div class="small muted">
                    {formatDeadline(r.deadline, p.tz)} ·{' '}
                    {d.home.reportLine(r.done, r.total, r.overdue)}
                  </div>
                </li>
              ))}
            </ul>
          ) : (
            <p>{d.home.noReports}</p>
          )}
        </section>
        <section class="card" aria-labelledby="h-bc">
          <h2 id="h-bc">{d.home.recentBroadcasts}</h2>
          {data.broadcasts.length ? (
            <ul>
              {data.broadcasts.map((b) => (
                <li>
                  <a href={`/broadcasts/${b.id}`}>
                    {b.text.length > 80 ? `${b.text.slice(0, 79)}…` : b.text}
                  </a>
                  <div class="small muted">{formatDateTime(b.createdAt, p.tz)}</div>
                </li>
              ))}
            </ul>
          ) : (
            <p>{d.home.noBroadcasts}</p>
          )}
        </section>
      </div>
    </Layout>
  );
}

export async function homePage(dash: Dash, c: Context, s: Session): Promise<Response> {
  const { ctx } = dash;
  const now = ctx.clock();
  const units = await ctx.db
    .selectFrom('units')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const linked = await ctx.db
    .selectFrom('chats')
    .select((eb) => eb.fn.count<number>('unit_id').distinct().as('n'))
    .where('role', '=', 'unit')
    .where('active', '=', true)
    .executeTakeFirstOrThrow();
  const events = (await eventList(dash))
    .filter((e) => e.status === 'active' && e.starts_at > now)
    .reverse()
    .slice(0, 5);
  const campaigns = await ctx.db
    .selectFrom('campaigns')
    .selectAll()
    .where('status', '=', 'active')
    .orderBy('deadline')
    .limit(5)
    .execute();
  const reports: HomeData['reports'] = [];
  for (const cp of campaigns) {
    const rows = await campaignUnits(ctx.db, cp, now, ctx.timezone);
    reports.push({
      id: cp.id,
      title: cp.title,
      deadline: cp.deadline,
      done: rows.filter((r) => r.status === 'submitted' || r.status === 'late').length,
      total: rows.filter((r) => r.status !== 'excused').length,
      overdue: rows.filter((r) => r.status === 'overdue').length,
    });
  }
  const broadcasts = await ctx.db
    .selectFrom('broadcasts')
    .select(['id', 'text', 'created_at'])
    .where('status', '!=', 'draft')
    .orderBy('id', 'desc')
    .limit(5)
    .execute();
  return render(
    c,
    <HomePage
      c={c}
      session={s}
      sandbox={dash.sandbox}
      tz={ctx.timezone}
      data={{
        units: Number(units.n),
        linked: Number(linked.n),
        events,
        reports,
        broadcasts: broadcasts.map((b) => ({
          id: b.id,
          text: b.text,
          createdAt: b.created_at,
        })),
      }}
    />,
  );
}
