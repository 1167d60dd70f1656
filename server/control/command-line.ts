// What every operator script does: run the command where the database is, print, set the exit code.
import { ConfigError, loadConfig } from '../config.js';
import { runOperatorCommand } from './channel.js';
import type { CommandRequest } from './commands.js';

export async function runFromCommandLine(request: CommandRequest): Promise<void> {
  try {
    const config = loadConfig();
    const { lines, exitCode, venue } = await runOperatorCommand(config, request);
    const print = exitCode === 0 ? console.log : console.error;
    for (const line of lines) print(line);
    if (venue === 'server') console.error(`(run inside the server holding ${config.dataDir})`);
    process.exitCode = exitCode;
  } catch (error) {
    console.error(`offscript: ${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
