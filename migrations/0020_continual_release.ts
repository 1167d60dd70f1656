// Continual release of the statistics (DESIGN §6, turn 3; docs/statistics-continual-release.md):
// the binary-tree mechanism's node noise, one integer per count and tree node, drawn once at the
// refresh that first needs it and never redrawn (the primary key refuses a second draw); and, per
// refresh, its place in the tree, how many nodes each count sums, and the noisy per-facet counts
// that story tags and attribution labels are decided on until the next refresh. The node noise is
// as secret as the counts it hides (with the tallies it gives every count exactly), so it lives
// beside them and leaves the server only inside published sums.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('statistics_node_noise')
    // The count's name (server/publishing/statistics.ts: `table/row/column`, `headline/…`, `facet/…`).
    .addColumn('cell', 'text', (c) => c.notNull())
    .addColumn('level', 'smallint', (c) => c.notNull().check(sql`level >= 0`))
    .addColumn('node', 'integer', (c) => c.notNull().check(sql`node >= 0`))
    .addColumn('noise', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('statistics_node_noise_pk', ['cell', 'level', 'node'])
    .execute();
  await db.schema
    .alterTable('statistics_refreshes')
    // 1, 2, … for refreshes by continual release; null for the refreshes before it (fresh noise each).
    .addColumn('tree_refresh', 'integer', (c) => c.unique())
    .addColumn('nodes_per_count', 'integer')
    .addColumn('noisy_facets', 'jsonb')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('statistics_refreshes').dropColumn('tree_refresh').dropColumn('nodes_per_count').dropColumn('noisy_facets').execute();
  await db.schema.dropTable('statistics_node_noise').execute();
}
