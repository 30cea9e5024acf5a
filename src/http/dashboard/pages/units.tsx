/** Units: who is invited, which chats they linked, their join codes, deep links and QR codes; import. */
import {
  parseAppendixUnits,
  parseUnitsCsv,
  parseUnitsXlsx,
  UnitImportError,
  type UnitInput,
} from '../../../core/units/import';
import {
  listUnits,
  organizerJoinCode,
  saveImportedUnits,
  upsertUnits,
  type UnitView,
} from '../../../core/units/repo';
import { expandUnit, parseCommuneLists, type ExpandResult } from '../../../core/units/expand';
import { DomainError } from '../../../core/errors';
import { d } from '../../../messages/dashboard';
import { CsrfField, ErrorNotice, Flash, Layout, TableWrap } from '../layout';
import { field, fileField, render, type Dash } from '../kit';
import type { Session } from '../auth';
import type { Context } from 'hono';
import { acd } from '../../../messages/dashboard';
import { LinkedChatsTable, RotateUnitCodeForm } from './access';

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
  // On demand: qrcode and its PNG encoder are only needed when a unit page shows a code.
  const { default: QRCode } = await import('qrcode');
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

interface UnitNode {
  unit: UnitView;
  parentName: string | null;
  children: UnitNode[];
}

/**
 * Top units grouped by category, each followed by the units below it whatever their own
 * category: a district's communes are read under the district, not in a table of 150 communes.
 */
function unitTree(
  units: UnitView[],
): Array<{ category: string; nodes: UnitNode[]; total: number }> {
  const byCode = new Map(units.map((u) => [u.code, u]));
  const nodes = new Map<string, UnitNode>(
    units.map((u) => [
      u.code,
      { unit: u, parentName: u.parent ? (byCode.get(u.parent)?.name ?? null) : null, children: [] },
    ]),
  );
  const groups = new Map<string, UnitNode[]>();
  for (const u of units) {
    const node = nodes.get(u.code)!;
    const parent = u.parent ? nodes.get(u.parent) : undefined;
    if (parent) parent.children.push(node);
    else {
      const k = u.category ?? d.units.noCategory;
      groups.set(k, [...(groups.get(k) ?? []), node]);
    }
  }
  const size = (n: UnitNode): number => 1 + n.children.reduce((a, c) => a + size(c), 0);
  return [...groups].map(([category, list]) => ({
    category,
    nodes: list,
    total: list.reduce((a, n) => a + size(n), 0),
  }));
}

/** More children than this are folded under a summary line (a district's 13 communes). */
const FOLD_ABOVE = 5;

/** Every unit below `code` (the parent select must not offer them: that would be a loop). */
function below(units: UnitView[], code: string): Set<string> {
  const out = new Set<string>();
  const stack = [code];
  while (stack.length) {
    const at = stack.pop()!;
    for (const u of units)
      if (u.parent === at && !out.has(u.code)) {
        out.add(u.code);
        stack.push(u.code);
      }
  }
  return out;
}

interface RowProps {
  node: UnitNode;
  depth: number;
  platforms: string[];
  botUsername: string | null;
}

function UnitRows(p: RowProps) {
  const u = p.node.unit;
  // Code, name, category, the platforms, join code, the deep link when known, QR.
  const cols = 5 + p.platforms.length + (p.botUsername ? 1 : 0);
  const kids = p.node.children;
  return (
    <>
      <tr>
        <td>{u.code}</td>
        <td class={p.depth ? `tree tree-d${Math.min(p.depth, 4)}` : undefined}>
          {p.depth ? <span aria-hidden="true">↳ </span> : null}
          <a href={`/units/${encodeURIComponent(u.code)}`}>{u.name}</a>
          {p.node.parentName ? (
            <span class="sr-only"> ({d.units.under(p.node.parentName)})</span>
          ) : null}
          {u.children ? <span class="muted small"> · {d.units.childCount(u.children)}</span> : null}
        </td>
        <td class="sr-only">{u.category ?? ''}</td>
        {p.platforms.map((pl) => (
          <LinkCell chats={u.chats} platform={pl} />
        ))}
        <td>
          <code>{u.joinCode}</code>
        </td>
        {p.botUsername ? (
          <td>
            <a href={telegramDeepLink(p.botUsername, u.joinCode)} rel="noopener noreferrer">
              {d.units.addToTelegram}
            </a>
          </td>
        ) : null}
        <td>
          <a href={`/units/${encodeURIComponent(u.code)}`} aria-label={`${d.units.qr}: ${u.name}`}>
            {d.units.qr}
          </a>
        </td>
      </tr>
      {kids.length > FOLD_ABOVE ? (
        <tr class="tree-fold">
          <td colspan={cols}>
            <details>
              <summary class={`tree tree-d${Math.min(p.depth + 1, 4)}`}>
                {d.units.childrenOf(kids.length, u.name)}
              </summary>
              <table>
                <tbody>
                  {kids.map((k) => (
                    <UnitRows {...p} node={k} depth={p.depth + 1} />
                  ))}
                </tbody>
              </table>
            </details>
          </td>
        </tr>
      ) : (
        kids.map((k) => <UnitRows {...p} node={k} depth={p.depth + 1} />)
      )}
    </>
  );
}

interface UnitFormValues {
  code?: string;
  name?: string;
  category?: string;
  parent?: string;
}

/** Adding a unit (no `editing`) or editing one: name, category and the parent in the tree. */
function UnitForm(p: {
  csrf: string;
  units: UnitView[];
  editing?: UnitView;
  values?: UnitFormValues;
}) {
  const v: UnitFormValues = p.values ?? {
    code: p.editing?.code,
    name: p.editing?.name,
    category: p.editing?.category ?? '',
    parent: p.editing?.parent ?? '',
  };
  const id = (f: string) => `unit-${p.editing ? 'edit' : 'add'}-${f}`;
  const excluded = p.editing ? below(p.units, p.editing.code).add(p.editing.code) : new Set();
  return (
    <form method="post" action="/units/save" data-once>
      <CsrfField token={p.csrf} />
      {p.editing ? (
        <input type="hidden" name="code" value={p.editing.code} />
      ) : (
        <>
          <input type="hidden" name="mode" value="create" />
          <label for={id('code')}>{d.units.code}</label>
          <input
            type="text"
            id={id('code')}
            name="code"
            required
            maxlength={64}
            value={v.code ?? ''}
          />
        </>
      )}
      <label for={id('name')}>{d.units.name}</label>
      <input
        type="text"
        id={id('name')}
        name="name"
        required
        maxlength={300}
        value={v.name ?? ''}
      />
      <label for={id('category')}>{d.units.category}</label>
      <input
        type="text"
        id={id('category')}
        name="category"
        maxlength={300}
        value={v.category ?? ''}
      />
      <label for={id('parent')}>{d.units.parent}</label>
      <select id={id('parent')} name="parent">
        <option value="">{d.units.noParent}</option>
        {p.units
          .filter((u) => !excluded.has(u.code))
          .map((u) => (
            <option value={u.code} selected={v.parent === u.code}>
              {`${u.name} (${u.code})`}
            </option>
          ))}
      </select>
      <div class="actions">
        <button type="submit">{p.editing ? d.units.editSubmit : d.units.addSubmit}</button>
      </div>
    </form>
  );
}

/** A row that stands for many communes becomes one unit per commune (core expandUnit). */
function ExpandForm(p: {
  csrf: string;
  unit: UnitView;
  units: UnitView[];
  values?: { parent?: string; communes?: string };
}) {
  return (
    <form method="post" action={`/units/${encodeURIComponent(p.unit.code)}/expand`} data-once>
      <CsrfField token={p.csrf} />
      <p class="help">{d.units.expandHelp}</p>
      <label for="expand-parent">{d.units.expandParent}</label>
      <select id="expand-parent" name="parent">
        <option value="">{d.units.expandParentFromText}</option>
        {p.units
          .filter((u) => u.code !== p.unit.code)
          .map((u) => (
            <option value={u.code} selected={p.values?.parent === u.code}>
              {`${u.name} (${u.code})`}
            </option>
          ))}
      </select>
      <label for="expand-communes">{d.units.expandLabel}</label>
      <textarea id="expand-communes" name="communes" rows={10} required>
        {p.values?.communes ?? ''}
      </textarea>
      <div class="actions">
        <button type="submit">{d.units.expandSubmit}</button>
      </div>
    </form>
  );
}

interface UnitsPageProps {
  session: Session;
  sandbox: boolean;
  units: UnitView[];
  organizerCode: string;
  botUsername: string | null;
  error?: string | null;
  pasted?: string;
  /** What the add form held when it was refused. */
  added?: UnitFormValues;
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
      {unitTree(p.units).map((g) => (
        <TableWrap label={g.category}>
          <table>
            <caption>
              {g.category} <span class="muted small">({d.common.unitCount(g.total)})</span>
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
              {g.nodes.map((n) => (
                <UnitRows node={n} depth={0} platforms={platforms} botUsername={p.botUsername} />
              ))}
            </tbody>
          </table>
        </TableWrap>
      ))}
      <details class="card" open={!!p.added}>
        <summary>{d.units.addHeading}</summary>
        <p class="help">{d.units.addHelp}</p>
        <UnitForm csrf={p.session.csrf} units={p.units} values={p.added} />
      </details>
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
  units: UnitView[];
  error?: string | null;
  edited?: UnitFormValues;
  expand?: { parent?: string; communes?: string };
}

export function UnitDetailPage(p: UnitDetailProps) {
  const parent = p.units.find((u) => u.code === p.unit.parent);
  const children = p.units.filter((u) => u.parent === p.unit.code);
  return (
    <Layout title={p.unit.name} nav="units" session={p.session} sandbox={p.sandbox}>
      <p>
        <a href="/units">← {d.units.title}</a>
      </p>
      <h1>{d.units.detailHeading(p.unit.name)}</h1>
      <Flash c={p.c} />
      <ErrorNotice message={p.error} />
      <div class="grid">
        <section class="card" aria-labelledby="howto-h">
          <dl class="facts">
            <dt>{d.units.code}</dt>
            <dd>{p.unit.code}</dd>
            <dt>{d.units.category}</dt>
            <dd>{p.unit.category ?? d.units.noCategory}</dd>
            <dt>{d.units.parent}</dt>
            <dd>
              {parent ? (
                <a href={`/units/${encodeURIComponent(parent.code)}`}>{parent.name}</a>
              ) : (
                d.units.noParent
              )}
            </dd>
            <dt>{d.units.children}</dt>
            <dd>
              {children.length ? (
                <ul class="plain">
                  {children.map((u) => (
                    <li>
                      <a href={`/units/${encodeURIComponent(u.code)}`}>{u.name}</a>
                    </li>
                  ))}
                </ul>
              ) : (
                d.units.noChildren
              )}
            </dd>
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
          <LinkedChatsTable
            chats={p.chats.map((ch) => ({
              platform: ch.platform,
              chatId: ch.external_id,
              title: ch.title,
              active: ch.active,
              linkedAt: ch.linked_at,
            }))}
            label={d.units.chatsHeading}
            csrf={p.session.csrf}
            tz={p.tz}
            back={`/units/${encodeURIComponent(p.unit.code)}`}
          />
        )}
      </section>
      <details class="card" open={!!p.edited}>
        <summary>{d.units.editHeading}</summary>
        <UnitForm csrf={p.session.csrf} units={p.units} editing={p.unit} values={p.edited} />
      </details>
      {/* Only a row outside the tree can stand for many communes ("Chủ tịch UBND cấp xã"). */}
      {p.unit.parent || p.unit.children ? null : (
        <details class="card" open={!!p.expand}>
          <summary>{d.units.expandHeading}</summary>
          <ExpandForm csrf={p.session.csrf} unit={p.unit} units={p.units} values={p.expand} />
        </details>
      )}
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
    extra: { error?: string; pasted?: string; added?: UnitFormValues } = {},
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
        added={extra.added}
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
    try {
      await saveImportedUnits(ctx.db, units);
    } catch (e) {
      if (e instanceof DomainError) return page(c, s, { error: e.message, pasted }, 400);
      throw e;
    }
    await dash.audit(s, 'units.import', {
      count: units.length,
      source: file ? file.name : 'appendix',
    });
    return c.redirect(`/units?ok=imported&n=${units.length}`, 303);
  });

  const detail = async (
    c: Context,
    s: Session,
    code: string,
    extra: Pick<UnitDetailProps, 'error' | 'edited' | 'expand'> = {},
    status = 200,
  ) => {
    const units = await listUnits(ctx.db);
    const unit = units.find((u) => u.code === code);
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
        units={units}
        {...extra}
      />,
      status,
    );
  };

  dash.get('/units/:code', (c, s) => detail(c, s, c.req.param('code') ?? ''));

  /** Adds a unit (mode=create) or edits one: name, category, parent; the API's rules apply. */
  dash.post('/units/save', async (c, s, form) => {
    const values: UnitFormValues = {
      code: field(form, 'code'),
      name: field(form, 'name'),
      category: field(form, 'category'),
      parent: field(form, 'parent'),
    };
    const code = values.code!;
    const creating = field(form, 'mode') === 'create';
    const existing = (await listUnits(ctx.db, [code]))[0];
    const refuse = (error: string) =>
      creating
        ? page(c, s, { error, added: values }, 400)
        : detail(c, s, code, { error, edited: values }, 400);
    if (!creating && !existing) return dash.notFound(c, s);
    if (creating && existing) return refuse(d.units.codeExists(code));
    const invalid = validateUnits([{ code, name: values.name! }]);
    if (invalid) return refuse(invalid);
    const order =
      existing?.order ??
      Number(
        (
          await ctx.db
            .selectFrom('units')
            .select((eb) => eb.fn.max('sort_order').as('n'))
            .executeTakeFirst()
        )?.n ?? 0,
      ) + 1;
    try {
      await upsertUnits(ctx.db, [
        {
          code,
          name: values.name!,
          category: values.category || null,
          order,
          parent: values.parent || null,
        },
      ]);
    } catch (e) {
      if (e instanceof DomainError) return refuse(e.message);
      throw e;
    }
    await dash.audit(s, creating ? 'units.create' : 'units.update', {
      code,
      parent: values.parent || null,
    });
    return c.redirect(`/units/${encodeURIComponent(code)}?ok=unitSaved`, 303);
  });

  /** The same expansion as POST /api/units/:code/expand, from a district and a pasted list. */
  dash.post('/units/:code/expand', async (c, s, form) => {
    const code = c.req.param('code') ?? '';
    const parent = field(form, 'parent');
    const communes = typeof form.communes === 'string' ? form.communes : '';
    // A chosen district heads the list; headings written in the list ("Huyện A:") still count.
    const lists = parseCommuneLists(parent ? `${parent}:\n${communes}` : communes);
    let result: ExpandResult;
    try {
      result = await expandUnit(ctx.db, code, lists);
    } catch (e) {
      if (e instanceof DomainError) {
        if (e.kind === 'not_found') return dash.notFound(c, s);
        return detail(c, s, code, { error: e.message, expand: { parent, communes } }, 400);
      }
      throw e;
    }
    await dash.audit(s, 'units.expand', {
      code,
      created: result.created,
      updated: result.updated,
      placeholderRemoved: result.placeholderRemoved,
    });
    const n = result.units.length;
    return c.redirect(
      result.placeholderRemoved
        ? `/units?ok=expanded&n=${n}`
        : `/units/${encodeURIComponent(code)}?ok=expanded&n=${n}`,
      303,
    );
  });
}
