// `npm run clock:confirm`: after checking the machine's date, takes the present reading as right,
// so that retention and releases held by a clock that moved too far act again (docs/faults.md).
import { runFromCommandLine } from '../server/control/command-line.js';

await runFromCommandLine({ command: 'clock:confirm', args: {} });
