// The operator commands (DESIGN §2): the same functions run inside the serving process (through
// the control channel) or in the command's own process when no server holds the database.
import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { Database, ModeratorRole } from '../db/schema.js';
import { CodedError } from '../../common/errors.js';
import { codedErrorMessage } from '../i18n/error-messages.js';
import { verifyAuditChain } from '../audit/log.js';
import { purgeExpiredSubmissions } from '../moderation/retention.js';
import { markScrubDue, scrubDeletedData, takeScrubDue } from '../db/scrub.js';
import { invitationUrl, inviteModerator } from '../moderation/team-service.js';
import { releaseDueBatch } from '../publishing/release.js';
import { migrateToLatest } from '../db/migrator.js';
import { publishedAuditHeads, type AuditHead } from '../publishing/releases.js';
import { AUDIT_GENESIS_HASH } from '../../common/protocol/digest.js';

/** The releases whose published audit head the (verified) chain of `entries` entries no longer reaches. */
async function releasesNotMatchingAuditLog(db: Kysely<Database>, entries: number): Promise<Array<AuditHead & { sequence: number; found?: string }>> {
  const mismatched: Array<AuditHead & { sequence: number; found?: string }> = [];
  for (const head of await publishedAuditHeads(db)) {
    if (head.length > entries) {
      mismatched.push(head);
      continue;
    }
    const row = head.length === 0 ? undefined : await db.selectFrom('audit_log').select('hash').where('seq', '=', head.length).executeTakeFirst();
    const found = Buffer.from(row ? row.hash : AUDIT_GENESIS_HASH).toString('hex');
    if (found !== head.hash) mismatched.push({ ...head, found });
  }
  return mismatched;
}
import { writeFile } from 'node:fs/promises';
import { sealedBackup } from '../db/backup.js';
import { BACKUP_PUBLIC_KEY_BYTES } from '../../common/protocol/backup.js';
import { fromBase64 } from '../../common/protocol/encoding.js';
import { keyFingerprint } from '../../common/protocol/fingerprint.js';
import { loadSodium } from '../../common/protocol/sodium.js';
import { ClockGuard, confirmClock, describeClockVerdict } from '../clock/guard.js';
import { dkimKeysCommand } from '../evidence/dkim-keys-command.js';

/** What a command prints and the exit code it ends with. */
export interface CommandOutcome {
  lines: string[];
  exitCode: number;
}

export interface CommandRequest {
  command: OperatorCommand;
  args: Record<string, string>;
}

export const OPERATOR_COMMANDS = ['admin:invite', 'release', 'purge', 'audit:verify', 'migrate', 'status', 'backup', 'clock:confirm', 'dkim:keys'] as const;
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
    return done(`Invitation for ${handle} (${role}), valid for 48 hours — send it by a private channel:`, invitationUrl(config, token));
  },
  async release(db, config) {
    const held = await clockHold(db, config);
    if (held) return held;
    const batch = await releaseDueBatch(db, { ...config, refreshWithoutStories: true });
    return done(
      ...(batch
        ? [
            `released batch ${batch.sequence}: ${batch.storyCount} stories; ${batch.statisticsRefreshed ? `statistics refreshed in ${batch.statisticsMs.toFixed(0)} ms` : 'statistics carried over (the next refresh is on the schedule: the first of the month)'}`,
            ...(batch.statisticsRefused ? [batch.statisticsRefused] : []),
          ]
        : [`no batch is due (needs ${config.batchMin} approved stories, the oldest accepted at least ${config.batchDelayDays} days ago), and the statistics refreshed on schedule already`]),
    );
  },
  async purge(db, config) {
    const held = await clockHold(db, config);
    if (held) return held;
    const { purged } = await purgeExpiredSubmissions(db, { retentionDays: config.retentionDays });
    // And at once what the hourly scrub would do: no deleted row's bytes left in any file.
    await takeScrubDue(db);
    const scrub = await scrubDeletedData(db);
    if (!scrub.complete) await markScrubDue(db);
    return done(
      `purged ${purged} submission${purged === 1 ? '' : 's'} decided at least ${config.retentionDays} days ago`,
      `scrubbed ${scrub.rewritten.length} tables and the WAL in ${scrub.ms.toFixed(0)} ms`,
      ...(scrub.complete ? [] : ['warning: a transaction older than the scrub still held a snapshot, so rows deleted before it may remain; the hourly scrub rewrites the tables again']),
      ...scrub.warnings.map((w) => `warning: ${w}`),
    );
  },
  async backup(db, _config, { key, out }) {
    if (!key || !out) return refused('usage: npm run backup -- --key OPERATOR_PUBLIC_KEY --out FILE   (a key pair: npm run backup -- --new-key SECRET_KEY_FILE)');
    const sodium = await loadSodium();
    const publicKey = fromBase64(sodium, key, '--key');
    if (publicKey.length !== BACKUP_PUBLIC_KEY_BYTES) return refused(`--key must be a ${BACKUP_PUBLIC_KEY_BYTES}-byte public key in base64`);
    const sealed = await sealedBackup(db, publicKey);
    // Never over an existing file, and readable by this user only.
    await writeFile(out, sealed, { flag: 'wx', mode: 0o600 });
    return done(`wrote ${out} (${sealed.length} bytes): a logical dump sealed to key ${keyFingerprint(sodium, publicKey)}`);
  },
  // Inside a server this finds nothing to apply (it migrated at start), and says so.
  async migrate(db) {
    const applied = await migrateToLatest(db);
    return done(applied.length ? `applied: ${applied.join(', ')}` : 'nothing to apply: every migration is in place');
  },
  // Only who answers matters: the installation line names the server.
  async status() {
    return done('a server is running on it');
  },
  async 'clock:confirm'(db) {
    const now = await confirmClock(db);
    return done(`clock confirmed at ${now.toISOString()}: retention and releases act again from this time (check the date first: a wrong one here is taken as right)`);
  },
  async 'dkim:keys'(db, _config, args) {
    const { lines, ok } = await dkimKeysCommand(db, args);
    return { lines, exitCode: ok ? 0 : 1 };
  },
  async 'audit:verify'(db) {
    // The head hash is printed to compare with one noted earlier: the chain alone cannot show
    // that its newest entries were deleted.
    const result = await verifyAuditChain(db);
    if (!result.ok) return { lines: [`audit log BROKEN at entry ${result.brokenAt}: ${result.reason}`], exitCode: 1 };
    // Each release published the head it saw (issue 26): a truncated or rewritten log no longer reaches it.
    const mismatched = await releasesNotMatchingAuditLog(db, result.entries);
    if (mismatched.length > 0) {
      return {
        lines: mismatched.map(
          (m) =>
            `audit log does NOT MATCH release ${m.sequence}: it published ${m.length} entries with head ${m.hash}; ${m.found === undefined ? `the log now holds ${result.entries}` : `entry ${m.length} now hashes to ${m.found}`}`,
        ),
        exitCode: 1,
      };
    }
    const releases = (await publishedAuditHeads(db)).length;
    return done(
      `audit log intact: ${result.entries} entries, head ${result.headHash}${releases > 0 ? `; it reaches the audit head published by each of ${releases} release${releases === 1 ? '' : 's'}` : ''}`,
    );
  },
};

/** A release or purge by date waits, like the jobs, while the clock is far from the latest time seen. */
async function clockHold(db: Kysely<Database>, config: Config): Promise<CommandOutcome | undefined> {
  const verdict = await new ClockGuard(db, { marginMinutes: config.clockMarginMinutes }).check();
  return verdict.state === 'ok' ? undefined : { lines: [`not done: ${describeClockVerdict(verdict)}`], exitCode: 1 };
}

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
