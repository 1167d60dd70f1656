// `npm run migrate`: applies pending migrations to the configured database and exits.
import { ConfigError, loadConfig } from '../server/config.js';
import { openDatabase } from '../server/db/database.js';
import { migrateToLatest } from '../server/db/migrator.js';

try {
  const { db, kind } = await openDatabase(loadConfig());
  try {
    const applied = await migrateToLatest(db);
    console.log(applied.length ? `applied on ${kind}: ${applied.join(', ')}` : `nothing to apply on ${kind}`);
  } finally {
    await db.destroy();
  }
} catch (error) {
  console.error(`offscript: ${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
