/**
 * The web layer's floor for figure 1: the same load generator posts the same updates to a Hono
 * app on @hono/node-server (the service's stack) whose one route reads the JSON body and answers
 * 200, with nothing behind it. What one update costs the service's process here cannot go below
 * this, whatever the handler does.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import { cpuBetween, cpuSnapshot, round } from './lib';
import { forkLoadGenerator } from './loadgen-client';

export async function httpAlone(bodiesFile: string, count: number, concurrency: number) {
  const app = new Hono();
  let bytes = 0;
  app.post('/webhooks/telegram', async (c) => {
    bytes += JSON.stringify(await c.req.json()).length;
    return c.text('');
  });
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as AddressInfo).port;
  const load = await forkLoadGenerator(
    `http://127.0.0.1:${port}/webhooks/telegram`,
    '',
    bodiesFile,
  );
  try {
    await load.run('http-alone-warmup', 0, Math.min(2_000, count), concurrency);
    const cpu0 = cpuSnapshot([load.pid]);
    const r = await load.run('http-alone', 0, count, concurrency);
    const cpu = cpuBetween(cpu0, cpuSnapshot([load.pid]), { [load.pid]: 'loadGenerator' });
    const perSecond = count / (r.elapsedMs / 1000);
    return {
      what: 'the same updates posted by the same load generator to a Hono route on @hono/node-server that parses the body and answers 200, nothing behind it',
      requests: count,
      requestsPerSecond: round(perSecond, 0),
      ok: r.statuses['200'] ?? 0,
      bodyBytesRead: bytes,
      nodeCpuMsPerRequest: round(((cpu.thisProcessCores ?? 0) * 1000) / perSecond, 3),
      loadGeneratorCpuMsPerRequest: round(((cpu.loadGeneratorCores ?? 0) * 1000) / perSecond, 3),
    };
  } finally {
    await load.stop();
    await new Promise((r) => server.close(r));
  }
}
