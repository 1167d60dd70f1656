// `npm run release`: releases a batch now if one is due (BATCH_MIN, BATCH_DELAY_DAYS).
import { ConfigError, loadConfig } from '../server/config.js';
import { openDatabase } from '../server/db/database.js';
import { migrateToLatest } from '../server/db/migrator.js';
import { releaseDueBatch } from '../server/publishing/release.js';

try {
  const config = loadConfig();
  const { db } = await openDatabase(config);
  try {
    await migrateToLatest(db);
    const batch = await releaseDueBatch(db, config);
    console.log(
      batch
        ? `released batch ${batch.sequence}: ${batch.storyCount} stories; ${batch.statisticsRefreshed ? `statistics refreshed in ${batch.statisticsMs.toFixed(0)} ms` : 'statistics carried over (fewer than K_MIN accounts changed, or refreshed less than a week ago)'}`
        : `no batch is due (needs ${config.batchMin} approved stories, the oldest accepted at least ${config.batchDelayDays} days ago)`,
    );
  } finally {
    await db.destroy();
  }
} catch (error) {
  console.error(`offscript: ${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
