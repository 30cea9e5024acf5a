import type { Migration } from 'kysely/migration';
import * as m0001 from './0001_domain';

/** Static map, not FileMigrationProvider: it bundles for Workers, where there is no fs. */
export const migrations: Record<string, Migration> = {
  '0001_domain': m0001,
};
