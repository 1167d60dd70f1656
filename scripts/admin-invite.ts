// `npm run admin:invite -- --handle NAME [--role administrator|moderator]`: prints a one-time
// invitation URL on PUBLIC_ORIGIN (valid 48 hours); through the running server on the embedded
// database, or directly when none runs. The first administrator's browser creates the intake key.
import { parseArgs } from 'node:util';
import { runFromCommandLine } from '../server/control/command-line.js';
import { describeError } from '../server/i18n/error-messages.js';

let args: Record<string, string>;
try {
  const { values } = parseArgs({ options: { handle: { type: 'string' }, role: { type: 'string' } } });
  args = Object.fromEntries(Object.entries(values).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
} catch (error) {
  console.error(`offscript: ${describeError(error, String(error))}`);
  process.exit(2);
}
await runFromCommandLine({ command: 'admin:invite', args });
