import type { Config } from './config';
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
}
