// Process entry: config → database → migrate → app → listen → graceful close (DESIGN §1).
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { startAbandonedUploadSweep } from './attachments/abandoned-uploads.js';
import { ClockGuard, describeClockVerdict } from './clock/guard.js';
import { startOperatorSide } from './control/serving.js';
import { dataDirProblem, DataDirError, isDatabaseUnavailable, openDatabase, type DatabaseHandle } from './db/database.js';
import { migrateToLatest } from './db/migrator.js';
import { startDailyPurge } from './moderation/retention.js';
import { verifyAuditChainFromCheckpoint } from './audit/log.js';
import { describeError } from './privacy/logging.js';
import { startReleaseJob } from './publishing/release.js';
import { startScrubJob } from './db/scrub.js';
import { drainAndClose } from './shutdown.js';
import { listenForTor, onionStartupLine, type OnionListener } from './privacy/onion-listener.js';

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

/** Opens and migrates the database; a DATA_DIR that cannot be written stops start-up with one line naming it. */
async function openMigratedDatabase(settings: Config): Promise<DatabaseHandle> {
  try {
    if (!settings.databaseUrl) {
      const handle = await openDatabase(settings);
      await migrateToLatest(handle.db);
      return handle;
    }
    // Migrations may rewrite a large table: they run without the serving pool's statement timeout.
    const migrating = await openDatabase(settings);
    try {
      await migrateToLatest(migrating.db);
    } finally {
      await migrating.db.destroy();
    }
    return await openDatabase(settings, settings.databaseWaits);
  } catch (error) {
    // PGlite on a full disk only says it "failed to initialize properly": look at DATA_DIR.
    const problem = error instanceof DataDirError ? error : settings.databaseUrl ? undefined : await dataDirProblem(settings.dataDir);
    if (problem) console.error(`offscript: ${problem.message}`);
    // The URL is not repeated: it may hold a password. The supervisor starts us again.
    else if (settings.databaseUrl && isDatabaseUnavailable(error)) {
      console.error(
        `offscript: the Postgres server in DATABASE_URL cannot be reached or cannot write just now (${String(describeError((error as Error).cause ?? error).code ?? 'no code')}); start it, or check DATABASE_URL`,
      );
    } else throw error;
    process.exit(1);
  }
}

const database = await openMigratedDatabase(config);
const { db, kind } = database;
const clock = new ClockGuard(db, { marginMinutes: config.clockMarginMinutes });
const app = await buildApp({ config, db, clock, ...(kind === 'pglite' ? { dataDir: config.dataDir } : {}) });
database.reportLostConnectionsTo(app.log);
// Said at start-up, before any job would act on a clock that ran away.
const clockAtStart = await clock.check().catch(() => clock.last);
if (clockAtStart.state !== 'ok') app.log.warn({ clock: clockAtStart.state }, describeClockVerdict(clockAtStart));
const dailyPurge = startDailyPurge(db, { retentionDays: config.retentionDays, log: app.log, clock });
const releases = startReleaseJob(db, config, app.log, undefined, clock);
const abandonedUploads = startAbandonedUploadSweep(db, app.log);
// Deleted rows' bytes and old WAL leave the data directory within the hour; warns at start of WAL kept elsewhere (archive_mode…).
const scrub = startScrubJob(db, app.log);

// Started once listening, so that the first invitation is printed under the line saying where.
let operatorSide: { stop(): Promise<void> } | undefined;
// Tor's Unix socket (ONION_SOCKET): stops taking connections with the TCP listener.
let onionListener: OnionListener | undefined;
// In-flight requests finish (each 201 is a committed row) before the database closes.
// The drain's own bound, plus time to stop the jobs and close the database.
closeWithGrace({ delay: config.drainMs + 5000 }, async ({ signal, err }) => {
  if (err) app.log.error({ err }, 'closing after an error');
  else app.log.info({ signal }, 'closing');
  await operatorSide?.stop();
  await onionListener?.close();
  await dailyPurge.stop();
  await releases.stop();
  await scrub.stop();
  await abandonedUploads.stop();
  await drainAndClose(app, config.drainMs);
  await db.destroy();
});

await app.listen({ port: config.port, host: config.host });
app.log.info(`Offscript on ${config.publicOrigin} (database: ${kind === 'pglite' ? `PGlite in ${config.dataDir}` : 'Postgres'})`);
if (config.onion.socketPath) {
  onionListener = await listenForTor(app, config.onion.socketPath, config.timeouts.headersMs);
  app.log.info(await onionStartupLine(config, onionListener.path));
}
operatorSide = await startOperatorSide(db, config, kind, app.log);
// Walks the audit chain once now, in the background, so the console's first audit view only checks what is new.
verifyAuditChainFromCheckpoint(db).then(
  (result) => (result.ok ? undefined : app.log.error({ brokenAt: result.brokenAt }, `audit chain broken: ${result.reason}`)),
  (err: unknown) => app.log.warn({ err }, 'audit chain not verified at start-up'),
);
