import { ConfigError, loadConfig } from './config';
import { DatabaseUnavailableError } from './db/client';
import { startService } from './service';
import { sb, startup } from './messages/dashboard';

async function main() {
  // Before anything is written: the data directory's files (database, WAL, admin token) are
  // readable by this user only.
  process.umask(0o077);
  const config = loadConfig();
  const service = await startService(config);
  const where = config.databaseUrl ? 'PostgreSQL' : `PGlite (${config.dataDir})`;
  console.log(`Điều phối đang chạy tại ${service.url} — cơ sở dữ liệu: ${where}`);
  console.log(startup.listening(service.host, service.port, config.openSandbox));
  // The token is shown once, when it is made; later starts only say where it is kept.
  if (service.adminTokenSource === 'generated')
    console.log(startup.adminTokenGenerated(service.adminToken, service.adminTokenPath!));
  else if (service.adminTokenSource === 'file')
    console.log(startup.adminTokenStored(service.adminTokenPath!));
  console.log(sb.dashboardAt(`${service.url}/`));
  if (service.sandboxUrl) console.log(sb.startup(service.sandboxUrl));
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`Nhận ${signal}, đang dừng…`);
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    await service.stop();
    process.exit(0);
  };
  // A stray rejection (a dropped connection surfacing late) is logged; the service stays up.
  process.on('unhandledRejection', (err) => service.ctx.log.error({ err }, 'unhandled rejection'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((e: unknown) => {
  if (e instanceof ConfigError || e instanceof DatabaseUnavailableError) {
    console.error(`Không khởi động được: ${e.message}`);
  } else {
    console.error(`Không khởi động được: ${e instanceof Error ? e.message : String(e)}`);
  }
  process.exit(1);
});
