// Process entry: config → database → migrate → app → listen → graceful close (DESIGN §1).
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { startOperatorSide } from './control/serving.js';
import { openDatabase } from './db/database.js';
import { migrateToLatest } from './db/migrator.js';
import { startDailyPurge } from './moderation/retention.js';
import { startReleaseJob } from './publishing/release.js';

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`offscript: ${error.message}`);
    process.exit(1);
  }
  throw error;
}

const database = await openDatabase(config);
const { db, kind } = database;
await migrateToLatest(db);
const app = await buildApp({ config, db });
database.reportLostConnectionsTo(app.log);
const dailyPurge = startDailyPurge(db, { retentionDays: config.retentionDays, log: app.log });
const releases = startReleaseJob(db, config, app.log);

// Started once listening, so that the first invitation is printed under the line saying where.
let operatorSide: { stop(): Promise<void> } | undefined;
// In-flight requests finish (each 201 is a committed row) before the database closes.
closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
  if (err) app.log.error({ err }, 'closing after an error');
  else app.log.info({ signal }, 'closing');
  await operatorSide?.stop();
  await dailyPurge.stop();
  await releases.stop();
  await app.close();
  await db.destroy();
});

await app.listen({ port: config.port, host: config.host });
app.log.info(`Offscript on ${config.publicOrigin} (database: ${kind === 'pglite' ? `PGlite in ${config.dataDir}` : 'Postgres'})`);
operatorSide = await startOperatorSide(db, config, kind, app.log);
