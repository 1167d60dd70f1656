// `npm run audit:verify`: walks the hash-chained audit log (DESIGN §4). Exits 0 when every entry
// verifies, printing the head hash to compare with one noted earlier; exits 1 at the first broken
// entry. Through the running server on the embedded database, or directly when none runs.
import { runFromCommandLine } from '../server/control/command-line.js';

await runFromCommandLine({ command: 'audit:verify', args: {} });
