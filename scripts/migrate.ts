// `npm run migrate`: applies pending migrations to the configured database and exits; on the
// embedded database with a server running, inside that server (which migrated when it started).
import { runFromCommandLine } from '../server/control/command-line.js';

await runFromCommandLine({ command: 'migrate', args: {} });
