// npm's postinstall: prepare the empty-database template so the first `npm start` is fast.
import { PGlite } from '@electric-sql/pglite';
import { templatePath, writeTemplate } from './pglite-template';
import { existsSync } from 'node:fs';

if (!existsSync(templatePath())) {
  const pg = new PGlite();
  await pg.waitReady;
  const path = await writeTemplate(await pg.dumpDataDir('gzip'));
  await pg.close();
  console.log(`PGlite template: ${path}`);
}
