// What the serving process offers its operator besides HTTP: the control channel (embedded
// database only), a pid file for `npm stop`, and on a fresh install the first invitation.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { DatabaseKind } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { invitationUrl, inviteFirstAdministrator } from '../moderation/team-service.js';
import { startControlChannel, type ControlChannelLog } from './channel.js';
import { pasteableCommand } from './installation.js';

export function pidFilePath(dataDir: string): string {
  return path.join(dataDir, 'server.pid');
}

/** The origin the last server on DATA_DIR served at: invitations made while it is stopped use it too. */
export function servedOriginPath(dataDir: string): string {
  return path.join(dataDir, 'public-origin');
}

/** The first administrator's next step, printed on the terminal (not the JSON log) so a person reads it. */
async function announceFirstAdministrator(db: Kysely<Database>, config: Config): Promise<void> {
  const first = await inviteFirstAdministrator(db);
  if (first.state === 'enrolled') return;
  if (first.state === 'invited') {
    console.log(
      [
        '',
        `No administrator yet. Open this one-time invitation to enrol as "${first.handle}" (valid for 48 hours; it is printed only now):`,
        `  ${invitationUrl(config, first.token)}`,
        `Lost it? Another, from any terminal (works while this server runs):`,
        `  ${pasteableCommand(config, 'npm run admin:invite -- --handle NAME')}`,
        '',
      ].join('\n'),
    );
  } else {
    console.log(
      `No administrator yet: use the invitation printed when this server first started (valid until ${first.expiresAt.toISOString()}), ` +
        `or another: ${pasteableCommand(config, 'npm run admin:invite -- --handle NAME')}`,
    );
  }
}

export async function startOperatorSide(
  db: Kysely<Database>,
  config: Config,
  kind: DatabaseKind,
  log: ControlChannelLog & { warn(obj: { err: unknown }, msg: string): void },
): Promise<{ stop(): Promise<void> }> {
  const channel =
    kind === 'pglite'
      ? await startControlChannel(db, config, log).catch((err: unknown) => {
          // A DATA_DIR path too long for a unix socket (about 100 bytes), say: serve all the same.
          log.warn({ err }, 'control channel unavailable: operator commands need this server stopped');
          return undefined;
        })
      : undefined;
  const pidFile = pidFilePath(config.dataDir);
  // Neither is worth stopping a server that already serves: say what is missing and go on.
  await mkdir(config.dataDir, { recursive: true })
    .then(() => writeFile(pidFile, `${process.pid}\n`))
    .then(() => writeFile(servedOriginPath(config.dataDir), `${config.publicOrigin}\n`))
    .catch((err: unknown) => log.warn({ err }, `no pid file in ${config.dataDir}: npm stop will not find this server`));
  await announceFirstAdministrator(db, config).catch((err: unknown) =>
    log.warn({ err }, `could not check for a first administrator; ${pasteableCommand(config, 'npm run admin:invite -- --handle NAME')} makes an invitation`),
  );
  return {
    async stop() {
      await channel?.stop();
      // Another server may have started on this directory since (Postgres needs no lock): leave its file.
      if ((await readFile(pidFile, 'utf8').catch(() => '')).trim() === String(process.pid)) await rm(pidFile, { force: true });
    },
  };
}
