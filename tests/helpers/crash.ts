import type { KyselyPlugin } from 'kysely';
import type { Db } from '../../src/db/types';

/**
 * A view of the database that can be cut off, the way a killed process loses it: after
 * `sever()` every statement through it fails, so nothing it holds (a lease) is released.
 * Production code has no "crash" switch; tests cut the wire instead.
 */
export function severableDb(db: Db): { db: Db; sever(): void } {
  let severed = false;
  const plugin: KyselyPlugin = {
    transformQuery(args) {
      if (severed)
        throw Object.assign(new Error('Connection terminated (simulated crash)'), {
          code: '57P01',
        });
      return args.node;
    },
    async transformResult(args) {
      return args.result;
    },
  };
  return {
    db: db.withPlugin(plugin),
    sever: () => {
      severed = true;
    },
  };
}
