// `npm run restore -- --in FILE --secret-key-file FILE`: opens a backup made by `npm run backup`
// with the operator's secret key and restores it into an empty database: a fresh DATA_DIR (no
// server may hold it; nothing of the old directory, its lock included, comes along) or the empty
// Postgres database DATABASE_URL names. Then `npm start` serves it. See docs/threat-model-storage.md.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config.js';
import { openDatabase } from '../server/db/database.js';
import { restoreSealedBackup } from '../server/db/backup.js';
import { describeError } from '../server/i18n/error-messages.js';
import { backupKeyPairFromSecret } from '../common/protocol/backup.js';
import { fromBase64 } from '../common/protocol/encoding.js';
import { loadSodium } from '../common/protocol/sodium.js';

try {
  const { values } = parseArgs({ options: { in: { type: 'string' }, 'secret-key-file': { type: 'string' } } });
  if (!values.in || !values['secret-key-file']) {
    console.error('usage: npm run restore -- --in BACKUP_FILE --secret-key-file SECRET_KEY_FILE   (into an empty DATA_DIR or DATABASE_URL)');
    process.exit(2);
  }
  const sodium = await loadSodium();
  const operator = backupKeyPairFromSecret(sodium, fromBase64(sodium, (await readFile(values['secret-key-file'], 'utf8')).trim(), 'secret key'));
  const sealed = new Uint8Array(await readFile(values.in));
  const config = loadConfig();
  const { db } = await openDatabase(config);
  try {
    const { tables, rows } = await restoreSealedBackup(db, sealed, operator);
    console.log(`restored ${rows} rows in ${tables} tables into ${config.databaseUrl ? 'DATABASE_URL' : config.dataDir}`);
  } finally {
    await db.destroy();
  }
} catch (error) {
  console.error(`offscript: ${describeError(error, String(error))}`);
  process.exitCode = 1;
}
