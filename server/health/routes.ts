// Operator probes: liveness, and readiness (database reachable, migrations applied).
import type { FastifyInstance } from 'fastify';
import { sql, type Kysely } from 'kysely';
import { migrationsApplied } from '../db/migrator.js';
import type { Database } from '../db/schema.js';

const healthSchema = {
  type: 'object',
  required: ['status'],
  properties: { status: { type: 'string' }, reason: { type: 'string' } },
} as const;

export async function healthRoutes(app: FastifyInstance, { db }: { db: Kysely<Database> }): Promise<void> {
  app.get('/healthz', { schema: { response: { 200: healthSchema } } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { response: { 200: healthSchema, 503: healthSchema } } }, async (request, reply) => {
    try {
      await sql`select 1`.execute(db);
      if (!(await migrationsApplied(db))) return reply.code(503).send({ status: 'not ready', reason: 'migrations pending' });
      return { status: 'ready' };
    } catch {
      request.log.warn('readiness check: database unreachable');
      return reply.code(503).send({ status: 'not ready', reason: 'database unreachable' });
    }
  });
}
