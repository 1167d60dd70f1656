// `npm run dkim:keys -- add DOMAIN SELECTOR KEY | list | remove DOMAIN SELECTOR | domains |
// domain-add PLATFORM DOMAIN | domain-remove DOMAIN` (docs/signed-email.md); through the running
// server on the embedded database, or directly when none runs.
import { runFromCommandLine } from '../server/control/command-line.js';

const [action = '', a, b, c] = process.argv.slice(2);
const args: Record<string, string> = { action };
for (const [name, value] of Object.entries({ a, b, c })) if (value !== undefined) args[name] = value;
await runFromCommandLine({ command: 'dkim:keys', args });
