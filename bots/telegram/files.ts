import { FileTooLargeError, downloadUrl } from '../../src/core/files/download';
import type { PlatformQueries } from '../../src/core/channel';

/** The Bot API hands bots files up to 20 MB through getFile; larger ones cannot be fetched at all. */
export const TELEGRAM_GETFILE_LIMIT = 20 * 1024 * 1024;

/**
 * Telegram's file download: getFile gives a path (and the size), then the bytes come from
 * `<apiRoot>/file/bot<token>/<path>`. Refuses, without downloading, a file over the limit asked
 * for or over Telegram's own 20 MB.
 */
export function telegramFileFetcher(api: {
  token: string;
  apiRoot: string;
}): NonNullable<PlatformQueries['fetchFile']> {
  return async (fileId, maxBytes) => {
    const limit = Math.min(maxBytes, TELEGRAM_GETFILE_LIMIT);
    const res = await fetch(
      `${api.apiRoot}/bot${api.token}/getFile?file_id=${encodeURIComponent(fileId)}`,
      { signal: AbortSignal.timeout(15_000) },
    );
    const body = (await res.json().catch(() => null)) as {
      ok?: boolean;
      description?: string;
      result?: { file_path?: string; file_size?: number };
    } | null;
    if (!body?.ok || !body.result?.file_path) {
      if (/too big/i.test(body?.description ?? '')) throw new FileTooLargeError(limit);
      throw new Error(`getFile failed: ${body?.description ?? `HTTP ${res.status}`}`);
    }
    const { file_path: path, file_size: size } = body.result;
    if (typeof size === 'number' && size > limit) throw new FileTooLargeError(limit, size);
    const file = await downloadUrl(`${api.apiRoot}/file/bot${api.token}/${path}`, limit);
    return {
      data: file.data,
      fileName: path.split('/').pop(),
      ...(file.mimeType ? { mimeType: file.mimeType } : {}),
    };
  };
}
