// Graceful stop: while draining, every response says `connection: close` and requests that
// arrive answer 503 with Retry-After, so that keep-alive clients leave after a clean answer
// instead of finding their socket reset when the server closes it. The drain lasts until nothing
// is in flight and no request has arrived for QUIET_MS, and at most the configured time
// (SHUTDOWN_DRAIN_MS): a slow request finishes, and a client still sending is answered, not reset.
import type { FastifyInstance } from 'fastify';
import { unavailable } from './error-handling.js';

// Long enough for every busy keep-alive connection to get one answer that closes it.
export const QUIET_MS = 1000;
export const DRAIN_MS = 10_000;

interface Traffic {
  inFlight: number;
  lastArrival: number;
}

const draining = new WeakSet<FastifyInstance>();
const traffic = new WeakMap<FastifyInstance, Traffic>();

export function registerDraining(app: FastifyInstance): void {
  const seen: Traffic = { inFlight: 0, lastArrival: -Infinity };
  traffic.set(app, seen);
  // app.close() without a drain (tests, the end of the drain) turns new requests away the same way.
  app.addHook('preClose', async () => void draining.add(app));
  // Callback hooks, not async ones: they run on every response, and a promise each costs a
  // cached public page a measurable share of its throughput.
  app.addHook('onRequest', (_request, reply, done) => {
    seen.inFlight++;
    seen.lastArrival = performance.now();
    // 'close' comes once per request, answered or abandoned.
    reply.raw.once('close', () => seen.inFlight--);
    done(draining.has(app) ? unavailable() : undefined);
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (draining.has(app)) reply.header('connection', 'close');
    done(null, payload);
  });
}

/**
 * Answers new requests with 503 and `connection: close` until nothing is in flight and no request
 * has come for QUIET_MS (at most `maxDrainMs`), then closes the app.
 */
export async function drainAndClose(app: FastifyInstance, maxDrainMs = DRAIN_MS): Promise<void> {
  draining.add(app);
  const seen = traffic.get(app);
  const started = performance.now();
  for (;;) {
    const now = performance.now();
    const quietFor = now - Math.max(started, seen?.lastArrival ?? -Infinity);
    if ((seen?.inFlight ?? 0) === 0 && quietFor >= QUIET_MS) break;
    if (now - started >= maxDrainMs) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await app.close();
}
