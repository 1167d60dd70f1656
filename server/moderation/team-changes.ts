// Team changes no one makes alone (issue 26, DESIGN §4, docs/team-changes.md): wherever the team
// has two or more active administrators, an invitation, re-enrolment, role change, disabling, grant
// or rotation is stored as a proposal and applies only when another administrator approves it
// (with a fresh passkey assertion, checked by the route). With one administrator it applies at
// once; every moderator is shown it at their next login either way (team news).
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Config } from '../config.js';
import { todayUtc } from '../db/day.js';
import type { Database, ModeratorRole } from '../db/schema.js';
import { CodedError } from '../../common/errors.js';
import type { ProposalView, TeamChangeOutcomeView, TeamChangeView } from '../../common/moderation/team-view.js';
import { moderatorRoles } from '../../common/vocabulary.js';
import { teamChangeRefusal, transition, type TeamChangeEvent, type TeamChangeKind } from '../../common/workflow.js';
import { appendAuditEntry } from '../audit/log.js';
import { HANDLE_PATTERN } from './schemas.js';
import {
  applyDisable,
  applyGrant,
  applyInvitation,
  applyReenrolment,
  applyRoleChange,
  applyRotation,
  decodeGrants,
  decodeRotation,
  invitationUrl,
  refuseUnverifiedShellAdministrator,
  type ApprovedBy,
  type GrantInput,
  type KeyPolicy,
  type ModeratorIdentity,
  type Rotation,
} from './team-service.js';

/** A team change as a route asks for it; its payload is what the route's schema already checked. */
export type TeamChangeRequest =
  | { kind: 'invite'; subjectId?: undefined; payload: { handle: string; role: ModeratorRole } }
  | { kind: 'reenrol'; subjectId: string; payload: Record<string, never> }
  | { kind: 'role'; subjectId: string; payload: { role: ModeratorRole } }
  | { kind: 'disable'; subjectId: string; payload: Record<string, never> }
  | { kind: 'grant'; subjectId: string; payload: { grants: GrantInput[] } }
  | { kind: 'rotate'; subjectId?: undefined; payload: Rotation };

export type TeamChangeOutcome = { state: 'applied'; outcome: TeamChangeOutcomeView } | { state: 'proposed'; view: ProposalView };

type Settings = KeyPolicy & Pick<Config, 'publicOrigin'>;

/** The same checks a change gets when it applies, made when it is proposed: bad input is a 4xx, and nothing is stored. */
function checkShape(request: TeamChangeRequest, admin: ModeratorIdentity): void {
  switch (request.kind) {
    case 'invite':
      if (!new RegExp(HANDLE_PATTERN).test(request.payload.handle)) throw new CodedError('bad_handle');
      return;
    case 'reenrol':
      if (request.subjectId === admin.id) throw new CodedError('reenrol_self');
      return;
    case 'grant':
      decodeGrants(request.payload.grants);
      return;
    case 'rotate':
      decodeRotation(request.payload);
      return;
    default:
      return;
  }
}

async function apply(trx: Transaction<Database>, settings: Settings, proposer: ModeratorIdentity, request: TeamChangeRequest, approvedBy: ApprovedBy): Promise<TeamChangeOutcomeView> {
  switch (request.kind) {
    case 'invite': {
      const { token } = await applyInvitation(trx, request.payload, proposer, approvedBy);
      return { kind: 'invite', url: invitationUrl(settings, token) };
    }
    case 'reenrol': {
      const { token } = await applyReenrolment(trx, proposer, request.subjectId, approvedBy);
      return { kind: 'reenrol', url: invitationUrl(settings, token) };
    }
    case 'role':
      await applyRoleChange(trx, proposer, request.subjectId, request.payload.role, approvedBy);
      return { kind: 'role' };
    case 'disable':
      await applyDisable(trx, proposer, request.subjectId, approvedBy);
      return { kind: 'disable' };
    case 'grant':
      await applyGrant(trx, settings, proposer, request.subjectId, request.payload.grants, approvedBy);
      return { kind: 'grant' };
    case 'rotate':
      return { kind: 'rotate', ...(await applyRotation(trx, settings, proposer, request.payload, approvedBy)) };
  }
}

async function activeAdministrators(trx: Transaction<Database>): Promise<number> {
  const rows = await trx.selectFrom('moderators').select('id').where('role', '=', 'administrator').where('status', '=', 'active').execute();
  return rows.length;
}

/** Applies a team change at once where `admin` is the only administrator; otherwise stores it as a proposal. */
export async function proposeOrApply(db: Kysely<Database>, settings: Settings, admin: ModeratorIdentity, request: TeamChangeRequest, now = new Date()): Promise<TeamChangeOutcome> {
  checkShape(request, admin);
  return db.transaction().execute(async (trx): Promise<TeamChangeOutcome> => {
    // Serialises proposals against a second administrator enrolling meanwhile.
    await trx.selectFrom('moderators').select('id').where('id', '=', admin.id).forUpdate().execute();
    if ((await activeAdministrators(trx)) < 2) return { state: 'applied', outcome: await apply(trx, settings, admin, request, undefined) };
    // Refused now rather than at approval: an administrator from the shell proposes no rotation until verified.
    if (request.kind === 'rotate') await refuseUnverifiedShellAdministrator(trx, admin);
    // What would refuse it at approval refuses it now: nobody approves a change that cannot apply.
    const subject = request.subjectId ? await trx.selectFrom('moderators').select(['handle', 'status']).where('id', '=', request.subjectId).executeTakeFirst() : undefined;
    if (request.subjectId && !subject) throw new CodedError('unknown_moderator');
    if (subject && subject.status !== 'active') throw new CodedError('moderator_not_active', { handle: subject.handle });
    if (request.kind === 'invite') {
      const existing = await trx.selectFrom('moderators').select('status').where('handle', '=', request.payload.handle).executeTakeFirst();
      if (existing && existing.status !== 'invited') throw new CodedError('handle_taken', { handle: request.payload.handle });
    }
    const id = randomUUID();
    await trx
      .insertInto('team_changes')
      .values({
        id,
        kind: request.kind,
        subject_id: request.subjectId ?? null,
        payload: JSON.stringify(request.payload),
        proposed_by: admin.id,
        proposed_on: todayUtc(now),
        status: transition('teamChange', null, 'propose', 'administrator'),
      })
      .execute();
    await appendAuditEntry(trx, {
      actor: { id: admin.id, handle: admin.handle },
      action: 'team_change.proposed',
      ...(request.subjectId ? { subject: { type: 'moderator' as const, id: request.subjectId } } : {}),
      details: { change: request.kind, proposal: id, ...(subject ? { handle: subject.handle } : request.kind === 'invite' ? { handle: request.payload.handle } : {}) },
    });
    return { state: 'proposed', view: { proposal: { id, kind: request.kind } } };
  });
}

/** Approves, refuses or withdraws a proposal (the transition table in common/workflow.ts says who may). */
export async function decideTeamChange(
  db: Kysely<Database>,
  settings: Settings,
  by: ModeratorIdentity,
  id: string,
  event: TeamChangeEvent,
  now = new Date(),
): Promise<TeamChangeOutcomeView> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('team_changes')
      .innerJoin('moderators', 'moderators.id', 'team_changes.proposed_by')
      .select([
        'team_changes.id',
        'team_changes.kind',
        'team_changes.subject_id',
        'team_changes.payload',
        'team_changes.status',
        'team_changes.proposed_by',
        'moderators.handle',
        'moderators.role',
        'moderators.status as proposerStatus',
      ])
      .where('team_changes.id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw new CodedError('unknown_team_change');
    const status = transition('teamChange', row.status, event, by.role === 'administrator' ? 'administrator' : 'moderator');
    const refusal = teamChangeRefusal({ proposedBy: row.proposed_by }, event, by.id);
    if (refusal) throw new CodedError(refusal);
    const kind = row.kind;
    let outcome: TeamChangeOutcomeView = { kind };
    if (event === 'approve') {
      // Applied in the proposer's name (they made it), with the approver named beside them.
      if (row.proposerStatus !== 'active' || row.role !== 'administrator') throw new CodedError('moderator_not_active', { handle: row.handle });
      const proposer: ModeratorIdentity = { id: row.proposed_by, handle: row.handle, role: row.role };
      const request = { kind, subjectId: row.subject_id ?? undefined, payload: JSON.parse(row.payload) as unknown } as TeamChangeRequest;
      outcome = await apply(trx, settings, proposer, request, by);
    } else {
      await appendAuditEntry(trx, {
        actor: { id: by.id, handle: by.handle },
        action: event === 'refuse' ? 'team_change.refused' : 'team_change.withdrawn',
        ...(row.subject_id ? { subject: { type: 'moderator' as const, id: row.subject_id } } : {}),
        details: { change: kind, proposal: row.id },
      });
    }
    await trx
      .updateTable('team_changes')
      .set({ status, decided_by: by.id, decided_on: todayUtc(now) })
      .where('id', '=', row.id)
      .execute();
    return outcome;
  });
}

const kindWords: Record<TeamChangeKind, string> = {
  invite: 'Invite',
  reenrol: 'Re-enrol',
  role: 'Change the role of',
  disable: 'Disable',
  grant: 'Grant the intake key to',
  rotate: 'Rotate the intake key',
};

/** The proposals waiting for a second administrator, in words. */
export async function listProposals(db: Kysely<Database>): Promise<TeamChangeView[]> {
  const rows = await db
    .selectFrom('team_changes')
    .innerJoin('moderators as proposer', 'proposer.id', 'team_changes.proposed_by')
    .leftJoin('moderators as subject', 'subject.id', 'team_changes.subject_id')
    .select(['team_changes.id', 'team_changes.kind', 'team_changes.payload', 'team_changes.proposed_on', 'proposer.handle as proposedBy', 'subject.handle as subjectHandle'])
    .where('team_changes.status', '=', 'proposed')
    .orderBy('team_changes.proposed_on')
    .orderBy('team_changes.id')
    .execute();
  return rows.map((r) => {
    const payload = JSON.parse(r.payload) as { handle?: string; role?: string; grants?: unknown[] };
    const who = r.subjectHandle ?? payload.handle ?? '';
    const role = payload.role ? ` (${moderatorRoles.labelOf(payload.role)})` : '';
    return {
      id: r.id,
      kind: r.kind,
      subjectHandle: r.subjectHandle,
      proposedBy: r.proposedBy,
      proposedOn: r.proposed_on,
      summary: `${kindWords[r.kind]}${who ? ` ${who}` : ''}${role}`,
    };
  });
}
