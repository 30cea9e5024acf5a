import type { Migration } from 'kysely/migration';
import * as m0001 from './0001_domain';
import * as m0002 from './0002_unit_tree';
import * as m0003 from './0003_outbox_sensitive';
import * as m0004 from './0004_security';
import * as m0005 from './0005_zalo';
import * as m0006 from './0006_plans_tasks';
import * as m0007 from './0007_conversations';
import * as m0008 from './0008_retention';

/** Static map, not FileMigrationProvider: it bundles for Workers, where there is no fs. */
export const migrations: Record<string, Migration> = {
  '0001_domain': m0001,
  '0002_unit_tree': m0002,
  '0003_outbox_sensitive': m0003,
  '0004_security': m0004,
  '0005_zalo': m0005,
  '0006_plans_tasks': m0006,
  '0007_conversations': m0007,
  '0008_retention': m0008,
};
