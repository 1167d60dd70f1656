// `npm run purge`: deletes the ciphertext and messages of submissions decided at least
// RETENTION_DAYS ago (DESIGN §4) and records the count in the audit log; through the running
// server on the embedded database, or directly when none runs.
import { runFromCommandLine } from '../server/control/command-line.js';

await runFromCommandLine({ command: 'purge', args: {} });
