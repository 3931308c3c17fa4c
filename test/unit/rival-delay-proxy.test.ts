import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DelayProxy } from '../../src/devnet/rivals/delayProxy.ts';

/**
 * A server-sent-events stream heard directly and through the delaying proxy: the proxied listener hears every event,
 * in order, and each one after the direct listener did (never wall-clock figures: only which came first).
 */
let server: Server;
let url = '';
const streams: Array<(line: string) => void> = [];

beforeAll(async () => {
  server = createServer((_, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.flushHeaders();
    streams.push((line) => response.write(`data: ${line}\n\n`));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/events`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function listen(from: string, heard: string[], log: string[], label: string) {
  const response = await fetch(from);
  const reader = response.body!.getReader();
  void (async () => {
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true as const }));
      if (done) return;
      buffer += new TextDecoder().decode(value);
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const event = buffer.slice(0, end).replace(/^data: /, '');
        buffer = buffer.slice(end + 2);
        heard.push(event);
        log.push(`${label} ${event}`);
      }
    }
  })();
  return reader;
}

describe('DelayProxy', () => {
  it('delivers the upstream\'s stream complete, in order, later than a direct listener hears it', async () => {
    const proxy = await DelayProxy.start(url, 150);
    expect(proxy.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/events$/);
    const log: string[] = [];
    const direct: string[] = [];
    const delayed: string[] = [];
    const readers = [await listen(url, direct, log, 'direct'), await listen(proxy.url, delayed, log, 'delayed')];
    while (streams.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    const events = Array.from({ length: 20 }, (_, i) => `event-${i}`);
    for (const event of events) for (const send of streams) send(event);
    const deadline = Date.now() + 10_000;
    while (delayed.length < events.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(direct).toEqual(events);
    expect(delayed).toEqual(events);
    // Every event was heard directly before it was heard through the proxy.
    for (const event of events) expect(log.indexOf(`direct ${event}`)).toBeLessThan(log.indexOf(`delayed ${event}`));
    // The whole burst arrived directly before the first proxied event.
    expect(log.indexOf(`direct ${events.at(-1)}`)).toBeLessThan(log.indexOf(`delayed ${events[0]}`));
    for (const reader of readers) await reader.cancel().catch(() => {});
    await proxy.stop();
  });
});
