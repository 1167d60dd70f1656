// Graceful stop: for a short window before the listener closes, every response says
// `connection: close`, and requests that arrive answer 503, so that keep-alive clients leave
// after a clean answer instead of finding their socket reset when the server closes it.
import type { FastifyInstance } from 'fastify';
import { unavailable } from './error-handling.js';

// Long enough for every busy keep-alive connection to get one answer that closes it.
export const DRAIN_MS = 1000;

const draining = new WeakSet<FastifyInstance>();

export function registerDraining(app: FastifyInstance): void {
  // app.close() without a drain (tests, the end of the drain) turns new requests away the same way.
  app.addHook('preClose', async () => void draining.add(app));
  // Callback hooks, not async ones: they run on every response, and a promise each costs a
  // cached public page a measurable share of its throughput.
  app.addHook('onRequest', (_request, _reply, done) => {
    done(draining.has(app) ? unavailable() : undefined);
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (draining.has(app)) reply.header('connection', 'close');
    done(null, payload);
  });
}

/** Answers new requests with 503 for DRAIN_MS (in-flight ones finish), then closes the app. */
export async function drainAndClose(app: FastifyInstance, drainMs = DRAIN_MS): Promise<void> {
  draining.add(app);
  await new Promise((resolve) => setTimeout(resolve, drainMs));
  await app.close();
}
