/** Units: who is invited, which chats they linked, their join codes, deep links and QR codes; import. */
import QRCode from 'qrcode';
import {
  parseAppendixUnits,
  parseUnitsCsv,
  parseUnitsXlsx,
  UnitImportError,
  type UnitInput,
} from '../../../core/units/import';
import { listUnits, organizerJoinCode, upsertUnits, type UnitView } from '../../../core/units/repo';
import { formatDateTime } from '../../../core/time/format';
import { d } from '../../../messages/dashboard';
import { Badge, CsrfField, ErrorNotice, Flash, Layout, TableWrap } from '../layout';
import { fileField, render, type Dash } from '../kit';
import type { Session } from '../auth';
import type { Context } from 'hono';
import { acd } from '../../../messages/dashboard';
import { RotateUnitCodeForm, UnlinkChatForm } from './access';

const BASE_PLATFORMS = ['telegram', 'zalo', 'zalo-bot'] as const;
const CODE_RE = /^[\p{L}\p{N}_.-]{1,64}$/u;

export function telegramDeepLink(botUsername: string, joinCode: string): string {
  return `https://t.me/${encodeURIComponent(botUsername)}?startgroup=${encodeURIComponent(joinCode)}`;
}

function escapeAttr(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** A QR code as inline SVG, drawn on the server (no outside service sees the code). */
export async function qrSvg(text: string, label: string): Promise<string> {
  const svg = await QRCode.toString(text, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' });
  return svg.replace(
    '<svg ',
    `<svg role="img" aria-label="${escapeAttr(label)}" focusable="false" `,
  );
}

function LinkCell(p: { chats: UnitView['chats']; platform: string }) {
  const mine = p.chats.filter((c) => c.platform === p.platform);
  const titles = mine.map((c) => c.title ?? c.chatId).join(', ');
  if (mine.some((c) => c.active)) {
    return (
      <td title={titles}>
        <span class="link-yes" aria-hidden="true">
          ✓
        </span>
        <span class="sr-only">{d.units.linkActive}</span>
      </td>
    );
  }
  if (mine.length) {
    return (
      <td title={titles}>
        <span class="link-no" aria-hidden="true">
          ✗
        </span>
        <span class="sr-only">{d.units.linkInactive}</span>
      </td>
    );
  }
  return (
    <td>
      <span class="link-none" aria-hidden="true">
        —
      </span>
      <span class="sr-only">{d.units.linkNone}</span>
    </td>
  );
}

function groupUnits(units: UnitView[]): Array<{ category: string; units: UnitView[] }> {
  const groups = new Map<string, UnitView[]>();
  for (const u of units) {
    const k = u.category ?? d.units.noCategory;
    groups.set(k, [...(groups.get(k) ?? []), u]);
  }
  return [...groups].map(([category, list]) => ({ category, units: list }));
}

interface UnitsPageProps {
  session: Session;
  sandbox: boolean;
  units: UnitView[];
  organizerCode: string;
  botUsername: string | null;
  error?: string | null;
  pasted?: string;
  c: Context;
}

export function UnitsPage(p: UnitsPageProps) {
  const seen = new Set(p.units.flatMap((u) => u.chats.map((c) => c.platform as string)));
  const platforms: string[] = [
    ...new Set<string>([...BASE_PLATFORMS, ...(p.sandbox ? ['sandbox'] : []), ...seen]),
  ];
  const linked = p.units.filter((u) => u.chats.some((c) => c.active)).length;
  return (
    <Layout title={d.units.title} nav="units" session={p.session} sandbox={p.sandbox}>
      <h1>{d.units.heading}</h1>
      <Flash c={p.c} />
      <ErrorNotice message={p.error} />
      <p>{p.units.length ? d.units.summary(p.units.length, linked) : d.units.empty}</p>
      <details class="card">
        <summary>{d.units.organizerShow}</summary>
        <p>{d.units.organizerHelp}</p>
        <p>
          <code>/lienket {p.organizerCode}</code>
        </p>
        <p>
          <a href="/access">{acd.manage}</a>
        </p>
      </details>
      {groupUnits(p.units).map((g) => (
        <TableWrap label={g.category}>
          <table>
            <caption>
              {g.category} <span class="muted small">({d.common.unitCount(g.units.length)})</span>
            </caption>
            <thead>
              <tr>
                <th scope="col">{d.units.code}</th>
                <th scope="col">{d.units.name}</th>
                <th scope="col" class="sr-only">
                  {d.units.category}
                </th>
                {platforms.map((pl) => (
                  <th scope="col">{d.units.platforms[pl] ?? pl}</th>
                ))}
                <th scope="col">{d.units.joinCode}</th>
                {p.botUsername ? <th scope="col">{d.units.deepLink}</th> : null}
                <th scope="col">{d.units.qr}</th>
              </tr>
            </thead>
            <tbody>
              {g.units.map((u) => (
                <tr>
                  <td>{u.code}</td>
                  <td>{u.name}</td>
                  <td class="sr-only">{u.category ?? ''}</td>
                  {platforms.map((pl) => (
                    <LinkCell chats={u.chats} platform={pl} />
                  ))}
                  <td>
                    <code>{u.joinCode}</code>
                  </td>
                  {p.botUsername ? (
                    <td>
                      <a
                        href={telegramDeepLink(p.botUsername, u.joinCode)}
                        rel="noopener noreferrer"
                      >
                        {d.units.addToTelegram}
                      </a>
                    </td>
                  ) : null}
                  <td>
                    <a
                      href={`/units/${encodeURIComponent(u.code)}`}
                      aria-label={`${d.units.qr}: ${u.name}`}
                    >
                      {d.units.qr}
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ))}
      <section class="card" aria-labelledby="import-h">
        <h2 id="import-h">{d.units.importHeading}</h2>
        <p class="help">{d.units.importHelp}</p>
        <form method="post" action="/units/import" enctype="multipart/form-data" data-once>
          <CsrfField token={p.session.csrf} />
          <label for="appendix">{d.units.pasteLabel}</label>
          <textarea id="appendix" name="appendix" rows={8}>
            {p.pasted ?? ''}
          </textarea>
          <label for="file">{d.units.fileLabel}</label>
          <input
            type="file"
            id="file"
            name="file"
            accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          />
          <div class="actions">
            <button type="submit">{d.units.importSubmit}</button>
          </div>
        </form>
      </section>
    </Layout>
  );
}

interface UnitDetailProps {
  c: Context;
  session: Session;
  sandbox: boolean;
  unit: UnitView;
  chats: Array<{
    platform: string;
    title: string | null;
    external_id: string;
    active: boolean;
    linked_at: Date | null;
  }>;
  botUsername: string | null;
  qr: string;
  qrText: string;
  tz: string;
}

export function UnitDetailPage(p: UnitDetailProps) {
  return (
    <Layout title={p.unit.name} nav="units" session={p.session} sandbox={p.sandbox}>
      <p>
        <a href="/units">← {d.units.title}</a>
      </p>
      <h1>{d.units.detailHeading(p.unit.name)}</h1>
      <Flash c={p.c} />
      <div class="grid">
        <section class="card" aria-labelledby="howto-h">
          <dl class="facts">
            <dt>{d.units.code}</dt>
            <dd>{p.unit.code}</dd>
            <dt>{d.units.category}</dt>
            <dd>{p.unit.category ?? d.units.noCategory}</dd>
            <dt>{d.units.joinCode}</dt>
            <dd>
              <code>{p.unit.joinCode}</code>{' '}
              <RotateUnitCodeForm csrf={p.session.csrf} code={p.unit.code} />
            </dd>
          </dl>
          <h2 id="howto-h">{d.units.howToLink}</h2>
          <p>{d.units.howToLinkText}</p>
          <p>
            <code>/lienket {p.unit.joinCode}</code>
          </p>
          {p.botUsername ? (
            <>
              <p>{d.units.deepLinkText}</p>
              <p>
                <a
                  href={telegramDeepLink(p.botUsername, p.unit.joinCode)}
                  rel="noopener noreferrer"
                >
                  {telegramDeepLink(p.botUsername, p.unit.joinCode)}
                </a>
              </p>
            </>
          ) : (
            <p class="help">{d.units.noBotUsername}</p>
          )}
        </section>
        <section class="card qr">
          <h2>{d.units.qr}</h2>
          <div dangerouslySetInnerHTML={{ __html: p.qr }} />
          <p class="help">{d.units.qrCaption(p.qrText)}</p>
        </section>
      </div>
      <section class="card" aria-labelledby="chats-h">
        <h2 id="chats-h">{d.units.chatsHeading}</h2>
        {p.chats.length === 0 ? (
          <p>{d.units.noChats}</p>
        ) : (
          <TableWrap label={d.units.chatsHeading}>
            <table>
              <thead>
                <tr>
                  <th scope="col">{d.units.chatPlatform}</th>
                  <th scope="col">{d.units.chatTitle}</th>
                  <th scope="col">{d.units.chatState}</th>
                  <th scope="col">{d.units.chatLinkedAt}</th>
                  <th scope="col">{acd.actions}</th>
                </tr>
              </thead>
              <tbody>
                {p.chats.map((ch) => (
                  <tr>
                    <td>{d.units.platforms[ch.platform] ?? ch.platform}</td>
                    <td>{ch.title ?? ch.external_id}</td>
                    <td>
                      {ch.active ? (
                        <Badge kind="registered" label={d.units.chatActive} />
                      ) : (
                        <Badge kind="declined" label={d.units.chatInactive} />
                      )}
                    </td>
                    <td>{ch.linked_at ? formatDateTime(ch.linked_at, p.tz) : d.common.none}</td>
                    <td>
                      <UnlinkChatForm
                        csrf={p.session.csrf}
                        platform={ch.platform}
                        chatId={ch.external_id}
                        title={ch.title ?? ch.external_id}
                        back={`/units/${encodeURIComponent(p.unit.code)}`}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </section>
    </Layout>
  );
}

function validateUnits(units: UnitInput[]): string | null {
  for (const u of units) {
    if (!CODE_RE.test(u.code)) return d.units.importInvalid(u.code, d.units.invalidCode);
    if (!u.name.trim() || u.name.length > 300)
      return d.units.importInvalid(u.code, d.units.invalidName);
  }
  return null;
}

export function unitRoutes(dash: Dash): void {
  const { ctx } = dash;
  const page = async (
    c: Context,
    s: Session,
    extra: { error?: string; pasted?: string } = {},
    status = 200,
  ) =>
    render(
      c,
      <UnitsPage
        c={c}
        session={s}
        sandbox={dash.sandbox}
        units={await listUnits(ctx.db)}
        organizerCode={await organizerJoinCode(ctx.db)}
        botUsername={dash.telegramUsername()}
        error={extra.error}
        pasted={extra.pasted}
      />,
      status,
    );

  dash.get('/units', (c, s) => page(c, s));

  dash.post('/units/import', async (c, s, form) => {
    const file = fileField(form, 'file');
    const pasted = typeof form.appendix === 'string' ? form.appendix : '';
    let units: UnitInput[];
    try {
      if (file) {
        const name = file.name.toLowerCase();
        if (name.endsWith('.xlsx') || file.type.includes('spreadsheetml'))
          units = await parseUnitsXlsx(new Uint8Array(await file.arrayBuffer()));
        else if (name.endsWith('.csv') || file.type.startsWith('text/'))
          units = parseUnitsCsv(await file.text());
        else return page(c, s, { error: d.units.importBadType, pasted }, 400);
      } else if (pasted.trim()) {
        units = parseAppendixUnits(pasted);
      } else {
        return page(c, s, { error: d.units.importEmpty }, 400);
      }
    } catch (e) {
      if (e instanceof UnitImportError) return page(c, s, { error: e.message, pasted }, 400);
      throw e;
    }
    if (units.length === 0) return page(c, s, { error: d.units.importNothing, pasted }, 400);
    const invalid = validateUnits(units);
    if (invalid) return page(c, s, { error: invalid, pasted }, 400);
    await upsertUnits(ctx.db, units);
    await dash.audit(s, 'units.import', {
      count: units.length,
      source: file ? file.name : 'appendix',
    });
    return c.redirect(`/units?ok=imported&n=${units.length}`, 303);
  });

  dash.get('/units/:code', async (c, s) => {
    const code = c.req.param('code') ?? '';
    const unit = (await listUnits(ctx.db, [code]))[0];
    if (!unit) return dash.notFound(c, s);
    const chats = await ctx.db
      .selectFrom('chats')
      .innerJoin('units', 'units.id', 'chats.unit_id')
      .select([
        'chats.platform',
        'chats.title',
        'chats.external_id',
        'chats.active',
        'chats.linked_at',
      ])
      .where('units.code', '=', code)
      .orderBy('chats.id')
      .execute();
    const bot = dash.telegramUsername();
    const qrText = bot ? telegramDeepLink(bot, unit.joinCode) : `/lienket ${unit.joinCode}`;
    const qr = await qrSvg(qrText, `${d.units.qr}: ${unit.name}`);
    return render(
      c,
      <UnitDetailPage
        c={c}
        session={s}
        sandbox={dash.sandbox}
        unit={unit}
        chats={chats}
        botUsername={bot}
        qr={qr}
        qrText={qrText}
        tz={ctx.timezone}
      />,
    );
  });
}
