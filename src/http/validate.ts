import type { Context } from 'hono';
import { z } from 'zod';
import { DomainError } from '../core/errors';
import { validationError } from './errors';

z.config(z.locales.vi());

export async function readJson<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  let body: unknown;
  try {
    body = JSON.parse(await c.req.text(), refuseNul);
  } catch (e) {
    if (e instanceof DomainError) throw e;
    throw new DomainError('invalid_json', 'Nội dung gửi lên không phải JSON hợp lệ.');
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw validationError(parsed.error);
  return parsed.data;
}

/** Postgres text cannot hold U+0000; a string carrying one is refused with its field named. */
function refuseNul(this: unknown, key: string, value: unknown): unknown {
  if (typeof value === 'string' && value.includes('\u0000'))
    throw new DomainError(
      'invalid_body',
      `Trường ${key || '(nội dung)'} chứa ký tự không hợp lệ (U+0000).`,
      {
        field: key || '(nội dung)',
      },
    );
  return value;
}

export function intParam(c: Context, name: string): number {
  const raw = c.req.param(name) ?? '';
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0 || n > 2_147_483_647)
    throw new DomainError('invalid_param', `Tham số ${name} không hợp lệ: "${raw}"`, {
      field: name,
    });
  return n;
}
