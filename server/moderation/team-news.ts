// Nothing silent (issue 26): at the top of the console, each team change and key rotation since
// this moderator's last login — who made it, who approved it (or that nobody could), and whether
// they were left out of a rotation. Read from the audit log, between the seqs the login recorded.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { sessionIdHash } from '../../common/protocol/opaque-tokens.js';
import type { Json } from '../../common/protocol/canonical-json.js';
import { englishAuditLabel, type AuditAction, type AuditEntry, type AuditLabel } from '../audit/log.js';
import type { ModeratorIdentity } from './team-service.js';

/** The audit actions that change who is on the team or who holds which key. */
export const TEAM_NEWS_ACTIONS: readonly AuditAction[] = [
  'moderator.invited',
  'moderator.reenrolment_started',
  'moderator.role_changed',
  'moderator.disabled',
  'moderator.invitation_confirmed',
  'intake_key.granted',
  'intake_key.rotated',
  'team_change.proposed',
  'team_change.refused',
];

export interface TeamNewsItem {
  seq: number;
  day: string;
  text: string;
  madeBy: string;
  approvedBy: string;
  leftOut: boolean;
}

const detail = (details: Json | undefined, name: string): Json | undefined => (details !== null && typeof details === 'object' && !Array.isArray(details) ? details[name] : undefined);

function approvalWords(entry: AuditEntry): string {
  const approvedBy = detail(entry.details, 'approvedBy');
  if (typeof approvedBy === 'string') return approvedBy;
  if (entry.action === 'team_change.proposed') return 'waiting for a second administrator';
  if (entry.action === 'team_change.refused' || entry.action === 'moderator.invitation_confirmed') return '—';
  if (entry.actor === 'system') return detail(entry.details, 'fromShell') === true ? 'nobody: made from the shell by the operator' : 'nobody: made by the operator';
  return 'nobody: the only administrator made it alone';
}

export function describeNews(entry: AuditEntry, me: ModeratorIdentity, label: AuditLabel = englishAuditLabel): TeamNewsItem {
  const handle = detail(entry.details, 'handle');
  const role = detail(entry.details, 'role');
  const leftOutList = detail(entry.details, 'leftOut');
  const leftOut = entry.action === 'intake_key.rotated' && Array.isArray(leftOutList) && leftOutList.includes(me.handle);
  const change = detail(entry.details, 'change');
  const subject = typeof handle === 'string' ? ` ${handle}` : '';
  const roleText = typeof role === 'string' ? ` (${label('moderatorRoles', role)})` : '';
  const changeText = typeof change === 'string' ? ` — ${change}` : '';
  return {
    seq: entry.seq,
    day: entry.day,
    text: `${label('auditActions', entry.action)}${changeText}:${subject}${roleText}`.replace(/:$/, ''),
    madeBy: entry.actor === 'system' ? 'the operator' : entry.actor.handle,
    approvedBy: approvalWords(entry),
    leftOut,
  };
}

/** The team news this session shows; empty once nothing changed since the moderator's last login. */
export async function teamNewsFor(db: Kysely<Database>, sessionId: string, me: ModeratorIdentity, label: AuditLabel = englishAuditLabel): Promise<TeamNewsItem[]> {
  const session = await db.selectFrom('sessions').select(['news_from_seq', 'news_upto_seq']).where('id_hash', '=', sessionIdHash(sessionId)).executeTakeFirst();
  if (!session || session.news_upto_seq <= session.news_from_seq) return [];
  const rows = await db.selectFrom('audit_log').select('entry').where('seq', '>', session.news_from_seq).where('seq', '<=', session.news_upto_seq).orderBy('seq').execute();
  return rows
    .map((row) => JSON.parse(row.entry) as AuditEntry)
    .filter((entry) => TEAM_NEWS_ACTIONS.includes(entry.action))
    .map((entry) => describeNews(entry, me, label));
}
