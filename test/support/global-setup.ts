// Builds the server and the browser bundles once (if sources changed), so that pages under
// test load the code users get and process tests run what `npm start` runs.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  execFileSync(process.execPath, [fileURLToPath(new URL('../../scripts/build.mjs', import.meta.url)), '--if-needed'], {
    stdio: 'inherit',
  });
}
