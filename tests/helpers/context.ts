import type { AppContext } from '../../src/app-context';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import type { TestDb } from './db';

/** A controllable clock: tests move time, nothing sleeps. */
export class TestClock {
  constructor(public current: Date) {}
  now = (): Date => new Date(this.current);
  set(iso: string | Date) {
    this.current = new Date(iso);
  }
  advance(ms: number) {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export function testContext(
  db: TestDb,
  clock = new TestClock(new Date('2024-09-16T01:00:00Z')),
  env: Record<string, string> = {},
): AppContext & { testClock: TestClock } {
  const config = loadConfig({ DATA_DIR: '/tmp/dieu-phoi-test', ...env });
  return {
    db: db.db,
    engine: db.engine,
    clock: clock.now,
    log: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    timezone: config.timezone,
    config,
    testClock: clock,
  };
}
