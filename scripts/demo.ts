// `npm run demo`: seeds a small fictional data set when the database has no released batch
// yet, then runs the server exactly as `npm start` does (same environment, signals forwarded).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../server/config.js';
import { openDatabase } from '../server/db/database.js';
import { refuseWhileServing } from '../server/control/command-line.js';
import { migrateToLatest } from '../server/db/migrator.js';
import { DEMO_ACCOUNTS, DEMO_PASSKEY_GRACE_DAYS, DEMO_STORIES, demoCredentials, seedWithProgress } from './seed.js';
import { describeError } from '../server/i18n/error-messages.js';

// Set before the configuration is read, and passed on to the server below.
process.env.PASSKEY_GRACE_DAYS ??= String(DEMO_PASSKEY_GRACE_DAYS);

async function seedIfEmpty(): Promise<void> {
  const config = loadConfig();
  await refuseWhileServing(config, 'npm run demo');
  const { db, kind } = await openDatabase(config);
  try {
    await migrateToLatest(db);
    if (await db.selectFrom('batches').select('id').limit(1).executeTakeFirst()) {
      console.log('The database already has a released batch: not seeding.');
    } else {
      console.log(`Seeding fictional demo data (${DEMO_ACCOUNTS} accounts, ${DEMO_STORIES} stories) into ${kind === 'pglite' ? `PGlite in ${config.dataDir}` : 'Postgres'}…`);
      await seedWithProgress(db, { accounts: DEMO_ACCOUNTS, stories: DEMO_STORIES, kMin: config.kMin, batchMin: config.batchMin });
    }
    for (const line of demoCredentials(config.publicOrigin)) console.log(line);
  } finally {
    // Also releases PGlite's lock on DATA_DIR before the server takes it.
    await db.destroy();
  }
}

try {
  await seedIfEmpty();
} catch (error) {
  console.error(`offscript: ${describeError(error, String(error))}`);
  process.exit(1);
}

// Its own process group, so that a Ctrl-C in the terminal reaches it once, through us, and a
// second Ctrl-C still forces it to stop as it does under `npm start`.
const server = spawn(process.execPath, [fileURLToPath(new URL('../server/main.js', import.meta.url))], { stdio: 'inherit', env: process.env, detached: true });
const forward = (signal: NodeJS.Signals) => server.kill(signal);
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
for (const signal of SIGNALS) process.on(signal, forward);
process.on('exit', () => server.exitCode === null && server.signalCode === null && server.kill('SIGTERM'));
server.on('exit', (code, signal) => {
  for (const s of SIGNALS) process.off(s, forward);
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
