/**
 * The one error family for a caller's mistakes (a bad field, an unknown unit, a cancelled event):
 * every core module throws a DomainError, and each surface maps it once — HTTP in `app.onError`
 * (src/http/errors.ts), chat in the inbound handler (a polite reply). Anything that is not a
 * DomainError is a bug or an outage and becomes a logged 500 / an apology.
 */

/** What kind of mistake, which decides the HTTP status and nothing else. */
export type DomainErrorKind =
  | 'invalid' // 400: the input itself is wrong
  | 'unauthorized' // 401
  | 'forbidden' // 403: right input, wrong person
  | 'not_found' // 404
  | 'conflict' // 409: the input clashes with the current state (cancelled, duplicate)
  | 'too_large' // 413
  | 'unsupported' // 415
  | 'unprocessable' // 422: well-formed but cannot be acted on (a scan without text)
  | 'rate_limited'; // 429

export interface DomainErrorOptions {
  /** The input field at fault ("deadline", "[3].code"), so a form can point at it. */
  field?: string;
  kind?: DomainErrorKind;
  cause?: unknown;
}

export class DomainError extends Error {
  override readonly name: string = 'DomainError';
  readonly kind: DomainErrorKind;
  readonly field: string | undefined;

  constructor(
    /** Stable, machine-readable: "invalid_body", "unknown_units", "not_found"… */
    readonly code: string,
    /** Vietnamese, shown as is to the person who made the mistake. */
    message: string,
    options: DomainErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = options.kind ?? 'invalid';
    this.field = options.field;
  }
}

export const notFound = (message: string, field?: string) =>
  new DomainError('not_found', message, { kind: 'not_found', field });

export const invalid = (code: string, message: string, field?: string) =>
  new DomainError(code, message, { kind: 'invalid', field });

export const conflict = (code: string, message: string, field?: string) =>
  new DomainError(code, message, { kind: 'conflict', field });

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}
