import { randomBytes, createHash, timingSafeEqual } from 'node:crypto';

/** No 0/o, 1/l/i: codes are read aloud and typed on phones. 31 symbols ≈ 4.95 bits each. */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** A secret code of `length` symbols; 16 symbols ≈ 79 bits (≥ 64 required). */
export function newCode(length = 16): string {
  const bytes = randomBytes(length * 2);
  let out = '';
  for (let i = 0; out.length < length && i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 248) out += ALPHABET[b % 31]; // 248 = 8 × 31: no modulo bias
  }
  return out.length === length ? out : newCode(length);
}

export function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

/** Constant-time comparison of secrets of any length (compares digests). */
export function secretEquals(given: string | null | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
