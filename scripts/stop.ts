// `npm stop`: stops the server that `npm start` runs from this directory's DATA_DIR, gracefully
// (SIGTERM: in-flight requests finish, the database closes), and waits until it has exited.
import { readFile } from 'node:fs/promises';
import { loadConfig } from '../server/config.js';
import { processIsAlive } from '../server/control/process-alive.js';
import { pidFilePath, servedOriginPath } from '../server/control/serving.js';
import { describeError } from '../server/i18n/error-messages.js';

const STOP_TIMEOUT_MS = 20_000;

/** On Linux, a pid reused by some other program since the server died is not ours to signal. */
async function isOurServer(pid: number): Promise<boolean> {
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
  return cmdline === undefined || cmdline.includes('server/main.js');
}

try {
  const { dataDir } = loadConfig();
  const served = (await readFile(servedOriginPath(dataDir), 'utf8').catch(() => '')).trim();
  const pid = Number((await readFile(pidFilePath(dataDir), 'utf8').catch(() => '')).trim());
  if (!Number.isSafeInteger(pid) || pid <= 0 || !processIsAlive(pid) || !(await isOurServer(pid))) {
    console.log(`No server is running from ${dataDir}${served ? ` (it last served ${served})` : ''}.`);
  } else {
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + STOP_TIMEOUT_MS;
    while (processIsAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (processIsAlive(pid)) {
      console.error(`offscript: the server (process ${pid}) is still closing after ${STOP_TIMEOUT_MS / 1000} s.`);
      process.exitCode = 1;
    } else {
      console.log(`Stopped the server at ${served || 'its origin'} (process ${pid}) running from ${dataDir}.`);
    }
  }
} catch (error) {
  console.error(`offscript: ${describeError(error, String(error))}`);
  process.exitCode = 1;
}
