/**
 * Downloading a file a unit sent, with a hard size limit: the declared length is checked first,
 * then the bytes are counted as they arrive, so a larger file is refused without being held.
 * Shared by the Telegram adapter (getFile, then the file URL) and Zalo attachments (a URL).
 */

/** A file above the limit: not downloaded (or not kept). `size` when the platform said it. */
export class FileTooLargeError extends Error {
  override readonly name = 'FileTooLargeError';
  constructor(
    readonly limit: number,
    readonly size: number | null = null,
  ) {
    super(`file larger than ${limit} bytes${size !== null ? ` (${size})` : ''}`);
  }
}

/** Nothing can fetch files of this platform (no adapter running, or it cannot download). */
export class FileUnavailableError extends Error {
  override readonly name = 'FileUnavailableError';
}

export const DOWNLOAD_TIMEOUT_MS = 30_000;

export async function downloadUrl(
  url: string,
  maxBytes: number,
  init: { timeoutMs?: number } = {},
): Promise<{ data: Uint8Array; mimeType?: string }> {
  if (!/^https?:\/\//i.test(url)) throw new FileUnavailableError('not an http(s) URL');
  const res = await fetch(url, {
    redirect: 'follow',
    signal: AbortSignal.timeout(init.timeoutMs ?? DOWNLOAD_TIMEOUT_MS),
  });
  if (!res.ok || !res.body) {
    await res.body?.cancel().catch(() => {});
    throw new Error(`download failed: HTTP ${res.status}`);
  }
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body.cancel().catch(() => {});
    throw new FileTooLargeError(maxBytes, declared);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new FileTooLargeError(
        maxBytes,
        Number.isFinite(declared) && declared > 0 ? declared : null,
      );
    }
    chunks.push(value);
  }
  const data = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    data.set(c, at);
    at += c.byteLength;
  }
  const type = res.headers.get('content-type')?.split(';')[0]?.trim();
  return type ? { data, mimeType: type } : { data };
}
