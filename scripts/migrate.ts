// `npm run migrate`: applies pending migrations to the configured database and exits.
import { loadConfig } from '../server/config.js';
import { openDatabase } from '../server/db/database.js';
import { migrateToLatest } from '../server/db/migrator.js';
import { describeError } from '../common/error-messages.js';

try {
  const { db, kind } = await openDatabase(loadConfig());
  try {
    const applied = await migrateToLatest(db);
    console.log(applied.length ? `applied on ${kind}: ${applied.join(', ')}` : `nothing to apply on ${kind}`);
  } finally {
    await db.destroy();
  }
} catch (error) {
  console.error(`offscript: ${describeError(error, String(error))}`);
  process.exit(1);
}
