/**
 * The parent's side of bench/loadgen.ts: forks it against one URL and runs closed-loop batches
 * of the NDJSON bodies over IPC.
 */
import { fork, type ChildProcess } from 'node:child_process';

export interface LoadResult {
  type: 'result';
  name: string;
  startedAt: string;
  elapsedMs: number;
  count: number;
  concurrency: number;
  statuses: Record<string, number>;
  latencies: number[];
}

export interface LoadGenerator {
  child: ChildProcess;
  pid: number;
  run(name: string, from: number, count: number, concurrency: number): Promise<LoadResult>;
  stop(): Promise<void>;
}

export async function forkLoadGenerator(
  url: string,
  secret: string,
  bodiesFile: string,
): Promise<LoadGenerator> {
  const child = fork(
    new URL('./loadgen.ts', import.meta.url).pathname,
    [JSON.stringify({ url, secret, bodiesFile })],
    { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  const messages: Array<(m: unknown) => void> = [];
  child.on('message', (m) => messages.shift()?.(m));
  const nextMessage = <T>() =>
    new Promise<T>((resolve) => messages.push(resolve as (m: unknown) => void));
  await nextMessage<{ type: 'ready' }>();
  return {
    child,
    pid: child.pid!,
    run(name, from, count, concurrency) {
      const p = nextMessage<LoadResult>();
      child.send({ type: 'run', name, from, count, concurrency });
      return p;
    },
    async stop() {
      if (child.connected) child.send({ type: 'exit' });
      await new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(null)));
    },
  };
}
