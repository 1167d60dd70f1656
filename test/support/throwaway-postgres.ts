// A Postgres cluster of the test's own (scripts/throwaway-postgres.sh), which the test may
// restart or stop without touching the one the rest of the suite uses.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const script = fileURLToPath(new URL('../../scripts/throwaway-postgres.sh', import.meta.url));
const run = promisify(execFile);

export interface OwnPostgres {
  url: string;
  /** pg_ctl restart -m fast; resolves once Postgres accepts connections again. */
  restart(): Promise<void>;
  /** pg_ctl stop -m immediate, as a crash would. */
  halt(): Promise<void>;
  /** Starts it again after halt(); resolves once it accepts connections. */
  resume(): Promise<void>;
  stop(): Promise<void>;
}

export async function startOwnPostgres(): Promise<OwnPostgres> {
  const { stdout } = await run('bash', [script, 'start']);
  const url = /DATABASE_URL=(\S+)/.exec(stdout)?.[1];
  const dir = /PG_THROWAWAY_DIR=(\S+)/.exec(stdout)?.[1];
  if (!url || !dir) throw new Error(`throwaway-postgres.sh start printed no DATABASE_URL: ${stdout}`);
  const bounce = async (action: string) => void (await run('bash', [script, action, dir]));
  return {
    url,
    restart: () => bounce('restart'),
    halt: () => bounce('halt'),
    resume: () => bounce('resume'),
    stop: () => bounce('stop'),
  };
}
