/**
 * The Zalo settings: the Bot API's real host by default, the display name people type, and a
 * webhook secret of 8–256 characters (what setWebhook accepts) or the start stops on one line.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

describe('Zalo configuration', () => {
  it('defaults: bot-api.zaloplatforms.com, "Điều phối", a 30-minute pause, a 60 s file timeout', () => {
    const c = loadConfig({ DATA_DIR: '/tmp/x' });
    expect(c.zaloBot.apiRoot).toBe('https://bot-api.zaloplatforms.com');
    expect(c.zaloBot.botName).toBe('Điều phối');
    expect(c.zalo.pauseMs).toBe(30 * 60_000);
    expect(c.zalo.fileTimeoutMs).toBe(60_000);
    const set = loadConfig({
      DATA_DIR: '/tmp/x',
      ZALO_BOT_NAME: 'Trợ lý BTC',
      ZALO_PAUSE_MINUTES: '45',
      ZALO_FILE_TIMEOUT_SECONDS: '20',
    });
    expect([set.zaloBot.botName, set.zalo.pauseMs, set.zalo.fileTimeoutMs]).toEqual([
      'Trợ lý BTC',
      45 * 60_000,
      20_000,
    ]);
  });

  it.each(['short', 'x'.repeat(257)])('refuses a webhook secret of %#', (secret) => {
    expect(() =>
      loadConfig({ DATA_DIR: '/tmp/x', ZALO_BOT_TOKEN: 't', ZALO_BOT_WEBHOOK_SECRET: secret }),
    ).toThrow(ConfigError);
    expect(() =>
      loadConfig({ DATA_DIR: '/tmp/x', ZALO_BOT_TOKEN: 't', ZALO_BOT_WEBHOOK_SECRET: secret }),
    ).toThrow(/^ZALO_BOT_WEBHOOK_SECRET: phải dài từ 8 đến 256 ký tự/);
    expect(
      loadConfig({ DATA_DIR: '/tmp/x', ZALO_BOT_WEBHOOK_SECRET: 'eight-ch' }).zaloBot.webhookSecret,
    ).toBe('eight-ch');
  });

  it('a wrong secret stops the start with one clear line', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.node.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        DATA_DIR: '/tmp/dieu-phoi-config-test',
        ZALO_BOT_TOKEN: '123:abc',
        ZALO_BOT_WEBHOOK_SECRET: 'short',
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^Không khởi động được: ZALO_BOT_WEBHOOK_SECRET: phải dài từ 8 đến 256/,
    );
  }, 60_000);
});
