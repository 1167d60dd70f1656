// Graceful stop (issue #27): the drain lasts while requests are in flight or still arriving (at
// most the configured time), and a request that comes on an open keep-alive connection during it
// is answered 503 with `connection: close`, not reset.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { registerErrorHandling } from '../../server/error-handling.js';
import { drainAndClose, QUIET_MS, registerDraining } from '../../server/shutdown.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A raw keep-alive connection: sends a request and reads one whole answer (or the end of the socket). */
function keepAliveConnection(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  let received = '';
  let ended = false;
  socket.on('data', (chunk) => (received += chunk.toString()));
  socket.on('close', () => (ended = true));
  socket.on('error', () => {});
  return {
    async ask(path: string): Promise<string> {
      received = '';
      socket.write(`GET ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: keep-alive\r\n\r\n`);
      const deadline = Date.now() + 5000;
      while (!/\r\n\r\n[\s\S]*\}$/.test(received) && !ended && Date.now() < deadline) await sleep(10);
      return received;
    },
    get ended() {
      return ended;
    },
    close: () => socket.destroy(),
  };
}

describe('graceful stop', () => {
  it('a slow request finishes; a request on an open connection after the first second gets 503 + connection: close, not a reset', async () => {
    const app = Fastify();
    registerErrorHandling(app);
    registerDraining(app);
    app.get('/fast', async () => ({ ok: true }));
    app.get('/slow', async () => {
      await sleep(QUIET_MS + 800);
      return { ok: true };
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const connection = keepAliveConnection(port);
    try {
      expect(await connection.ask('/fast')).toMatch(/^HTTP\/1\.1 200/);
      const slow = fetch(`http://127.0.0.1:${port}/slow`).then((r) => r.status);
      await sleep(50);
      const started = performance.now();
      const drained = drainAndClose(app, 10_000);
      // Past the old fixed one-second drain, with the slow request still running.
      await sleep(QUIET_MS + 300);
      const late = await connection.ask('/fast');
      expect(late).toMatch(/^HTTP\/1\.1 503/);
      expect(late.toLowerCase()).toContain('connection: close');
      expect(late.toLowerCase()).toMatch(/retry-after: \d+/);
      expect(await slow).toBe(200);
      await drained;
      expect(performance.now() - started).toBeGreaterThanOrEqual(QUIET_MS + 800);
    } finally {
      connection.close();
      await app.close();
    }
  });

  it('stops at the configured bound even while requests keep coming', async () => {
    const app = Fastify();
    registerErrorHandling(app);
    registerDraining(app);
    app.get('/fast', async () => ({ ok: true }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    let stop = false;
    const client = (async () => {
      while (!stop) {
        await fetch(`http://127.0.0.1:${port}/fast`).catch(() => undefined);
        await sleep(100);
      }
    })();
    const started = performance.now();
    await drainAndClose(app, 1500);
    stop = true;
    await client;
    expect(performance.now() - started).toBeLessThan(3000);
  });
});
