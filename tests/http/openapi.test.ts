/**
 * The API reference against the app it describes: every mounted /api route is in the OpenAPI
 * document with its method (and nothing else is), request bodies are the schemas the server
 * checks (a body the document forbids is refused naming a documented field, a body it allows is
 * taken), and /api/docs loads nothing from elsewhere under a CSP that allows only itself.
 */
import { createHash } from 'node:crypto';
import type { OpenAPIV3_1 } from 'openapi-types';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/http/app';
import { mountDashboard } from '../../src/http/dashboard/routes';
import { putUnits } from '../helpers/chat';
import { testContext } from '../helpers/context';
import { openTestDb, type TestDb } from '../helpers/db';

const TOKEN = 'openapi-admin-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

let db: TestDb;
let app: ReturnType<typeof createHttpApp>;
let doc: OpenAPIV3_1.Document;

type Schema = OpenAPIV3_1.SchemaObject;

/** The routes as Hono holds them: one per method and path (a route's middlewares repeat it). */
function mountedApiRoutes(): Array<{ method: string; path: string }> {
  const seen = new Set<string>();
  return app.routes
    .filter(
      (r) => r.path.startsWith('/api/') && METHODS.includes(r.method) && !r.path.includes('*'),
    )
    .filter((r) => !seen.has(`${r.method} ${r.path}`) && !!seen.add(`${r.method} ${r.path}`))
    .map((r) => ({ method: r.method, path: r.path }));
}

const openApiPath = (honoPath: string) => honoPath.replace(/:(\w+)/g, '{$1}');

function operations(): Array<{ method: string; path: string; op: OpenAPIV3_1.OperationObject }> {
  return Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    METHODS.map((m) => m.toLowerCase() as 'get')
      .filter((m) => item?.[m])
      .map((m) => ({ method: m.toUpperCase(), path, op: item![m]! })),
  );
}

function jsonBodySchema(op: OpenAPIV3_1.OperationObject): Schema | undefined {
  const body = op.requestBody as OpenAPIV3_1.RequestBodyObject | undefined;
  return body?.content['application/json']?.schema as Schema | undefined;
}

/**
 * The document's schema read back by zod. z.fromJSONSchema compiles `pattern` without the `u`
 * flag JSON Schema implies, so a \p{…} pattern (unit codes) is left out there and kept aside.
 */
function documented(schema: Schema): { zod: z.ZodType; unicode: RegExp[] } {
  const unicode: RegExp[] = [];
  const strip = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(strip);
    if (!node || typeof node !== 'object') return node;
    return Object.fromEntries(
      Object.entries(node).flatMap(([k, v]) => {
        if (k === 'pattern' && typeof v === 'string' && v.includes('\\p{')) {
          unicode.push(new RegExp(v, 'u'));
          return [];
        }
        return [[k, strip(v)]];
      }),
    );
  };
  return { zod: z.fromJSONSchema(strip(schema) as never), unicode };
}

/** The field an error names, reduced to the top-level property ("agenda[0].x" → "agenda"). */
const topField = (field: string) => field.split(/[.[]/)[0]!;

beforeAll(async () => {
  db = await openTestDb();
  const ctx = testContext(db);
  app = createHttpApp({
    ctx,
    adminToken: TOKEN,
    mount: (root) => mountDashboard(root, ctx, { adminToken: TOKEN, botLinks: {}, sandbox: false }),
  });
  await putUnits(ctx, [
    { code: 'U1', name: 'Sở Y tế', category: 'Sở' },
    { code: 'U2', name: 'Sở Giáo dục', category: 'Sở' },
  ]);
  const res = await app.request('/api/openapi.json', { headers: auth });
  expect(res.status).toBe(200);
  doc = (await res.json()) as OpenAPIV3_1.Document;
});
afterAll(() => db.close());

describe('/api/openapi.json', () => {
  it('is an OpenAPI 3.1 document with info, paths, the auth schemes and the error body', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info.title).toEqual(expect.any(String));
    expect(doc.info.version).toEqual(expect.any(String));
    expect(Object.keys(doc.paths ?? {}).length).toBeGreaterThan(20);
    expect(doc.components?.securitySchemes?.bearerAuth).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    expect(doc.components?.securitySchemes?.dashboardSession).toMatchObject({
      type: 'apiKey',
      in: 'cookie',
      name: 'dp_session',
    });
    expect(doc.security).toEqual([{ bearerAuth: [] }]);
    const error = doc.components?.schemas?.Error as Schema;
    expect(error.required).toEqual(['error']);
    const inner = error.properties!.error as Schema;
    expect(inner.required).toEqual(['code', 'message']);
    expect(Object.keys(inner.properties!)).toEqual(['code', 'message', 'field']);
    // Every $ref points at something that exists.
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const r of refs) {
      const [, , kind, name] = r.slice(8, -1).split('/');
      expect(
        (doc.components as Record<string, Record<string, unknown>>)[kind!]?.[name!],
        r,
      ).toBeDefined();
    }
  });

  it('has every mounted /api route with its method, and no route that is not mounted', () => {
    const mounted = mountedApiRoutes();
    expect(mounted.length).toBeGreaterThanOrEqual(30);
    const documented = new Set(operations().map((o) => `${o.method} ${o.path}`));
    const missing = mounted
      .map((r) => `${r.method} ${openApiPath(r.path)}`)
      .filter((k) => !documented.has(k));
    expect(missing, 'routes without documentation').toEqual([]);
    const mountedKeys = new Set(mounted.map((r) => `${r.method} ${openApiPath(r.path)}`));
    expect([...documented].filter((k) => !mountedKeys.has(k))).toEqual([]);
  });

  it('describes each operation: summary, path parameters, success, 401 and the shared error', () => {
    for (const { method, path, op } of operations()) {
      const where = `${method} ${path}`;
      expect(op.summary, where).toMatch(/\p{L}{3}/u);
      const responses = op.responses ?? {};
      expect(
        Object.keys(responses).some((s) => /^2\d\d$/.test(s)),
        where,
      ).toBe(true);
      expect(responses['401'], where).toEqual({ $ref: '#/components/responses/Unauthorized' });
      // 400 where something sent can be wrong: a body, a query, a path parameter.
      const takesInput = !!op.requestBody || (op.parameters ?? []).length > 0;
      expect(responses['400'], where).toEqual(
        takesInput ? { $ref: '#/components/responses/BadRequest' } : undefined,
      );
      const params = (op.parameters ?? []) as OpenAPIV3_1.ParameterObject[];
      for (const [, name] of path.matchAll(/\{(\w+)\}/g)) {
        const p = params.find((x) => x.in === 'path' && x.name === name);
        expect(p, `${where}: {${name}}`).toMatchObject({ required: true });
        if (name === 'id') expect(p!.schema, where).toMatchObject({ type: 'integer', minimum: 1 });
      }
      if (path.includes('{')) expect(responses['404'], where).toBeDefined();
    }
  });

  it('refuses, on every JSON body route, a body the document forbids, naming a documented field', async () => {
    let checked = 0;
    for (const { method, path, op } of operations()) {
      const schema = jsonBodySchema(op);
      if (!schema) continue;
      const where = `${method} ${path}`;
      const url = path.replace('{id}', '1').replace('{code}', 'U1');
      let body: unknown;
      if (schema.type === 'array') body = { not: 'an array' };
      else if (schema.required?.length) body = {};
      else {
        // Nothing required (a patch): a list field given an object violates its type.
        const [name] = Object.entries(schema.properties ?? {}).find(
          ([, p]) => (p as Schema).type === 'array' || JSON.stringify(p).includes('"array"'),
        )!;
        body = { [name]: { not: 'a list' } };
      }
      // The document itself says no.
      expect(documented(schema).zod.safeParse(body).success, where).toBe(false);
      const res = await app.request(url, { method, headers: auth, body: JSON.stringify(body) });
      expect(res.status, where).toBe(400);
      const err = ((await res.json()) as { error: { code: string; field?: string } }).error;
      expect(err.code, where).toBe('invalid_body');
      if (schema.type === 'array') expect(err.field, where).toBe('(nội dung)');
      else expect(Object.keys(schema.properties ?? {}), where).toContain(topField(err.field!));
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(12);
  });

  it('takes bodies the document allows (units, broadcasts, calendar)', async () => {
    const cases: Array<[string, string, unknown]> = [
      ['PUT', '/api/units', [{ code: 'U3', name: 'Sở Tài chính', category: 'Sở', order: 3 }]],
      ['POST', '/api/broadcasts', { text: 'Họp giao ban lúc 8h00', units: ['U1', 'U2'] }],
      [
        'PUT',
        '/api/calendar',
        { holidays: [{ date: '2027-02-05', note: 'Nghỉ Tết' }], workdays: ['2027-02-13'] },
      ],
    ];
    for (const [method, path, body] of cases) {
      const schema = jsonBodySchema(doc.paths![path]![method.toLowerCase() as 'put']!)!;
      expect(documented(schema).zod.safeParse(body).success, path).toBe(true);
      const res = await app.request(path, { method, headers: auth, body: JSON.stringify(body) });
      expect(res.status, `${method} ${path}: ${await res.clone().text()}`).toBeLessThan(300);
    }
    // And one step outside the documented limits is refused by both.
    const tooLong = [{ code: 'U4', name: 'x'.repeat(301) }];
    const schema = jsonBodySchema(doc.paths!['/api/units']!.put!)!;
    const units = documented(schema);
    expect(units.zod.safeParse(tooLong).success).toBe(false);
    // The code pattern, as documented, takes Vietnamese letters and refuses a space.
    expect(units.unicode.map((re) => [re.test('ĐắkLắk_1'), re.test('U 4')])).toEqual([
      [true, false],
    ]);
    const res = await app.request('/api/units', {
      method: 'PUT',
      headers: auth,
      body: JSON.stringify(tooLong),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { field: string } }).error.field).toBe('[0].name');
  });
});

describe('/api/docs', () => {
  it('lists every operation, loads nothing from another host, and its CSP allows only itself', async () => {
    const res = await app.request('/api/docs', { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await res.text();
    for (const { method, path } of operations())
      expect(page, `${method} ${path}`).toContain(`${method} ${path}`);

    // No script at all; no external stylesheet, image, font or frame.
    expect(page).not.toMatch(/<script|<link|<iframe|<img|@import|url\(/i);
    for (const [, url] of page.matchAll(/(?:src|href)\s*=\s*"([^"]*)"/gi))
      expect(url, 'a link leaving this host').toMatch(/^(#|\/(?!\/))/);
    expect(page).not.toMatch(/https?:\/\//);

    const csp = res.headers.get('content-security-policy') ?? '';
    const directives = Object.fromEntries(
      csp.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name, values];
      }),
    );
    expect(directives['default-src']).toEqual(["'none'"]);
    expect(directives['script-src']).toBeUndefined();
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
    // The one inline stylesheet is the one the CSP's hash allows.
    const styles = [...page.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((s) => s[1]!);
    expect(styles).toHaveLength(1);
    const hash = createHash('sha256').update(styles[0]!).digest('base64');
    expect(directives['style-src']).toEqual([`'sha256-${hash}'`]);
    expect(page).not.toMatch(/style="/);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
  });

  it('opens with the token or a dashboard session; a session opens nothing else under /api', async () => {
    for (const path of ['/api/docs', '/api/openapi.json'])
      expect((await app.request(path)).status, path).toBe(401);

    // Log in to the dashboard as an organizer does with the admin token.
    const cookies = new Map<string, string>();
    const take = (r: Response) => {
      for (const line of r.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const eq = pair!.indexOf('=');
        cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
      }
    };
    const cookie = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const first = await app.request('/');
    take(first);
    const csrf = /name="_csrf" value="([a-z2-9]+)"/.exec(await first.text())![1]!;
    const login = await app.request('/login', {
      method: 'POST',
      headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, token: TOKEN }).toString(),
    });
    take(login);
    expect(cookies.get('dp_session')).toMatch(/^[a-z2-9]{32}$/);

    const docs = await app.request('/api/docs', { headers: { cookie: cookie() } });
    expect(docs.status).toBe(200);
    const spec = await app.request('/api/openapi.json', { headers: { cookie: cookie() } });
    expect(((await spec.json()) as { openapi: string }).openapi).toMatch(/^3\.1/);
    for (const [method, path] of [
      ['GET', '/api/units'],
      ['GET', '/api/organizer-code'],
      ['POST', '/api/organizer-code/rotate'],
      ['POST', '/api/docs'],
    ] as const) {
      const res = await app.request(path, { method, headers: { cookie: cookie() } });
      expect(res.status, `${method} ${path}`).toBe(401);
    }
    // A forged or expired session is no session.
    const forged = await app.request('/api/docs', {
      headers: { cookie: `dp_session=${'a'.repeat(32)}` },
    });
    expect(forged.status).toBe(401);
  });
});
