/**
 * The only place a thrown error becomes an HTTP answer (Hono's HTTPException + onError, and
 * Kysely's example app pairing a code with a status). Routes throw; they never translate.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import { DomainError, type DomainErrorKind } from '../core/errors';

const STATUS: Record<DomainErrorKind, ContentfulStatusCode> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported: 415,
  unprocessable: 422,
  rate_limited: 429,
};

export function statusOf(e: DomainError): ContentfulStatusCode {
  return STATUS[e.kind];
}

export function errorBody(code: string, message: string, field?: string) {
  return { error: field === undefined ? { code, message } : { code, message, field } };
}

/** "[3].name" style path so a person fixing a 124-row import finds the row. */
export function zodFieldPath(path: PropertyKey[]): string {
  return (
    path
      .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
      .join('') || '(nội dung)'
  );
}

export function validationError(error: ZodError): DomainError {
  const issue = error.issues[0];
  const field = issue ? zodFieldPath(issue.path) : '(nội dung)';
  const detail = issue?.message ?? 'không hợp lệ';
  return new DomainError('invalid_body', `Trường ${field} không hợp lệ: ${detail}`, { field });
}

/** A DomainError as JSON; null for anything else (a bug: the caller logs it and answers 500). */
export function domainResponse(c: Context, e: unknown): Response | null {
  if (e instanceof DomainError) return c.json(errorBody(e.code, e.message, e.field), statusOf(e));
  if (e instanceof HTTPException && e.status < 500) {
    const status = e.status as ContentfulStatusCode;
    const code = status === 413 ? 'too_large' : status === 401 ? 'unauthorized' : 'invalid_request';
    return c.json(errorBody(code, e.message || 'Yêu cầu không hợp lệ.'), status);
  }
  return null;
}

export function internalErrorResponse(c: Context): Response {
  return c.json(errorBody('internal', 'Lỗi hệ thống, vui lòng thử lại sau.'), 500);
}
