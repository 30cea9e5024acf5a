import { loadConfig } from '../config';
import { openDatabase } from './client';
import { migrateToLatest } from './migrate';

const config = loadConfig();
const handle = await openDatabase(config);
try {
  const applied = await migrateToLatest(handle.db);
  console.log(
    applied.length ? `Đã áp dụng: ${applied.join(', ')}` : 'Cơ sở dữ liệu đã ở phiên bản mới nhất.',
  );
} finally {
  await handle.close();
}
