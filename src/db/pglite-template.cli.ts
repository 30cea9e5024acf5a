// npm's postinstall: prepare the empty-database template so the first `npm start` is fast.
import { PGlite } from '@electric-sql/pglite';
import { makeTemplate } from './pglite-template';

const path = await makeTemplate(async (dir) => {
  const pg = new PGlite(dir);
  await pg.waitReady;
  await pg.close();
});
if (path) console.log(`PGlite template: ${path}`);
