import type { Context, Hono } from 'hono';
import { z } from 'zod';
import type { AppContext } from '../../app-context';
import { DomainError } from '../../core/errors';
import { applyDraft } from '../../core/plans/apply';
import {
  createDraft,
  draftPatchSchema,
  getDraft,
  listDrafts,
  patchDraft,
} from '../../core/plans/drafts';
import { buildExport, MIME, type ExportFormat, type ExportTarget } from '../../core/plans/exports';
import { planFileKind, planFileText } from '../../core/plans/source';
import { intParam, readJson } from '../validate';
import { docs } from '../openapi';

const textBody = z.object({ text: z.string().min(1).max(600_000) });

/** The plan's text from a multipart `file`, a JSON `{text}`, or a text/plain body. */
async function planInput(c: Context) {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'multipart/form-data') {
    const form = await c.req.parseBody();
    const file = form.file;
    if (typeof file === 'string' && file.trim())
      return { text: file, sourceKind: 'text' as const, fileName: null };
    if (!file || typeof file === 'string')
      throw new DomainError('invalid_body', 'Thiếu tệp kế hoạch (trường file).', { field: 'file' });
    const text = await planFileText(new Uint8Array(await file.arrayBuffer()), file.name, file.type);
    const kind = planFileKind(file.name, file.type) ?? 'text';
    return { text, sourceKind: kind, fileName: file.name || null };
  }
  if (type === 'text/plain' || type === 'text/markdown')
    return { text: await c.req.text(), sourceKind: 'text' as const, fileName: null };
  const body = await readJson(c, textBody);
  return { text: body.text, sourceKind: 'text' as const, fileName: null };
}

const FILES: Array<[string, ExportFormat]> = [
  ['status.xlsx', 'xlsx'],
  ['files.zip', 'zip'],
  ['report.docx', 'docx'],
];

async function exportResponse(
  c: Context,
  ctx: AppContext,
  target: ExportTarget,
  format: ExportFormat,
): Promise<Response> {
  const file = await buildExport(ctx, ctx.db, target, format, {
    issuer: c.req.query('issuer') ?? null,
  });
  return new Response(new Uint8Array(file.data), {
    headers: {
      'content-type': file.mimeType,
      'content-disposition': `attachment; filename="${file.fileName}"`,
      'cache-control': 'no-store',
    },
  });
}

const doc = docs('Kế hoạch');
const issuer = { issuer: 'Tên cơ quan báo cáo in trên tệp.' };

export function plansApi(api: Hono, ctx: AppContext): void {
  api.post(
    '/plans',
    doc({
      summary: 'Đọc một kế hoạch thành bản nháp',
      description:
        'Tệp .docx, .pdf (có lớp chữ), .txt/.md qua `multipart/form-data` trường `file`; hoặc JSON `{text}`; hoặc văn bản thuần.',
      body: textBody,
      media: {
        'multipart/form-data': {
          schema: {
            type: 'object',
            required: ['file'],
            properties: { file: { type: 'string', contentMediaType: 'application/octet-stream' } },
          },
        },
        'text/plain': { schema: { type: 'string' } },
        'text/markdown': { schema: { type: 'string' } },
      },
      status: 201,
      returns: 'Bản nháp: `{id, document, units, events, requirements, tasks, warnings}`.',
    }),
    async (c) => {
      const input = await planInput(c);
      const draft = await createDraft(ctx, { ...input, createdBy: 'api' });
      return c.json(draft, 201);
    },
  );

  api.get('/plans', doc({ summary: 'Danh sách bản nháp kế hoạch' }), async (c) =>
    c.json(await listDrafts(ctx.db)),
  );

  api.get('/plans/:id', doc({ summary: 'Một bản nháp kế hoạch' }), async (c) =>
    c.json(await getDraft(ctx.db, intParam(c, 'id'))),
  );

  api.patch(
    '/plans/:id',
    doc({
      summary: 'Sửa bản nháp',
      description:
        'Thay cả danh sách, hoặc sửa từng mục theo khóa (`null` bỏ mục); `drop`: các khóa bỏ đi.',
      body: draftPatchSchema,
    }),
    async (c) => {
      const id = intParam(c, 'id');
      const patch = await readJson(c, draftPatchSchema);
      return c.json(await patchDraft(ctx, id, patch));
    },
  );

  api.post(
    '/plans/:id/apply',
    doc({
      summary: 'Áp dụng bản nháp',
      description:
        'Một giao dịch: đơn vị, sự kiện, yêu cầu báo cáo, nhiệm vụ và tin nhắn. Áp dụng lại không tạo thêm gì.',
      returns: 'Những gì đã tạo và các mục bỏ qua (`skipped`).',
    }),
    async (c) => {
      const result = await applyDraft(ctx, intParam(c, 'id'), 'api');
      return c.json(result);
    },
  );

  /** The organizer's exports: status workbook, zip of submitted files, draft Báo cáo tổng hợp. */
  for (const [file, format] of FILES) {
    api.get(
      `/plans/:id/export/${file}`,
      doc({ summary: `Xuất ${file} cho cả kế hoạch`, query: issuer, file: MIME[format] }),
      (c) => exportResponse(c, ctx, { kind: 'plan', id: intParam(c, 'id') }, format),
    );
    api.get(
      `/campaigns/:id/export/${file}`,
      doc({ summary: `Xuất ${file} cho một yêu cầu báo cáo`, query: issuer, file: MIME[format] }),
      (c) => exportResponse(c, ctx, { kind: 'campaign', id: intParam(c, 'id') }, format),
    );
  }
}
