import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import type { AppContext } from '../app-context';
import { secretEquals } from '../core/codes';
import { buildDownload, verifyDownload } from '../core/exports/links';
import { currentSession } from './dashboard/auth';
import { DOCS_HEADERS, renderDocsPage } from './docs-page';
import { domainResponse, errorBody, internalErrorResponse } from './errors';
import { DOCS_PATH, SPEC_PATH, docs, openApiDocument } from './openapi';
import { unitsApi } from './api/units';
import { eventsApi } from './api/events';
import { campaignsApi } from './api/campaigns';
import { broadcastsApi } from './api/broadcasts';
import { accessApi } from './api/access';
import { plansApi } from './api/plans';
import { tasksApi } from './api/tasks';

export interface WebhookRoute {
  path: string;
  handle(request: Request): Promise<Response>;
}

export interface HttpDeps {
  ctx: AppContext;
  adminToken: string;
  webhooks?: WebhookRoute[];
  health?: () => Record<string, unknown>;
  /** Prometheus text for GET /metrics. */
  metrics?: () => Promise<string>;
  /** Extra routes mounted at the root (dashboard, sandbox). */
  mount?: (app: Hono) => void;
}

/** The Hono app stays thin: auth, limits, routing; the work happens in core. */
export function createHttpApp(deps: HttpDeps): Hono {
  const app = new Hono();
  const tooLarge = (c: Parameters<Parameters<typeof bodyLimit>[0]['onError'] & {}>[0]) =>
    c.json(errorBody('too_large', 'Nội dung gửi lên quá lớn.'), 413);

  app.use('*', requestId());
  app.onError((e, c) => {
    const known = domainResponse(c, e);
    if (known) return known;
    deps.ctx.log.error(
      { err: e, path: c.req.path, requestId: c.get('requestId') },
      'request failed',
    );
    return internalErrorResponse(c);
  });
  app.notFound((c) => c.json(errorBody('not_found', 'Không tìm thấy địa chỉ này.'), 404));

  // A signed link from a chat that cannot receive files (Zalo): the token is the permission.
  app.get('/d/:token', async (c) => {
    const ctx = deps.ctx;
    const d = await verifyDownload(ctx, ctx.db, c.req.param('token'));
    if (!d)
      return c.json(
        errorBody(
          'link_invalid',
          'Liên kết tải không đúng hoặc đã hết hạn (7 ngày). Xin gửi lại lệnh xuất.',
        ),
        404,
      );
    const file = await buildDownload(ctx, ctx.db, d);
    return c.body(new Uint8Array(file.data), 200, {
      'content-type': file.mimeType,
      'content-disposition': `attachment; filename="${file.fileName}"`,
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
    });
  });

  app.get('/healthz', async (c) => {
    let dbOk = true;
    try {
      await deps.ctx.db.selectNoFrom((eb) => eb.lit(1).as('one')).execute();
    } catch {
      dbOk = false;
    }
    const body = { ok: dbOk, db: deps.ctx.engine, ...(deps.health?.() ?? {}) };
    return c.json(body, dbOk ? 200 : 503);
  });

  if (deps.metrics) {
    const metrics = deps.metrics;
    app.get('/metrics', async (c) =>
      c.text(await metrics(), 200, { 'content-type': 'text/plain; version=0.0.4' }),
    );
  }

  // Hono's bodyLimit reads `c.req.raw.body`, which makes @hono/node-server build a whole web
  // Request with a body stream for every update, instead of reading the body directly. A body
  // with a Content-Length (what the platforms send) is judged by that header; only a chunked one
  // goes through bodyLimit, which counts it.
  const WEBHOOK_MAX = 1024 * 1024;
  const countedLimit = bodyLimit({ maxSize: WEBHOOK_MAX, onError: tooLarge });
  const webhookLimit: MiddlewareHandler = async (c, next) => {
    const length = c.req.header('content-length');
    if (length === undefined || c.req.header('transfer-encoding') !== undefined)
      return countedLimit(c, next);
    return Number(length) > WEBHOOK_MAX ? tooLarge(c) : next();
  };
  for (const hook of deps.webhooks ?? []) {
    app.post(hook.path, webhookLimit, (c) => hook.handle(c.req.raw));
  }

  const api = new Hono();
  api.use('*', async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7).trim() : null;
    // A browser cannot send the token: the reference also opens for a dashboard session.
    const reader = () =>
      c.req.method === 'GET' &&
      (c.req.path === DOCS_PATH || c.req.path === SPEC_PATH) &&
      currentSession(c, deps.ctx);
    if (!secretEquals(token, deps.adminToken) && !(await reader())) {
      return c.json(
        errorBody('unauthorized', 'Thiếu hoặc sai mã truy cập (Authorization: Bearer …).'),
        401,
      );
    }
    await next();
  });
  api.use('*', bodyLimit({ maxSize: 5 * 1024 * 1024, onError: tooLarge }));
  unitsApi(api, deps.ctx);
  eventsApi(api, deps.ctx);
  campaignsApi(api, deps.ctx);
  broadcastsApi(api, deps.ctx);
  accessApi(api, deps.ctx);
  plansApi(api, deps.ctx);
  tasksApi(api, deps.ctx);

  // Read off the whole app once it is built, so the /api prefix and every route are in it.
  let spec: ReturnType<typeof openApiDocument> | undefined;
  const document = () =>
    (spec ??= openApiDocument(app).catch((e: unknown) => {
      spec = undefined;
      throw e;
    }));
  const doc = docs('Tài liệu');
  api.get('/openapi.json', doc({ summary: 'Tài liệu OpenAPI 3.1 này', session: true }), async (c) =>
    c.json(await document()),
  );
  api.get(
    '/docs',
    doc({ summary: 'Trang tài liệu API', session: true, file: 'text/html' }),
    async (c) => c.html(renderDocsPage(await document()), 200, DOCS_HEADERS),
  );
  app.route('/api', api);

  deps.mount?.(app);
  return app;
}
