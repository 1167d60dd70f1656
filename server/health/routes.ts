// Operator probes: liveness, and readiness (the database answers and can write, migrations
// are applied, DATA_DIR can be written, a configured Redis answers), each failure one word.
import { open, rm } from 'node:fs/promises';
import path from 'node:path';
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyInstance } from 'fastify';
import type { FromSchema } from 'json-schema-to-ts';
import { sql, type Kysely } from 'kysely';
import type { ClockGuard } from '../clock/guard.js';
import { isDiskFull, type RecentDiskFull } from './disk-signal.js';
import { migrationsApplied } from '../db/migrator.js';
import type { Database } from '../db/schema.js';

const healthSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['status'],
  properties: {
    status: { type: 'string' },
    onion: { type: 'string' },
    failing: { type: 'array', items: { type: 'string', enum: ['database', 'migrations', 'disk', 'redis', 'clock'] } },
    /** Why the database fails, when the probe can tell: it did not answer within the probe's time. */
    database: { type: 'string', enum: ['slow'] },
    /** Which way the clock is off, when `clock` fails (docs/faults.md): the dated jobs wait for `npm run clock:confirm`. */
    clock: { type: 'string', enum: ['ahead', 'behind'] },
  },
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
  /** The dated jobs' clock check; absent in tests that run no jobs. */
  clock?: ClockGuard | undefined;
  /** The app's own writes refused for want of space (a full Postgres disk the probe's update may miss). */
  diskFull?: RecentDiskFull | undefined;
}

// A probe writes: an orchestrator polling /readyz every second costs one write every few.
export const READINESS_MEMO_MS = 2000;

// /readyz answers within a second whatever the database does; a probe still running by then
// says `database: slow` (and goes on, bounded by the database's own waits, for the next answer).
export const READINESS_ANSWER_MS = 800;

const SLOW = Symbol('slow');

async function withinAnswerTime<T>(work: Promise<T>): Promise<T | typeof SLOW> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<typeof SLOW>((resolve) => (timer = setTimeout(() => resolve(SLOW), READINESS_ANSWER_MS)));
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

// A full disk often still takes a row into a page that has room: a file needs new space.
const PROBE_FILE_BYTES = 64 * 1024;

/** 'ok', 'disk' when the database could not get space for the write, else 'failed'. */
async function databaseWrites(db: Kysely<Database>): Promise<'ok' | 'disk' | 'failed'> {
  try {
    await sql`update readiness_probe set flipped = not flipped where id = 1`.execute(db);
    return 'ok';
  } catch (error) {
    return isDiskFull(error) ? 'disk' : 'failed';
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

export async function healthRoutes(untyped: FastifyInstance, { db, writableDir, redisReady, onionOrigin, clock, diskFull }: HealthRoutesOptions): Promise<void> {
  // Each handler's params and reply are inferred from its route's JSON schema.
  const app = untyped.withTypeProvider<JsonSchemaToTsProvider>();
  let memo: { failing: Promise<Failing[]>; at: number } | undefined;

  let clockOff: 'ahead' | 'behind' | undefined;

  async function probe(): Promise<Failing[]> {
    const [writes, migrated, disk, clockVerdict] = await Promise.all([
      databaseWrites(db),
      migrationsApplied(db).catch(() => undefined),
      writableDir ? directoryWrites(writableDir) : true,
      // Unreadable with the database away: that is already `database`.
      clock?.check().catch(() => clock.last),
    ]);
    clockOff = clockVerdict && clockVerdict.state !== 'ok' ? clockVerdict.state : undefined;
    const failing: Failing[] = [];
    // Behind, the probe's table may not exist yet: the write is judged only once migrated.
    if (migrated === false) failing.push('migrations');
    else if (migrated === undefined || writes === 'failed') failing.push('database');
    if (!disk || writes === 'disk') failing.push('disk');
    if (clockOff) failing.push('clock');
    return failing;
  }

  // The writes are remembered for a moment; Redis's state is one ping, asked every time, so that
  // "ready" never outlives the connection the rate limits depend on.
  async function readiness(): Promise<{ failing: Failing[]; slow: boolean }> {
    const now = performance.now();
    if (!memo || now - memo.at >= READINESS_MEMO_MS) memo = { failing: probe(), at: now };
    const [probed, redis] = await Promise.all([withinAnswerTime(memo.failing), redisReady ? withinAnswerTime(redisReady()) : true]);
    const slow = probed === SLOW;
    const failing: Failing[] = slow ? ['database'] : [...probed];
    // Asked every time, like Redis: a refused write is news the memo must not hide.
    if (diskFull?.recent && !failing.includes('disk')) failing.push('disk');
    if (redis !== true) failing.push('redis');
    return { failing, slow };
  }

  app.get('/healthz', { schema: { response: { 200: healthSchema } } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { response: { 200: healthSchema, 503: healthSchema } } }, async (_request, reply) => {
    const { failing, slow } = await readiness();
    // For operators: the onion address to hand out, as tor wrote it (it is public: clearnet pages send it as Onion-Location).
    const onion = await onionOrigin?.();
    const said = onion === undefined ? {} : { onion };
    if (failing.length === 0) return { status: 'ready', ...said };
    return reply
      .code(503)
      .header('retry-after', String(READINESS_MEMO_MS / 1000))
      .send({
        status: 'not ready',
        failing,
        ...said,
        ...(slow ? { database: 'slow' as const } : {}),
        ...(failing.includes('clock') && clockOff ? { clock: clockOff } : {}),
      });
  });
}
