// What every operator script does: run the command where the database is, print, set the exit code.
import { readFile } from 'node:fs/promises';
import { loadConfig, type Config } from '../config.js';
import { runOperatorCommand } from './channel.js';
import type { CommandRequest } from './commands.js';
import { servedOriginPath } from './serving.js';
import { describeError } from '../../common/error-messages.js';

/** Without PUBLIC_ORIGIN, PORT or HOST of its own, a command takes the origin the server last served at. */
async function withServedOrigin(config: Config, env: NodeJS.ProcessEnv): Promise<Config> {
  if (env.PUBLIC_ORIGIN || env.PORT || env.HOST) return config;
  const served = (await readFile(servedOriginPath(config.dataDir), 'utf8').catch(() => '')).trim();
  return served ? { ...config, publicOrigin: loadConfig({ PUBLIC_ORIGIN: served }).publicOrigin } : config;
}

export async function runFromCommandLine(request: CommandRequest): Promise<void> {
  try {
    const config = await withServedOrigin(loadConfig(), process.env);
    const { lines, exitCode, venue } = await runOperatorCommand(config, request);
    const print = exitCode === 0 ? console.log : console.error;
    for (const line of lines) print(line);
    if (venue === 'server') console.error(`(run inside the server holding ${config.dataDir})`);
    process.exitCode = exitCode;
  } catch (error) {
    console.error(`offscript: ${describeError(error, String(error))}`);
    process.exitCode = 1;
  }
}
