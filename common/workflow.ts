// The editorial workflow (DESIGN §4): the states of submissions, stories, moderators' accounts and
// team changes, the one table of transitions between them (at the end, `WORKFLOW`), and the guards
// that say who may. Services, routes and the console's pages ask this module instead of restating it;
// every status a service writes is the value of `transition()` (test/unit/status-writes.test.ts).
import { CodedError } from './errors.js';

export const SUBMISSION_STATUSES = ['received', 'in_review', 'needs_info', 'accepted', 'rejected', 'withdrawn'] as const;
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number];

/** Not decided yet: moderators may still decide, and still read and answer the source's messages. */
export const UNDECIDED_STATUSES = ['received', 'in_review', 'needs_info'] as const satisfies readonly SubmissionStatus[];

export function isUndecided(status: string): boolean {
  return (UNDECIDED_STATUSES as readonly string[]).includes(status);
}

export const STORY_STATUSES = ['draft', 'awaiting_second_review', 'approved', 'published', 'retracted'] as const;
export type StoryStatus = (typeof STORY_STATUSES)[number];

export const MODERATOR_STATUSES = ['invited', 'active', 'disabled'] as const;
export type ModeratorStatus = (typeof MODERATOR_STATUSES)[number];

interface StoryState {
  status: StoryStatus;
  authorId: string;
}

/** Why `moderatorId` may not approve or return this story, or undefined when they may (four-eyes rule). */
export function storyReviewRefusal(story: StoryState, moderatorId: string): 'own_draft' | 'not_awaiting_review' | undefined {
  if (story.authorId === moderatorId) return 'own_draft';
  if (!allows('story', story.status, 'approve')) return 'not_awaiting_review';
  return undefined;
}

/** Why `moderatorId` may not revise this story, or undefined when they may: only its author, only a draft. */
export function storyRevisionRefusal(story: StoryState, moderatorId: string): 'not_author' | 'not_a_draft' | undefined {
  if (story.authorId !== moderatorId) return 'not_author';
  if (!allows('story', story.status, 'revise')) return 'not_a_draft';
  return undefined;
}

interface ClaimState {
  status: SubmissionStatus;
  claimedBy: string | null;
}

/**
 * Why `moderatorId` may not start reviewing this submission, or undefined when they may. Taking a
 * submission over from another moderator is deliberate: it needs `takeOver`.
 */
export function claimRefusal(submission: ClaimState, moderatorId: string, takeOver: boolean): 'decided' | 'claimed_by_other' | undefined {
  if (!allows('submission', submission.status, 'claim')) return 'decided';
  if (submission.claimedBy !== null && submission.claimedBy !== moderatorId && !takeOver) return 'claimed_by_other';
  return undefined;
}

/** Why `moderatorId` may not decide or ask the source: another moderator holds the claim. Unclaimed submissions may be decided by anyone. */
export function decisionRefusal(submission: ClaimState, moderatorId: string): 'claimed_by_other' | undefined {
  return submission.claimedBy !== null && submission.claimedBy !== moderatorId ? 'claimed_by_other' : undefined;
}

/**
 * Team changes (DESIGN §4, issue 26): wherever the team has two or more administrators, each is a
 * proposal that another administrator approves, with a fresh passkey assertion, before it applies.
 */
export const TEAM_CHANGE_KINDS = ['invite', 'reenrol', 'role', 'disable', 'grant', 'rotate'] as const;
export type TeamChangeKind = (typeof TEAM_CHANGE_KINDS)[number];
export const TEAM_CHANGE_STATUSES = ['proposed', 'applied', 'refused', 'withdrawn'] as const;
export type TeamChangeStatus = (typeof TEAM_CHANGE_STATUSES)[number];
export type TeamChangeEvent = 'approve' | 'refuse' | 'withdraw';

/**
 * The proposer rule of a proposal's transitions (the table below says from which state and that
 * only administrators act): another administrator decides it; only its proposer withdraws it.
 */
export function teamChangeRefusal(change: { proposedBy: string }, event: TeamChangeEvent, byId: string): 'own_proposal' | 'not_proposer' | undefined {
  if (event === 'withdraw') return change.proposedBy !== byId ? 'not_proposer' : undefined;
  return change.proposedBy === byId ? 'own_proposal' : undefined;
}

/**
 * Why a reviewer may not approve this story because of who invited them: an account an
 * administrator invited (or re-enrolled) alone cannot be that administrator's second pair of eyes
 * until a second administrator confirmed it, or the operator's waiting period has passed.
 */
export function invitedReviewerRefusal(
  story: { authorId: string },
  reviewer: { invitedBy: string | null; confirmedBy: string | null; invitedOn: string },
  today: string,
  waitingDays: number,
): 'invited_by_author' | undefined {
  if (reviewer.invitedBy !== story.authorId || reviewer.confirmedBy !== null) return undefined;
  const waitedUntil = new Date(new Date(`${reviewer.invitedOn}T00:00:00Z`).getTime() + waitingDays * 86_400_000).toISOString().slice(0, 10);
  return today >= waitedUntil ? undefined : 'invited_by_author';
}

// ——— The transition table (DESIGN §4) ———
//
// One machine per entity whose row has a status column. A row reads: from `from` (null: the row
// does not exist yet, so the step creates it), `event`, done by one of `who`, moves to `to`. `guard`
// names, in words, the further rule the service asks of a function above (who exactly: the author,
// the claim's holder, another administrator); the table itself checks the state and the kind of
// actor. Steps that leave the status as it is (a claim on a submission that awaits the source's
// answer) are rows too, so that "may this happen from here" has one answer.
//
// Adding an entity (journalists' questions, say): its statuses and events as `as const` lists, a
// `machine({...})` entry in WORKFLOW with its rows, the codes its refused events answer with in
// `refusals` (others answer transition_refused), a row per step in test/unit/workflow.test.ts's
// EXPECTED_ROWS, and the writes in its service as `status: transition('question', row.status, ...)`.

/**
 * Who takes a step. A `moderator` row admits administrators too (they are moderators); an
 * `administrator` row refuses other moderators (administrators_only). `source`: whoever holds the
 * receipt; `invitee`: whoever holds an invitation link; `system`: the server's own jobs (releases);
 * `operator`: the shell (`npm run admin:invite`); `journalist`: a press account (issue 32).
 */
export const ACTORS = ['source', 'invitee', 'moderator', 'administrator', 'journalist', 'system', 'operator'] as const;
export type Actor = (typeof ACTORS)[number];

export interface TransitionRow<S extends string, E extends string> {
  readonly from: S | null;
  readonly event: E;
  readonly to: S;
  readonly who: readonly Actor[];
  readonly guard?: string;
}

interface Machine<S extends string, E extends string> {
  readonly statuses: readonly S[];
  readonly events: readonly E[];
  readonly transitions: readonly TransitionRow<S, E>[];
  /** What an event answers from a state without a row for it; events not listed answer transition_refused. */
  readonly refusals: { readonly [K in E]?: (from: S | null) => CodedError };
}

const machine = <S extends string, E extends string>(definition: Machine<S, E>): Machine<S, E> => definition;

export const SUBMISSION_EVENTS = ['submit', 'claim', 'ask', 'reply', 'accept', 'reject', 'withdraw'] as const;
export const STORY_EVENTS = ['submit_for_review', 'approve', 'return', 'revise', 'publish', 'publication_changed', 'retract'] as const;
export const MODERATOR_EVENTS = ['invite', 'enrol', 'disable', 'reenrol'] as const;
export const TEAM_CHANGE_EVENTS = ['propose', 'approve', 'refuse', 'withdraw'] as const;

/** Rows from each of `froms` by the same event to the same state (or, with `to` undefined, back to where each started). */
function fromEach<S extends string, E extends string>(froms: readonly S[], row: Omit<TransitionRow<S, E>, 'from' | 'to'> & { to?: S }): TransitionRow<S, E>[] {
  return froms.map((from) => ({ ...row, from, to: row.to ?? from }));
}

const submissionDecided = (from: SubmissionStatus | null) => new CodedError('submission_decided', { status: from ?? '' });
const NOT_WITHDRAWN = SUBMISSION_STATUSES.filter((s) => s !== 'withdrawn');

export const QUESTION_STATUSES = ['asked', 'declined', 'relayed', 'source_declined', 'answered_privately', 'answer_received', 'answer_awaiting_second_review', 'answer_published'] as const;
export type QuestionStatus = (typeof QUESTION_STATUSES)[number];
export const QUESTION_EVENTS = ['ask', 'relay', 'decline', 'answer_privately', 'answer_for_publication', 'source_decline', 'draft_answer', 'approve_answer'] as const;
export type QuestionEvent = (typeof QUESTION_EVENTS)[number];
const questionWrongState = () => new CodedError('question_wrong_state');

export const WORKFLOW = {
  submission: machine<SubmissionStatus, (typeof SUBMISSION_EVENTS)[number]>({
    statuses: SUBMISSION_STATUSES,
    events: SUBMISSION_EVENTS,
    transitions: [
      // Written by the column's default (migration 0001): intake inserts no status.
      { from: null, event: 'submit', to: 'received', who: ['source'] },
      { from: 'received', event: 'claim', to: 'in_review', who: ['moderator'], guard: 'claimRefusal: another moderator’s claim is taken over only deliberately' },
      ...fromEach<SubmissionStatus, 'claim'>(['in_review', 'needs_info'], { event: 'claim', who: ['moderator'], guard: 'claimRefusal' }),
      ...fromEach<SubmissionStatus, 'ask'>(UNDECIDED_STATUSES, { event: 'ask', to: 'needs_info', who: ['moderator'], guard: 'decisionRefusal: not while another moderator holds the claim' }),
      // The source's answer to a question; a message sent before any question leaves the status as it is.
      { from: 'needs_info', event: 'reply', to: 'in_review', who: ['source'] },
      ...fromEach<SubmissionStatus, 'reply'>(['received', 'in_review'], { event: 'reply', who: ['source'] }),
      ...fromEach<SubmissionStatus, 'accept'>(UNDECIDED_STATUSES, { event: 'accept', to: 'accepted', who: ['moderator'], guard: 'decisionRefusal' }),
      ...fromEach<SubmissionStatus, 'reject'>(UNDECIDED_STATUSES, { event: 'reject', to: 'rejected', who: ['moderator'], guard: 'decisionRefusal' }),
      // At any time, decided or not: DESIGN §4.
      ...fromEach<SubmissionStatus, 'withdraw'>(NOT_WITHDRAWN, { event: 'withdraw', to: 'withdrawn', who: ['source'] }),
    ],
    refusals: {
      claim: submissionDecided,
      ask: submissionDecided,
      accept: submissionDecided,
      reject: submissionDecided,
      reply: () => new CodedError('already_decided'),
      withdraw: () => new CodedError('withdrawn'),
    },
  }),
  story: machine<StoryStatus, (typeof STORY_EVENTS)[number]>({
    statuses: STORY_STATUSES,
    events: STORY_EVENTS,
    transitions: [
      // Drafted at acceptance, straight to a second reviewer.
      { from: null, event: 'submit_for_review', to: 'awaiting_second_review', who: ['moderator'] },
      { from: 'awaiting_second_review', event: 'approve', to: 'approved', who: ['moderator'], guard: 'storyReviewRefusal and invitedReviewerRefusal: four eyes' },
      { from: 'awaiting_second_review', event: 'return', to: 'draft', who: ['moderator'], guard: 'storyReviewRefusal: four eyes' },
      { from: 'draft', event: 'revise', to: 'awaiting_second_review', who: ['moderator'], guard: 'storyRevisionRefusal: its author' },
      { from: 'approved', event: 'publish', to: 'published', who: ['system'] },
      // What the second reviewer saw would be published otherwise: back to second review (DESIGN §6).
      { from: 'approved', event: 'publication_changed', to: 'awaiting_second_review', who: ['system'] },
      // The source withdrew; a story never published is deleted instead.
      { from: 'published', event: 'retract', to: 'retracted', who: ['source'] },
    ],
    refusals: {
      approve: (from) => new CodedError('not_awaiting_review', { status: from ?? '' }),
      return: (from) => new CodedError('not_awaiting_review', { status: from ?? '' }),
      revise: (from) => new CodedError('not_a_draft', { status: from ?? '' }),
    },
  }),
  moderator: machine<ModeratorStatus, (typeof MODERATOR_EVENTS)[number]>({
    statuses: MODERATOR_STATUSES,
    events: MODERATOR_EVENTS,
    transitions: [
      // Inviting a handle still invited only renews its invitation.
      { from: null, event: 'invite', to: 'invited', who: ['administrator', 'operator'] },
      { from: 'invited', event: 'invite', to: 'invited', who: ['administrator', 'operator'] },
      { from: 'invited', event: 'enrol', to: 'active', who: ['invitee'] },
      { from: 'active', event: 'disable', to: 'disabled', who: ['administrator'], guard: 'not the last active administrator' },
      // Keys lost or compromised: everything bound to the old keys goes, a new invitation comes.
      { from: 'active', event: 'reenrol', to: 'invited', who: ['administrator'], guard: 'not oneself' },
    ],
    refusals: {},
  }),
  teamChange: machine<TeamChangeStatus, (typeof TEAM_CHANGE_EVENTS)[number]>({
    statuses: TEAM_CHANGE_STATUSES,
    events: TEAM_CHANGE_EVENTS,
    transitions: [
      { from: null, event: 'propose', to: 'proposed', who: ['administrator'], guard: 'only where two or more administrators are active' },
      { from: 'proposed', event: 'approve', to: 'applied', who: ['administrator'], guard: 'teamChangeRefusal: another administrator' },
      { from: 'proposed', event: 'refuse', to: 'refused', who: ['administrator'], guard: 'teamChangeRefusal: another administrator' },
      { from: 'proposed', event: 'withdraw', to: 'withdrawn', who: ['administrator'], guard: 'teamChangeRefusal: its proposer' },
    ],
    refusals: {
      approve: () => new CodedError('not_proposed'),
      refuse: () => new CodedError('not_proposed'),
      withdraw: () => new CodedError('not_proposed'),
    },
  }),
  // Press questions (issue 32): a journalist asks about a published story; a moderator relays
  // (maybe edited) or declines; the source answers privately, for publication or not at all; an
  // answer for publication is drafted de-identified by one moderator and published by another.
  question: machine<QuestionStatus, QuestionEvent>({
    statuses: QUESTION_STATUSES,
    events: QUESTION_EVENTS,
    transitions: [
      { from: null, event: 'ask', to: 'asked', who: ['journalist'], guard: 'the story is published; the daily cap' },
      { from: 'asked', event: 'relay', to: 'relayed', who: ['moderator'] },
      { from: 'asked', event: 'decline', to: 'declined', who: ['moderator'] },
      { from: 'relayed', event: 'answer_privately', to: 'answered_privately', who: ['source'] },
      { from: 'relayed', event: 'answer_for_publication', to: 'answer_received', who: ['source'] },
      { from: 'relayed', event: 'source_decline', to: 'source_declined', who: ['source'] },
      { from: 'answer_received', event: 'draft_answer', to: 'answer_awaiting_second_review', who: ['moderator'] },
      { from: 'answer_awaiting_second_review', event: 'approve_answer', to: 'answer_published', who: ['moderator'], guard: 'answerApprovalRefusal: not the moderator who drafted it' },
    ],
    refusals: Object.fromEntries(QUESTION_EVENTS.map((event) => [event, questionWrongState])),
  }),
};

export type WorkflowEntity = keyof typeof WORKFLOW;
export type StatusOf<N extends WorkflowEntity> = (typeof WORKFLOW)[N]['statuses'][number];
export type EventOf<N extends WorkflowEntity> = (typeof WORKFLOW)[N]['events'][number];

/** The row for `event` from `from`, if the table has one. */
function rowOf<N extends WorkflowEntity>(entity: N, from: StatusOf<N> | null, event: EventOf<N>): TransitionRow<StatusOf<N>, EventOf<N>> | undefined {
  // Each machine's rows are typed by its own states; looked up by entity, TypeScript sees a union of them.
  const rows = WORKFLOW[entity].transitions as readonly TransitionRow<StatusOf<N>, EventOf<N>>[];
  return rows.find((row) => row.from === from && row.event === event);
}

/** Whether the table has a step for `event` from `from` (for pages deciding which buttons to show). */
export function allows<N extends WorkflowEntity>(entity: N, from: StatusOf<N> | null, event: EventOf<N>): boolean {
  return rowOf(entity, from, event) !== undefined;
}

/**
 * The one way a status changes: the state `event` by `by` moves `entity` to from `from` (null: it
 * does not exist yet). Refused with the event's code (a 409 such as submission_decided), or
 * transition_refused, when the table has no such step; administrators_only when the step is an
 * administrator's. Any other actor is a caller's bug, not a request: a plain Error.
 */
export function transition<N extends WorkflowEntity>(entity: N, from: StatusOf<N> | null, event: EventOf<N>, by: Actor): StatusOf<N> {
  const row = rowOf(entity, from, event);
  if (!row) {
    const refusals = WORKFLOW[entity].refusals as { readonly [K in EventOf<N>]?: (from: StatusOf<N> | null) => CodedError };
    throw refusals[event]?.(from) ?? new CodedError('transition_refused', { entity, from: from ?? 'none', event });
  }
  if (row.who.includes(by) || (by === 'administrator' && row.who.includes('moderator'))) return row.to;
  if (by === 'moderator' && row.who.includes('administrator')) throw new CodedError('administrators_only');
  throw new Error(`workflow: ${entity} ${event} is taken by ${row.who.join(' or ')}, not ${by}`);
}

// ——— Press questions (issue 32, DESIGN §4): a journalist asks about a published story; a moderator
// relays (maybe edited) or declines; the source answers for publication, privately or not at all;
// an answer for publication is drafted de-identified by one moderator and published by another. ———

/** Who may enter which part of the site: journalists the press desk only, moderators the console only. */
export const JOURNALIST_ROLE = 'journalist' as const;
export type AccountArea = 'console' | 'press';
export function mayEnter(role: string, area: AccountArea): boolean {
  return area === 'press' ? role === JOURNALIST_ROLE : role === 'administrator' || role === 'moderator';
}

/** A press question's four eyes: an answer for publication is approved by a moderator other than the one who drafted it. */
export function answerApprovalRefusal(answerAuthorId: string | null, moderatorId: string): 'own_answer_draft' | undefined {
  return answerAuthorId === moderatorId ? 'own_answer_draft' : undefined;
}
