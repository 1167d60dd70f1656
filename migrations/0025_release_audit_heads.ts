// Each release publishes the audit log's head hash and length (issue 26, DESIGN §4): anyone who
// kept an earlier release can tell that the log was rewritten or truncated since.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Null for releases made before this migration: they published no head.
  await db.schema.alterTable('batches').addColumn('audit_head_hash', 'bytea').addColumn('audit_length', 'integer').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('batches').dropColumn('audit_head_hash').dropColumn('audit_length').execute();
}
