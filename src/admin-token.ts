import { mkdir, readFile, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { newCode } from './core/codes';

export interface AdminToken {
  token: string;
  source: 'env' | 'file' | 'generated';
  /** Where a generated token is kept (null when it came from ADMIN_TOKEN). */
  path: string | null;
}

/** ADMIN_TOKEN if set; otherwise one generated on first start and kept (0600) in the data directory. */
export async function resolveAdminToken(
  adminToken: string | null,
  dataDir: string,
): Promise<AdminToken> {
  if (adminToken) return { token: adminToken, source: 'env', path: null };
  const path = join(dataDir, 'admin-token');
  try {
    const stored = (await readFile(path, 'utf8')).trim();
    if (stored.length >= 16) return { token: stored, source: 'file', path };
  } catch {
    // first start
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const token = newCode(32);
  await writeFile(path, token + '\n', { mode: 0o600 });
  await chmod(path, 0o600);
  return { token, source: 'generated', path };
}
