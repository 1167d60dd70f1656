// `npm run admin:invite -- --handle NAME [--role administrator|moderator]`: prints a one-time
// invitation URL (valid 48 hours). The first administrator's browser creates the intake key.
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../server/config.js';
import { openDatabase } from '../server/db/database.js';
import { migrateToLatest } from '../server/db/migrator.js';
import { ServiceError } from '../server/errors.js';
import { invitationUrl } from '../server/moderation/routes.js';
import { inviteModerator } from '../server/moderation/team-service.js';

try {
  const { values } = parseArgs({ options: { handle: { type: 'string' }, role: { type: 'string', default: 'administrator' } } });
  if (!values.handle) throw new ConfigError('usage: npm run admin:invite -- --handle NAME [--role administrator|moderator]');
  if (values.role !== 'administrator' && values.role !== 'moderator') throw new ConfigError('--role must be administrator or moderator');
  const config = loadConfig();
  const { db } = await openDatabase(config);
  try {
    await migrateToLatest(db);
    const { token } = await inviteModerator(db, { handle: values.handle, role: values.role }, 'operator');
    console.log(`Invitation for ${values.handle} (${values.role}), valid for 48 hours — send it by a private channel:`);
    console.log(invitationUrl(config, token));
  } finally {
    await db.destroy();
  }
} catch (error) {
  const known = error instanceof ConfigError || error instanceof ServiceError || error instanceof Error;
  console.error(`offscript: ${known ? (error as Error).message : String(error)}`);
  process.exit(1);
}
