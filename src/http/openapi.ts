/**
 * The API's OpenAPI 3.1 document, read off the app itself: each /api route carries a `doc(...)`
 * (hono-openapi's describeRoute) naming the very zod schema its handler passes to readJson, so
 * the document cannot describe a body the server does not check. Responses are hand-built JSON
 * without schemas of their own; they are described in words.
 */
import type { Hono } from 'hono';
import { describeRoute, generateSpecs, resolver } from 'hono-openapi';
import type { OpenAPIV3_1 } from 'openapi-types';
import type { z } from 'zod';
import { apiDocs as m } from '../messages/api-docs';

export const DOCS_PATH = '/api/docs';
export const SPEC_PATH = '/api/openapi.json';

type Media = Record<string, OpenAPIV3_1.MediaTypeObject>;

export interface RouteDoc {
  summary: string;
  description?: string;
  /** The schema the handler validates the JSON body with (the same object). */
  body?: z.ZodType;
  /** Bodies that are not JSON (uploads, pasted text), by media type. */
  media?: Media;
  query?: Record<string, string>;
  /** 201 for creations; 200 otherwise. */
  status?: 200 | 201;
  /** What a success returns, in words; `file` names the media type of a download. */
  returns?: string;
  file?: string;
  /** Who else may read it besides the Bearer token (the reference itself). */
  session?: boolean;
}

const ref = (name: string) => ({ $ref: `#/components/responses/${name}` });

/** describeRoute for one route; `tag` groups a route file's operations on the reference page. */
export function docs(tag: string) {
  return (d: RouteDoc) => {
    const hasBody = !!(d.body || d.media);
    const content: Record<string, { schema: unknown }> = { ...(d.media ?? {}) } as never;
    if (d.body) content['application/json'] = { schema: resolver(d.body) };
    const ok = d.file
      ? { description: d.returns ?? m.file, content: { [d.file]: { schema: { type: 'string' } } } }
      : { description: d.returns ?? m.ok, content: { 'application/json': { schema: {} } } };
    return describeRoute({
      tags: [tag],
      summary: d.summary,
      ...(d.description ? { description: d.description } : {}),
      ...(d.session ? { security: [{ bearerAuth: [] }, { dashboardSession: [] }] } : {}),
      ...(d.query
        ? {
            parameters: Object.entries(d.query).map(([name, description]) => ({
              in: 'query' as const,
              name,
              description,
              schema: { type: 'string' as const },
            })),
          }
        : {}),
      ...(hasBody ? { requestBody: { required: true, content: content as never } } : {}),
      responses: {
        [d.status ?? 200]: ok,
        ...(hasBody || d.query ? { 400: ref('BadRequest') } : {}),
        401: ref('Unauthorized'),
        ...(hasBody ? { 413: ref('TooLarge') } : {}),
        default: ref('Error'),
      },
    });
  };
}

const errorSchema: OpenAPIV3_1.SchemaObject = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: m.errorCode },
        message: { type: 'string', description: m.errorMessage },
        field: { type: 'string', description: m.errorField },
      },
    },
  },
};

const errorResponse = (description: string): OpenAPIV3_1.ResponseObject => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

/** Path parameters are read by intParam (ids) or taken as text (unit codes). */
function typePathParams(paths: OpenAPIV3_1.PathsObject): void {
  for (const [path, item] of Object.entries(paths)) {
    for (const op of Object.values(item ?? {}) as OpenAPIV3_1.OperationObject[]) {
      const params = (op.parameters ?? []) as OpenAPIV3_1.ParameterObject[];
      for (const p of params) {
        if (p.in !== 'path') continue;
        if (p.name === 'id') {
          p.schema = { type: 'integer', minimum: 1, maximum: 2_147_483_647 };
          p.description = m.idParam;
        } else if (p.name === 'code') p.description = m.codeParam;
      }
      if (path.includes('{') && op.responses) {
        op.responses['400'] ??= ref('BadRequest');
        op.responses['404'] ??= ref('NotFound');
      }
    }
  }
}

export async function openApiDocument(app: Hono): Promise<OpenAPIV3_1.Document> {
  const spec = (await generateSpecs(app, {
    excludeStaticFile: false,
    documentation: {
      openapi: '3.1.0',
      info: { title: m.title, version: '0.1.0', description: m.description },
      security: [{ bearerAuth: [] }],
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: m.bearer },
          dashboardSession: {
            type: 'apiKey',
            in: 'cookie',
            name: 'dp_session',
            description: m.session,
          },
        },
        schemas: { Error: errorSchema },
        responses: {
          BadRequest: errorResponse(m.badRequest),
          Unauthorized: errorResponse(m.unauthorized),
          NotFound: errorResponse(m.notFound),
          TooLarge: errorResponse(m.tooLarge),
          Error: errorResponse(m.otherError),
        },
      },
    },
  })) as unknown as OpenAPIV3_1.Document;
  typePathParams(spec.paths ?? {});
  return spec;
}
