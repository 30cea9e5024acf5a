/**
 * HTTP load generator, run as a child process (its own event loop and CPU, not the service's).
 * node:http with a keep-alive agent of `concurrency` sockets; each of `concurrency` loops posts the
 * next body and waits for the answer (a closed loop, as Telegram's webhook delivery is).
 *
 * The parent drives it over IPC:
 *   → { type: 'run', name, from, count, concurrency }   ← { type: 'result', name, ... }
 *   → { type: 'exit' }
 * Bodies come from an NDJSON file (one Telegram Update per line), given with the target in argv.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';

interface Args {
  url: string;
  secret: string;
  bodiesFile: string;
}

interface RunMessage {
  type: 'run';
  name: string;
  from: number;
  count: number;
  concurrency: number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as Args;
const target = new URL(args.url);
const bodies = readFileSync(args.bodiesFile, 'utf8')
  .split('\n')
  .filter((l) => l.length > 0)
  .map((l) => Buffer.from(l, 'utf8'));

const agents = new Map<number, http.Agent>();
function agentFor(concurrency: number): http.Agent {
  let a = agents.get(concurrency);
  if (!a) {
    a = new http.Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
    agents.set(concurrency, a);
  }
  return a;
}

function post(agent: http.Agent, body: Buffer): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': body.length,
          'x-telegram-bot-api-secret-token': args.secret,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve(-1));
      },
    );
    req.on('error', () => resolve(-1));
    req.end(body);
  });
}

async function run(m: RunMessage) {
  const agent = agentFor(m.concurrency);
  const latencies = new Float64Array(m.count);
  const statuses: Record<string, number> = {};
  let next = 0;
  const started = performance.now();
  const startedAt = new Date().toISOString();
  async function loop() {
    for (;;) {
      const i = next++;
      if (i >= m.count) return;
      const body = bodies[(m.from + i) % bodies.length]!;
      const t0 = performance.now();
      const status = await post(agent, body);
      latencies[i] = performance.now() - t0;
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  }
  await Promise.all(Array.from({ length: m.concurrency }, loop));
  const elapsedMs = performance.now() - started;
  return {
    type: 'result' as const,
    name: m.name,
    startedAt,
    elapsedMs,
    count: m.count,
    concurrency: m.concurrency,
    statuses,
    latencies: Array.from(latencies),
  };
}

process.on('message', (m: RunMessage | { type: 'exit' }) => {
  if (m.type === 'exit') {
    for (const a of agents.values()) a.destroy();
    process.disconnect?.();
    return;
  }
  void run(m).then((r) => process.send?.(r));
});
process.send?.({ type: 'ready', bodies: bodies.length });
