// A real Fastify app on a real database, with its log captured for inspection.
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../server/db/schema.js';
import { buildApp, type AppDependencies } from '../../server/app.js';
import { loadConfig, type Config } from '../../server/config.js';
import { openTestDatabase, type TestDatabase } from './database.js';
import { freePort } from '../../scripts/free-port.js';

export interface TestApp {
  app: FastifyInstance;
  database: TestDatabase;
  config: Config;
  /** Everything the app logged so far. */
  logText(): string;
  close(): Promise<void>;
}

export function captureLog(): { stream: Writable; text(): string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  return { stream, text: () => chunks.join('') };
}

export interface ListeningTestApp extends TestApp {
  origin: string;
}

/** The PUBLIC_ORIGIN of an app that only answers inject(): the origin the API tests sign logins for. */
export const TEST_ORIGIN = 'http://127.0.0.1:3000';

/** `appDb` gives the app its own view of the database (an outage plugin); the test keeps the plain one. */
export async function startTestApp(env: Record<string, string> = {}, appDb?: (db: Kysely<Database>) => Kysely<Database>, deps: TestAppDependencies = {}): Promise<TestApp> {
  return startTestAppOn(await openTestDatabase(), env, appDb, deps);
}

/** What a test may put in place of the real thing: DNS, so that no test reaches the network. */
export type TestAppDependencies = Pick<AppDependencies, 'resolveTxt'>;

/** The same app on a database the test opened itself (a PGlite on a data directory, say); close() closes it. */
export async function startTestAppOn(
  database: TestDatabase,
  env: Record<string, string> = {},
  appDb?: (db: Kysely<Database>) => Kysely<Database>,
  deps: TestAppDependencies = {},
): Promise<TestApp> {
  // The API tests sign logins for this origin (an app that only answers inject() has no other).
  const config = loadConfig({ LOG_LEVEL: 'trace', RATE_LIMIT_MAX: '1000', PUBLIC_ORIGIN: TEST_ORIGIN, ...env });
  const log = captureLog();
  // No test reaches DNS: a test that asks for DKIM keys passes its own resolver.
  const resolveTxt = deps.resolveTxt ?? (async () => Promise.reject(new Error('no DNS in tests')));
  const app = await buildApp({ config, db: appDb ? appDb(database.db) : database.db, logDestination: log.stream, resolveTxt });
  await app.ready();
  return {
    app,
    database,
    config,
    logText: log.text,
    async close() {
      await app.close();
      await database.close();
    },
  };
}

/**
 * A listening app whose PUBLIC_ORIGIN is its real address (login signatures bind the origin).
 * Named "localhost": WebAuthn refuses an IP address as relying party, and treats localhost as secure.
 */
export async function startListeningTestApp(env: Record<string, string> = {}, appDb?: (db: Kysely<Database>) => Kysely<Database>, deps: TestAppDependencies = {}): Promise<ListeningTestApp> {
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  const t = await startTestApp({ PORT: String(port), PUBLIC_ORIGIN: origin, ...env }, appDb, deps);
  await t.app.listen({ port, host: '127.0.0.1' });
  return { ...t, origin };
}
