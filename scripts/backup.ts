// `npm run backup -- --key OPERATOR_PUBLIC_KEY --out FILE`: a logical dump of the live rows (no
// WAL, no dead row), sealed to the operator's public key; through the running server on the
// embedded database, or directly when none runs. `npm run backup -- --new-key SECRET_KEY_FILE`
// makes the operator's key pair: the secret key goes to that file (keep it off the server), the
// public key is printed for --key. See docs/threat-model-storage.md.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runFromCommandLine } from '../server/control/command-line.js';
import { describeError } from '../server/i18n/error-messages.js';
import { generateBackupKeyPair } from '../common/protocol/backup.js';
import { toBase64 } from '../common/protocol/encoding.js';
import { loadSodium } from '../common/protocol/sodium.js';

try {
  const { values } = parseArgs({ options: { key: { type: 'string' }, out: { type: 'string' }, 'new-key': { type: 'string' } } });
  if (values['new-key']) {
    const sodium = await loadSodium();
    const pair = generateBackupKeyPair(sodium);
    await writeFile(values['new-key'], `${toBase64(sodium, pair.privateKey)}\n`, { flag: 'wx', mode: 0o600 });
    console.log(`secret key written to ${values['new-key']}: keep it off the server; restore needs it.`);
    console.log(`public key (for npm run backup -- --key): ${toBase64(sodium, pair.publicKey)}`);
  } else {
    // The server may run elsewhere in the file system: it is given the absolute path.
    const args = { ...(values.key ? { key: values.key } : {}), ...(values.out ? { out: path.resolve(values.out) } : {}) };
    await runFromCommandLine({ command: 'backup', args });
  }
} catch (error) {
  console.error(`offscript: ${describeError(error, String(error))}`);
  process.exitCode = 2;
}
