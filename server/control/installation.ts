// Which installation an operator command acts on, said in every command's output (issue 28): the
// data directory or the database (never its password), and the server it went through, if any.
import path from 'node:path';
import type { Config } from '../config.js';

/** The serving process that answered on the control channel. */
export interface ServingProcess {
  origin: string;
  pid: number;
}

/** "the PGlite data directory /srv/offscript/data", or "the Postgres database db.example:5432/offscript". */
export function describeStorage(config: Pick<Config, 'dataDir' | 'databaseUrl'>): string {
  if (!config.databaseUrl) return `the PGlite data directory ${config.dataDir}`;
  const url = new URL(config.databaseUrl);
  return `the Postgres database ${url.host}${url.pathname}`;
}

/** One line: what the command acted on, and through which server (or none). */
export function describeInstallation(config: Pick<Config, 'dataDir' | 'databaseUrl'>, server: ServingProcess | undefined): string {
  const where = describeStorage(config);
  if (server) return `acted on ${where}, run inside the server at ${server.origin} (process ${server.pid})`;
  return config.databaseUrl ? `acted on ${where}, connected directly` : `acted on ${where}, opened directly (no server is running on it)`;
}

/** A word for a shell, quoted only when it needs to be. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * An npm command that acts on this very installation when pasted into any terminal: from the
 * project's directory, with DATA_DIR (embedded database) or the origin to use (Postgres, whose
 * DATABASE_URL holds a password and is never printed).
 */
export function pasteableCommand(config: Pick<Config, 'dataDir' | 'databaseUrl' | 'publicOrigin'>, npmCommand: string, projectDir = process.cwd()): string {
  const where = config.databaseUrl ? `PUBLIC_ORIGIN=${shellWord(config.publicOrigin)}` : `DATA_DIR=${shellWord(path.resolve(config.dataDir))}`;
  const command = `cd ${shellWord(projectDir)} && ${where} ${npmCommand}`;
  return config.databaseUrl ? `${command}   (with this server's DATABASE_URL set)` : command;
}
