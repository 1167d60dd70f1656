// The operator commands (DESIGN §2): the same functions run inside the serving process (through
// the control channel) or in the command's own process when no server holds the database.
import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { Database, ModeratorRole } from '../db/schema.js';
import { CodedError } from '../../common/errors.js';
import { codedErrorMessage } from '../../common/error-messages.js';
import { verifyAuditChain } from '../audit/log.js';
import { purgeExpiredSubmissions } from '../moderation/retention.js';
import { invitationUrl, inviteModerator } from '../moderation/team-service.js';
import { releaseDueBatch } from '../publishing/release.js';

/** What a command prints and the exit code it ends with. */
export interface CommandOutcome {
  lines: string[];
  exitCode: number;
}

export interface CommandRequest {
  command: OperatorCommand;
  args: Record<string, string>;
}

export const OPERATOR_COMMANDS = ['admin:invite', 'release', 'purge', 'audit:verify'] as const;
export type OperatorCommand = (typeof OPERATOR_COMMANDS)[number];

export function isOperatorCommand(name: unknown): name is OperatorCommand {
  return typeof name === 'string' && (OPERATOR_COMMANDS as readonly string[]).includes(name);
}

const ROLES: readonly ModeratorRole[] = ['administrator', 'moderator'];

type Run = (db: Kysely<Database>, config: Config, args: Record<string, string>) => Promise<CommandOutcome>;

const RUNS: Record<OperatorCommand, Run> = {
  async 'admin:invite'(db, config, { handle, role = 'administrator' }) {
    if (!handle) return refused('usage: npm run admin:invite -- --handle NAME [--role administrator|moderator]');
    if (!ROLES.includes(role as ModeratorRole)) return refused('--role must be administrator or moderator');
    const { token } = await inviteModerator(db, { handle, role: role as ModeratorRole }, 'operator');
    return done(
      `Invitation for ${handle} (${role}), valid for 48 hours — send it by a private channel:`,
      invitationUrl(config, token),
    );
  },
  async release(db, config) {
    const batch = await releaseDueBatch(db, config);
    return done(
      batch
        ? `released batch ${batch.sequence}: ${batch.storyCount} stories; ${batch.statisticsRefreshed ? `statistics refreshed in ${batch.statisticsMs.toFixed(0)} ms` : 'statistics carried over (fewer than K_MIN accounts changed, or refreshed less than a week ago)'}`
        : `no batch is due (needs ${config.batchMin} approved stories, the oldest accepted at least ${config.batchDelayDays} days ago)`,
    );
  },
  async purge(db, config) {
    const { purged } = await purgeExpiredSubmissions(db, { retentionDays: config.retentionDays });
    return done(`purged ${purged} submission${purged === 1 ? '' : 's'} decided at least ${config.retentionDays} days ago`);
  },
  async 'audit:verify'(db) {
    // The head hash is printed to compare with one noted earlier: the chain alone cannot show
    // that its newest entries were deleted.
    const result = await verifyAuditChain(db);
    return result.ok
      ? done(`audit log intact: ${result.entries} entries, head ${result.headHash}`)
      : { lines: [`audit log BROKEN at entry ${result.brokenAt}: ${result.reason}`], exitCode: 1 };
  },
};

function done(...lines: string[]): CommandOutcome {
  return { lines, exitCode: 0 };
}

function refused(line: string): CommandOutcome {
  return { lines: [line], exitCode: 2 };
}

/** Runs one command; a refusal by a service (a taken handle…) is an outcome, not a crash. */
export async function runCommand(db: Kysely<Database>, config: Config, request: CommandRequest): Promise<CommandOutcome> {
  try {
    return await RUNS[request.command](db, config, request.args);
  } catch (error) {
    if (error instanceof CodedError) return { lines: [codedErrorMessage(error)], exitCode: 1 };
    throw error;
  }
}
