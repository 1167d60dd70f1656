// Graceful stop: while draining, every response says `connection: close` and requests that
// arrive answer 503 with Retry-After, so that keep-alive clients leave after a clean answer
// instead of finding their socket reset when the server closes it. The drain lasts until nothing
// is in flight and no request has arrived for QUIET_MS, and at most the configured time
// (SHUTDOWN_DRAIN_MS): a slow request finishes, and a client still sending is answered, not reset.
import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { unavailable } from './error-handling.js';

// Long enough for every busy keep-alive connection to get one answer that closes it.
export const QUIET_MS = 1000;
export const DRAIN_MS = 10_000;

interface Traffic {
  /** Responses not yet closed: told to close their connection when the drain begins. */
  inFlight: Set<ServerResponse>;
  lastArrival: number;
}

const draining = new WeakSet<FastifyInstance>();
const traffic = new WeakMap<FastifyInstance, Traffic>();

/** Whether `app` has begun to stop: what is answered from memory in front of Fastify then goes through it (server/publishing/replay.ts). */
export function isDraining(app: FastifyInstance): boolean {
  return draining.has(app);
}

function beginDraining(app: FastifyInstance): void {
  draining.add(app);
  // Responses already under way close their connection too; Node merges this header into the
  // ones Fastify writes. (No onSend hook: one costs every response, and a cached page most.)
  for (const response of traffic.get(app)?.inFlight ?? []) if (!response.headersSent) response.setHeader('connection', 'close');
}

export function registerDraining(app: FastifyInstance): void {
  const seen: Traffic = { inFlight: new Set(), lastArrival: -Infinity };
  traffic.set(app, seen);
  // 'close' comes once per request, answered or abandoned; one function for all of them.
  const closed = function (this: ServerResponse) {
    seen.inFlight.delete(this);
  };
  // app.close() without a drain (tests, the end of the drain) turns new requests away the same way.
  app.addHook('preClose', async () => beginDraining(app));
  // A callback hook, not an async one: it runs on every request, and a promise each costs a
  // cached public page a measurable share of its throughput.
  app.addHook('onRequest', (_request, reply, done) => {
    seen.lastArrival = performance.now();
    if (draining.has(app)) {
      reply.raw.setHeader('connection', 'close');
      return done(unavailable());
    }
    seen.inFlight.add(reply.raw);
    reply.raw.once('close', closed);
    done();
  });
}

/**
 * Answers new requests with 503 and `connection: close` until nothing is in flight and no request
 * has come for QUIET_MS (at most `maxDrainMs`), then closes the app.
 */
export async function drainAndClose(app: FastifyInstance, maxDrainMs = DRAIN_MS): Promise<void> {
  beginDraining(app);
  const seen = traffic.get(app);
  const started = performance.now();
  for (;;) {
    const now = performance.now();
    const quietFor = now - Math.max(started, seen?.lastArrival ?? -Infinity);
    if ((seen?.inFlight.size ?? 0) === 0 && quietFor >= QUIET_MS) break;
    if (now - started >= maxDrainMs) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await app.close();
}
