/**
 * /api/docs: the OpenAPI document drawn as one plain HTML page on the server. No script and no
 * renderer bundle, so nothing is loaded from another host and the CSP can forbid everything but
 * the one inline stylesheet, allowed by its hash.
 */
import { createHash } from 'node:crypto';
import type { OpenAPIV3_1 } from 'openapi-types';
import { apiDocs } from '../messages/api-docs';
import { SPEC_PATH } from './openapi';

const m = apiDocs.page;

type Schema = OpenAPIV3_1.SchemaObject & OpenAPIV3_1.ReferenceObject & Record<string, unknown>;
type Op = OpenAPIV3_1.OperationObject;

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:960px;padding:1rem;color:#1a1a1a}
h1{margin-bottom:.2rem}h2{border-bottom:1px solid #ccc;margin-top:2rem}
section.op{border:1px solid #ddd;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}
.m{display:inline-block;min-width:4.5em;font:bold 13px monospace;color:#fff;border-radius:4px;padding:2px 6px;text-align:center}
.get{background:#2f6f3e}.post{background:#1d5fa8}.put{background:#8a5a00}.patch{background:#6b4fa0}.delete{background:#a8321d}
code,pre{font:13px ui-monospace,monospace}pre{background:#f5f5f5;padding:.5rem;overflow:auto;max-height:30rem}
ul.s{margin:.2rem 0;padding-left:1.2rem}.req{color:#a8321d;font-size:12px}.t{color:#555}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:2px 8px;text-align:left;vertical-align:top}`;

export const DOCS_HEADERS: Record<string, string> = {
  'content-security-policy': `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

const esc = (s: unknown) =>
  String(s).replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!,
  );

/** Backticks in the descriptions are code, as in the README. */
const prose = (s: string | undefined) =>
  s ? esc(s).replace(/`([^`]+)`/g, (_, code: string) => `<code>${code}</code>`) : '';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

export function renderDocsPage(doc: OpenAPIV3_1.Document): string {
  const components = doc.components ?? {};
  const deref = <T>(x: unknown): T => {
    const r = (x as { $ref?: string }).$ref;
    if (!r) return x as T;
    const [, , kind, name] = r.split('/');
    return deref((components as Record<string, Record<string, unknown>>)[kind!]![name!]);
  };

  const range = (lo: unknown, hi: unknown, unit: string) =>
    lo !== undefined && hi !== undefined
      ? ` ${lo}–${hi}${unit}`
      : lo !== undefined
        ? ` ≥ ${lo}${unit}`
        : hi !== undefined
          ? ` ≤ ${hi}${unit}`
          : '';

  const label = (s: Schema): string => {
    if (s.const !== undefined) return `<code>${esc(JSON.stringify(s.const))}</code>`;
    if (s.enum) return s.enum.map((v) => `<code>${esc(JSON.stringify(v))}</code>`).join(' | ');
    const type = Array.isArray(s.type) ? s.type.join(' | ') : (s.type ?? m.anyValue);
    let out = esc(type);
    if (s.format) out += ` (${esc(s.format)})`;
    if (s.contentMediaType) out += ` (${esc(s.contentMediaType)})`;
    if (type === 'string') out += range(s.minLength, s.maxLength, ` ${m.chars}`);
    if (type === 'integer' || type === 'number') out += range(s.minimum, s.maximum, '');
    // A format says it better than the regular expression zod writes for it.
    if (s.pattern && !s.format) out += ` <code>${esc(s.pattern)}</code>`;
    if (s.default !== undefined)
      out += `, ${m.defaultValue} <code>${esc(JSON.stringify(s.default))}</code>`;
    return `<span class="t">${out}</span>`;
  };

  const view = (raw: unknown, depth = 0): string => {
    const s = deref<Schema>(raw);
    return shape(s, depth) + (s.description ? ` — ${prose(s.description)}` : '');
  };
  const shape = (s: Schema, depth: number): string => {
    if (depth > 8) return label(s);
    const alts = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
    if (alts) {
      const real = alts.filter((a) => deref<Schema>(a).type !== 'null');
      const nullable = real.length < alts.length ? ` <span class="t">${m.nullable}</span>` : '';
      if (real.length === 1) return view(real[0], depth) + nullable;
      return `${m.oneOf}${nullable}:<ul class="s">${real.map((a) => `<li>${view(a, depth + 1)}</li>`).join('')}</ul>`;
    }
    if (s.type === 'array')
      return `${m.listOf}${range(s.minItems, s.maxItems, '')}: ${view(s.items, depth + 1)}`;
    if (s.properties) {
      const required = new Set(s.required ?? []);
      const rows = Object.entries(s.properties).map(
        ([name, p]) =>
          `<li><code>${esc(name)}</code>${required.has(name) ? ` <span class="req">${m.required}</span>` : ''}: ${view(p, depth + 1)}</li>`,
      );
      return `${m.object}<ul class="s">${rows.join('')}</ul>`;
    }
    return label(s);
  };

  const operation = (path: string, method: string, op: Op): string => {
    const params = (op.parameters ?? []).map((p) => deref<OpenAPIV3_1.ParameterObject>(p));
    const body = op.requestBody ? deref<OpenAPIV3_1.RequestBodyObject>(op.requestBody) : null;
    const security = (op.security ?? doc.security ?? []).flatMap((r) => Object.keys(r));
    return `<section class="op" id="${esc(op.operationId ?? `${method}${path}`)}">
<h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${esc(path)}</code></h3>
<p><b>${esc(op.summary ?? '')}</b>${op.description ? `<br>${prose(op.description)}` : ''}</p>
<p class="t">${m.auth}: ${security.map((k) => `<code>${esc(k)}</code>`).join(', ')}</p>
${
  params.length
    ? `<h4>${m.parameters}</h4><table>${params
        .map(
          (p) =>
            `<tr><td><code>${esc(p.name)}</code> <span class="t">(${esc(p.in)})</span>${p.required ? ` <span class="req">${m.required}</span>` : ''}</td><td>${view(p.schema ?? {})} ${prose(p.description)}</td></tr>`,
        )
        .join('')}</table>`
    : ''
}
${
  body
    ? `<h4>${m.body}</h4>${Object.entries(body.content)
        .map(
          ([media, c]) =>
            `<p><code>${esc(media)}</code></p>${view(c.schema ?? {})}<details><summary>${m.schemaJson}</summary><pre>${esc(JSON.stringify(c.schema, null, 2))}</pre></details>`,
        )
        .join('')}`
    : ''
}
<h4>${m.responses}</h4><ul class="s">${Object.entries(op.responses ?? {})
      .map(([status, r]) => {
        const res = deref<OpenAPIV3_1.ResponseObject>(r);
        const media = Object.keys(res.content ?? {});
        return `<li><b>${esc(status)}</b> ${prose(res.description)}${media.length ? ` <span class="t">${media.map(esc).join(', ')}</span>` : ''}</li>`;
      })
      .join('')}</ul>
</section>`;
  };

  const byTag = new Map<string, string[]>();
  const toc = new Map<string, string[]>();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item?.[method];
      if (!op) continue;
      const tag = op.tags?.[0] ?? '';
      byTag.set(tag, [...(byTag.get(tag) ?? []), operation(path, method, op)]);
      toc.set(tag, [
        ...(toc.get(tag) ?? []),
        `<li><a href="#${esc(op.operationId ?? '')}"><code>${method.toUpperCase()} ${esc(path)}</code></a> ${esc(op.summary ?? '')}</li>`,
      ]);
    }
  }
  const schemes = Object.entries(components.securitySchemes ?? {}).map(
    ([name, s]) =>
      `<li><code>${esc(name)}</code>: ${prose(deref<OpenAPIV3_1.SecuritySchemeObject>(s).description)}</li>`,
  );

  return `<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(doc.info.title)} — ${m.heading}</title><style>${STYLE}</style></head><body>
<h1>${esc(doc.info.title)} <small class="t">${esc(doc.info.version)}</small></h1>
<p>${prose(doc.info.description)}</p>
<p>${m.intro} <a href="${SPEC_PATH}"><code>${SPEC_PATH}</code></a> (OpenAPI ${esc(doc.openapi)}).</p>
<h2>${m.auth}</h2><ul>${schemes.join('')}</ul>
<h2>${m.contents}</h2>${[...toc].map(([tag, items]) => `<h3>${esc(tag)}</h3><ul>${items.join('')}</ul>`).join('')}
${[...byTag].map(([tag, ops]) => `<h2>${esc(tag)}</h2>${ops.join('\n')}`).join('\n')}
</body></html>`;
}
