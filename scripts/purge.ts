// `npm run purge`: deletes the ciphertext and messages of submissions decided at least
// RETENTION_DAYS ago (DESIGN §4), records the count in the audit log, and exits.
import { ConfigError, loadConfig } from '../server/config.js';
import { openDatabase } from '../server/db/database.js';
import { migrateToLatest } from '../server/db/migrator.js';
import { purgeExpiredSubmissions } from '../server/moderation/retention.js';

try {
  const config = loadConfig();
  const { db, kind } = await openDatabase(config);
  try {
    await migrateToLatest(db);
    const { purged } = await purgeExpiredSubmissions(db, { retentionDays: config.retentionDays });
    console.log(
      `purged ${purged} submission${purged === 1 ? '' : 's'} decided at least ${config.retentionDays} days ago on ${kind}`,
    );
  } finally {
    await db.destroy();
  }
} catch (error) {
  console.error(`offscript: ${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
