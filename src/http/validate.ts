import type { Context } from 'hono';
import { z } from 'zod';
import { DomainError } from '../core/errors';
import { validationError } from './errors';

z.config(z.locales.vi());

export async function readJson<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new DomainError('invalid_json', 'Nội dung gửi lên không phải JSON hợp lệ.');
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw validationError(parsed.error);
  return parsed.data;
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
