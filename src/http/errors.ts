import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function errorBody(code: string, message: string) {
  return { error: { code, message } };
}

/** "[3].name" style path so a person fixing a 124-row import finds the row. */
export function zodFieldPath(path: PropertyKey[]): string {
  return (
    path
      .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
      .join('') || '(nội dung)'
  );
}

export function validationError(error: ZodError): ApiError {
  const issue = error.issues[0];
  const field = issue ? zodFieldPath(issue.path) : '(nội dung)';
  const detail = issue?.message ?? 'không hợp lệ';
  return new ApiError(400, 'invalid_body', `Trường ${field} không hợp lệ: ${detail}`);
}

export function respondError(c: Context, e: unknown) {
  if (e instanceof ApiError) return c.json(errorBody(e.code, e.message), e.status);
  return c.json(errorBody('internal', 'Lỗi hệ thống, vui lòng thử lại sau.'), 500);
}
