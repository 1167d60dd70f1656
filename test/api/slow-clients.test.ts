// Slow clients (issue 25, DESIGN §7): thousands of connections that trickle their headers or
// their body are dropped within the configured timeouts while /healthz keeps answering. Real
// sockets on loopback, against a listening app.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startListeningTestApp, type ListeningTestApp } from '../support/app.js';

const SLOW_CONNECTIONS = Number(process.env.SLOW_CONNECTIONS ?? 5000);
const HEADERS_TIMEOUT_S = 2;
const REQUEST_TIMEOUT_S = 3;
const CHECK_MS = 250;
// Node looks for overdue requests every CHECK_MS; the rest is this process's own event loop, which
// also runs the 5,000 clients (opening them, dripping a byte a second each) on a shared machine.
const SLACK_MS = CHECK_MS + 4000;

let t: ListeningTestApp;
let port: number;
beforeAll(async () => {
  t = await startListeningTestApp({
    HEADERS_TIMEOUT_SECONDS: String(HEADERS_TIMEOUT_S),
    REQUEST_TIMEOUT_SECONDS: String(REQUEST_TIMEOUT_S),
    TIMEOUT_CHECK_MS: String(CHECK_MS),
    LOG_LEVEL: 'silent',
  });
  port = Number(new URL(t.origin).port);
});
afterAll(async () => t?.close());

interface SlowClient {
  openedAt: number;
  closedAt: Promise<number>;
  socket: Socket;
}

/** Opens one connection that sends part of a request and then one byte a second, for ever. */
function slowClient(kind: 'headers' | 'body'): Promise<SlowClient> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', () => {});
      const openedAt = performance.now();
      const closedAt = new Promise<number>((done) => socket.once('close', () => done(performance.now())));
      socket.write(
        kind === 'headers'
          ? 'GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: '
          : 'POST /api/v1/submissions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"v":',
      );
      const drip = setInterval(() => (socket.writable ? socket.write('1') : clearInterval(drip)), 1000);
      socket.once('close', () => clearInterval(drip));
      resolve({ openedAt, closedAt, socket });
    });
  });
}

describe('slow clients', () => {
  it(`${SLOW_CONNECTIONS} slow connections are dropped within the timeouts; /healthz answers meanwhile`, { timeout: 120_000 }, async () => {
    const clients: SlowClient[] = [];
    // In batches: the listen backlog is not what this test is about.
    for (let i = 0; i < SLOW_CONNECTIONS; i += 250) {
      clients.push(...(await Promise.all(Array.from({ length: Math.min(250, SLOW_CONNECTIONS - i) }, (_, j) => slowClient((i + j) % 2 ? 'headers' : 'body')))));
    }
    const health: number[] = [];
    let probing = true;
    const probe = (async () => {
      while (probing) {
        const started = performance.now();
        const response = await fetch(`${t.origin}/healthz`);
        expect(response.status).toBe(200);
        health.push(performance.now() - started);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    try {
      const lifetimes = await Promise.all(clients.map(async (c) => (await c.closedAt) - c.openedAt));
      const longest = Math.max(...lifetimes);
      const sorted = [...lifetimes].sort((a, b) => a - b);
      console.info(
        `slow connections: ${lifetimes.length} closed; median ${Math.round(sorted[sorted.length >> 1]!)} ms, longest ${Math.round(longest)} ms; /healthz answered ${health.length} times, slowest ${Math.round(Math.max(...health))} ms`,
      );
      expect(longest).toBeLessThan(REQUEST_TIMEOUT_S * 1000 + SLACK_MS);
      // Not before the headers timeout: it is the timeouts that close them, not something else.
      expect(Math.min(...lifetimes)).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_S * 1000 - CHECK_MS);
    } finally {
      probing = false;
      await probe;
      for (const c of clients) c.socket.destroy();
    }
    expect(health.length).toBeGreaterThan(3);
  });
});
