// Operator probes: liveness, and readiness (the database answers and can write, migrations
// are applied, DATA_DIR can be written, a configured Redis answers), each failure one word.
import { open, rm } from 'node:fs/promises';
import path from 'node:path';
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyInstance } from 'fastify';
import type { FromSchema } from 'json-schema-to-ts';
import { sql, type Kysely } from 'kysely';
import { migrationsApplied } from '../db/migrator.js';
import type { Database } from '../db/schema.js';

const healthSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['status'],
  properties: { status: { type: 'string' }, onion: { type: 'string' }, failing: { type: 'array', items: { type: 'string', enum: ['database', 'migrations', 'disk', 'redis'] } } },
} as const;

/** What a readiness probe can name as failing: the schema's words. */
type Failing = NonNullable<FromSchema<typeof healthSchema>['failing']>[number];

export interface HealthRoutesOptions {
  db: Kysely<Database>;
  /** The directory the embedded database writes to (DATA_DIR on PGlite); probed with a small file. */
  writableDir?: string | undefined;
  /** Whether the configured Redis answers; absent without Redis. */
  redisReady?: (() => Promise<boolean>) | undefined;
  /** The onion origin operators should hand out (docs/onion-service.md), when there is one. */
  onionOrigin?: (() => Promise<string | undefined>) | undefined;
}

// A probe writes: an orchestrator polling /readyz every second costs one write every few.
export const READINESS_MEMO_MS = 2000;

// A full disk often still takes a row into a page that has room: a file needs new space.
const PROBE_FILE_BYTES = 64 * 1024;

async function databaseWrites(db: Kysely<Database>): Promise<boolean> {
  try {
    await sql`update readiness_probe set flipped = not flipped where id = 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}

async function directoryWrites(dir: string): Promise<boolean> {
  const probe = path.join(dir, '.readiness-probe');
  try {
    const handle = await open(probe, 'w');
    try {
      await handle.write(Buffer.alloc(PROBE_FILE_BYTES));
      await handle.sync();
    } finally {
      await handle.close();
    }
    return true;
  } catch {
    return false;
  } finally {
    await rm(probe, { force: true });
  }
}

export async function healthRoutes(untyped: FastifyInstance, { db, writableDir, redisReady, onionOrigin }: HealthRoutesOptions): Promise<void> {
  // Each handler's params and reply are inferred from its route's JSON schema.
  const app = untyped.withTypeProvider<JsonSchemaToTsProvider>();
  let memo: { failing: Promise<Failing[]>; at: number } | undefined;

  async function probe(): Promise<Failing[]> {
    const [writes, migrated, disk] = await Promise.all([
      databaseWrites(db),
      migrationsApplied(db).catch(() => undefined),
      writableDir ? directoryWrites(writableDir) : true,
    ]);
    const failing: Failing[] = [];
    // Behind, the probe's table may not exist yet: the write is judged only once migrated.
    if (migrated === false) failing.push('migrations');
    else if (migrated === undefined || !writes) failing.push('database');
    if (!disk) failing.push('disk');
    return failing;
  }

  // The writes are remembered for a moment; Redis's state is one ping, asked every time, so that
  // "ready" never outlives the connection the rate limits depend on.
  async function readiness(): Promise<Failing[]> {
    const now = performance.now();
    if (!memo || now - memo.at >= READINESS_MEMO_MS) memo = { failing: probe(), at: now };
    const [failing, redis] = await Promise.all([memo.failing, redisReady ? redisReady() : true]);
    return redis ? failing : [...failing, 'redis'];
  }

  app.get('/healthz', { schema: { response: { 200: healthSchema } } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { response: { 200: healthSchema, 503: healthSchema } } }, async (_request, reply) => {
    const failing = await readiness();
    // For operators: the onion address to hand out, as tor wrote it (it is public: clearnet pages send it as Onion-Location).
    const onion = await onionOrigin?.();
    const said = onion === undefined ? {} : { onion };
    if (failing.length === 0) return { status: 'ready', ...said };
    return reply.code(503).header('retry-after', String(READINESS_MEMO_MS / 1000)).send({ status: 'not ready', failing, ...said });
  });
}
