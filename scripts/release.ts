// `npm run release`: releases a batch now if one is due (BATCH_MIN, BATCH_DELAY_DAYS); through
// the running server on the embedded database, or directly when none runs.
import { runFromCommandLine } from '../server/control/command-line.js';

await runFromCommandLine({ command: 'release', args: {} });
