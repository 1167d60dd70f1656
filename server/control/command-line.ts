// What every operator script does: run the command where the database is, print, set the exit code.
import { readFile } from 'node:fs/promises';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { runOperatorCommand, serverOn } from './channel.js';
import type { CommandRequest } from './commands.js';
import { servedOriginPath } from './serving.js';
import { describeInstallation, describeStorage, pasteableCommand } from './installation.js';
import { describeError } from '../i18n/error-messages.js';

/** Without PUBLIC_ORIGIN, PORT or HOST of its own, a command takes the origin the server last served at. */
async function withServedOrigin(config: Config, env: NodeJS.ProcessEnv): Promise<Config> {
  if (env.PUBLIC_ORIGIN || env.PORT || env.HOST) return config;
  const served = (await readFile(servedOriginPath(config.dataDir), 'utf8').catch(() => '')).trim();
  return served ? { ...config, publicOrigin: loadConfig({ PUBLIC_ORIGIN: served }).publicOrigin } : config;
}

export async function runFromCommandLine(request: CommandRequest): Promise<void> {
  try {
    const config = await withServedOrigin(loadConfig(), process.env);
    const { lines, exitCode, server } = await runOperatorCommand(config, request);
    const print = exitCode === 0 ? console.log : console.error;
    for (const line of lines) print(line);
    // Always which installation: a command run in the wrong terminal says so at once.
    console.error(`offscript: ${describeInstallation(config, server)}`);
    process.exitCode = exitCode;
  } catch (error) {
    console.error(`offscript: ${describeError(error, String(error))}`);
    process.exitCode = 1;
  }
}

/**
 * For the commands that must open the embedded database themselves (seed, demo): a server holding
 * it is named, with the command that stops it, instead of PGlite's lock error.
 */
export async function refuseWhileServing(config: Config, what: string): Promise<void> {
  const server = await serverOn(config);
  if (!server) return;
  throw new ConfigError(
    `a server is running on ${describeStorage(config)} (${server.origin}, process ${server.pid}); ${what} needs it stopped first: ${pasteableCommand(config, 'npm stop')}`,
  );
}
