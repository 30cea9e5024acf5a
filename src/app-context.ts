import type { Config } from './config';
import type { Platform, PlatformQueries } from './core/channel';
import type { Clock } from './core/clock';
import type { Db, Engine } from './db/client';
import type { Logger } from './log';

/** What every use case and route receives: the database, the time, the settings, the log. */
export interface AppContext {
  db: Db;
  engine: Engine;
  clock: Clock;
  log: Logger;
  timezone: string;
  config: Config;
  /**
   * What the core may ask each running platform directly (membership, file downloads); filled
   * by the runtime once its adapters exist. Absent in tests that run no adapter.
   */
  platforms?: Partial<Record<Platform, PlatformQueries>>;
}
