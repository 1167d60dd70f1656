// The workflow's rules, as services, routes and the console ask them.
import { describe, expect, it } from 'vitest';
import { CodedError, type ErrorCode } from '../../common/errors.js';
import {
  ACTORS,
  QUESTION_EVENTS,
  allows,
  claimRefusal,
  decisionRefusal,
  invitedReviewerRefusal,
  isUndecided,
  STORY_STATUSES,
  storyReviewRefusal,
  storyRevisionRefusal,
  SUBMISSION_STATUSES,
  teamChangeRefusal,
  transition,
  WORKFLOW,
  type Actor,
  type WorkflowEntity,
} from '../../common/workflow.js';

describe('workflow', () => {
  it('counts received, in review and needs info as undecided, and nothing else', () => {
    expect(SUBMISSION_STATUSES.filter(isUndecided)).toEqual(['received', 'in_review', 'needs_info']);
    expect(isUndecided('nonsense')).toBe(false);
  });

  it('lets only another moderator review a story, and only while it awaits review (four eyes)', () => {
    const author = 'a';
    for (const status of STORY_STATUSES) {
      const story = { status, authorId: author };
      expect(storyReviewRefusal(story, author)).toBe('own_draft');
      expect(storyReviewRefusal(story, 'b')).toBe(status === 'awaiting_second_review' ? undefined : 'not_awaiting_review');
      expect(storyRevisionRefusal(story, 'b')).toBe('not_author');
      expect(storyRevisionRefusal(story, author)).toBe(status === 'draft' ? undefined : 'not_a_draft');
    }
  });

  it('claims: only undecided submissions; another moderator’s claim only when taken over deliberately; decisions refused to others', () => {
    for (const status of SUBMISSION_STATUSES) {
      expect(claimRefusal({ status, claimedBy: null }, 'b', false)).toBe(isUndecided(status) ? undefined : 'decided');
    }
    expect(claimRefusal({ status: 'in_review', claimedBy: 'a' }, 'b', false)).toBe('claimed_by_other');
    expect(claimRefusal({ status: 'in_review', claimedBy: 'a' }, 'b', true)).toBeUndefined();
    expect(claimRefusal({ status: 'in_review', claimedBy: 'a' }, 'a', false)).toBeUndefined();
    expect(transition('submission', 'received', 'claim', 'moderator')).toBe('in_review');
    expect(transition('submission', 'needs_info', 'claim', 'moderator')).toBe('needs_info');
    expect(decisionRefusal({ status: 'in_review', claimedBy: 'a' }, 'b')).toBe('claimed_by_other');
    expect(decisionRefusal({ status: 'in_review', claimedBy: 'a' }, 'a')).toBeUndefined();
    expect(decisionRefusal({ status: 'received', claimedBy: null }, 'b')).toBeUndefined();
  });
});

describe('team changes (issue 26)', () => {
  const proposal = { status: 'proposed' as const, proposedBy: 'ann' };
  it('another administrator approves or refuses; the proposer only withdraws; a decided change moves no more', () => {
    expect(transition('teamChange', proposal.status, 'approve', 'administrator')).toBe('applied');
    expect(teamChangeRefusal(proposal, 'approve', 'bea')).toBeUndefined();
    expect(teamChangeRefusal(proposal, 'approve', 'ann')).toBe('own_proposal');
    expect(() => transition('teamChange', proposal.status, 'approve', 'moderator')).toThrow(expect.objectContaining({ code: 'administrators_only' }));
    expect(transition('teamChange', proposal.status, 'refuse', 'administrator')).toBe('refused');
    expect(teamChangeRefusal(proposal, 'refuse', 'ann')).toBe('own_proposal');
    expect(teamChangeRefusal(proposal, 'withdraw', 'bea')).toBe('not_proposer');
    expect(teamChangeRefusal(proposal, 'withdraw', 'ann')).toBeUndefined();
    expect(transition('teamChange', proposal.status, 'withdraw', 'administrator')).toBe('withdrawn');
    expect(() => transition('teamChange', 'applied', 'approve', 'administrator')).toThrow(expect.objectContaining({ code: 'not_proposed' }));
  });

  it('an account its author invited alone reviews their drafts only once confirmed or after the wait', () => {
    const invited = { invitedBy: 'ann', confirmedBy: null, invitedOn: '2026-12-01' };
    expect(invitedReviewerRefusal({ authorId: 'ann' }, invited, '2026-12-14', 14)).toBe('invited_by_author');
    expect(invitedReviewerRefusal({ authorId: 'ann' }, invited, '2026-12-15', 14)).toBeUndefined();
    expect(invitedReviewerRefusal({ authorId: 'ann' }, { ...invited, confirmedBy: 'bea' }, '2026-12-02', 14)).toBeUndefined();
    expect(invitedReviewerRefusal({ authorId: 'bea' }, invited, '2026-12-02', 14)).toBeUndefined();
  });
});

// The table, row by row, as a person reads it: a change to WORKFLOW must change this list too.
const EXPECTED_ROWS = [
  'submission: (new) submit → received by source',
  'submission: received claim → in_review by moderator',
  'submission: in_review claim → in_review by moderator',
  'submission: needs_info claim → needs_info by moderator',
  'submission: received ask → needs_info by moderator',
  'submission: in_review ask → needs_info by moderator',
  'submission: needs_info ask → needs_info by moderator',
  'submission: needs_info reply → in_review by source',
  'submission: received reply → received by source',
  'submission: in_review reply → in_review by source',
  'submission: received accept → accepted by moderator',
  'submission: in_review accept → accepted by moderator',
  'submission: needs_info accept → accepted by moderator',
  'submission: received reject → rejected by moderator',
  'submission: in_review reject → rejected by moderator',
  'submission: needs_info reject → rejected by moderator',
  'submission: received withdraw → withdrawn by source',
  'submission: in_review withdraw → withdrawn by source',
  'submission: needs_info withdraw → withdrawn by source',
  'submission: accepted withdraw → withdrawn by source',
  'submission: rejected withdraw → withdrawn by source',
  'story: (new) submit_for_review → awaiting_second_review by moderator',
  'story: awaiting_second_review approve → approved by moderator',
  'story: awaiting_second_review return → draft by moderator',
  'story: draft revise → awaiting_second_review by moderator',
  'story: approved publish → published by system',
  'story: approved publication_changed → awaiting_second_review by system',
  'story: published retract → retracted by source',
  'moderator: (new) invite → invited by administrator, operator',
  'moderator: invited invite → invited by administrator, operator',
  'moderator: invited enrol → active by invitee',
  'moderator: active disable → disabled by administrator',
  'moderator: active reenrol → invited by administrator',
  'teamChange: (new) propose → proposed by administrator',
  'teamChange: proposed approve → applied by administrator',
  'teamChange: proposed refuse → refused by administrator',
  'teamChange: proposed withdraw → withdrawn by administrator',
  'question: (new) ask → asked by journalist',
  'question: asked relay → relayed by moderator',
  'question: asked decline → declined by moderator',
  'question: relayed answer_privately → answered_privately by source',
  'question: relayed answer_for_publication → answer_received by source',
  'question: relayed source_decline → source_declined by source',
  'question: answer_received draft_answer → answer_awaiting_second_review by moderator',
  'question: answer_awaiting_second_review approve_answer → answer_published by moderator',
];

/** The code an event answers from a state the table has no step from (what the console and the API tests see). */
const EXPECTED_REFUSALS: Record<WorkflowEntity, Partial<Record<string, ErrorCode>>> = {
  submission: { claim: 'submission_decided', ask: 'submission_decided', accept: 'submission_decided', reject: 'submission_decided', reply: 'already_decided', withdraw: 'withdrawn' },
  story: { approve: 'not_awaiting_review', return: 'not_awaiting_review', revise: 'not_a_draft' },
  moderator: {},
  teamChange: { approve: 'not_proposed', refuse: 'not_proposed', withdraw: 'not_proposed' },
  question: Object.fromEntries(QUESTION_EVENTS.map((event) => [event, 'question_wrong_state' as const])),
};

type AnyRow = { entity: WorkflowEntity; from: string | null; event: string; to: string; who: readonly Actor[] };
const ENTITIES = Object.keys(WORKFLOW) as WorkflowEntity[];
const ROWS: AnyRow[] = ENTITIES.flatMap((entity) => WORKFLOW[entity].transitions.map((row) => ({ entity, ...row })));
const describeRow = (row: AnyRow) => `${row.entity}: ${row.from ?? '(new)'} ${row.event} → ${row.to} by ${row.who.join(', ')}`;

// transition() is typed per entity; the table-driven tests below go through all entities at once.
const anyTransition = transition as (entity: WorkflowEntity, from: string | null, event: string, by: Actor) => string;
const anyAllows = allows as (entity: WorkflowEntity, from: string | null, event: string) => boolean;

function refusalOf(step: () => unknown): unknown {
  try {
    step();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('the transition table', () => {
  it('holds exactly the rows a person reviewed (DESIGN §4)', () => {
    expect(ROWS.map(describeRow)).toEqual(EXPECTED_ROWS);
  });

  it('has each step once, between known states, by known actors', () => {
    for (const entity of ENTITIES) {
      const { statuses, events } = WORKFLOW[entity] as { statuses: readonly string[]; events: readonly string[] };
      for (const row of ROWS.filter((r) => r.entity === entity)) {
        expect(row.from === null || statuses.includes(row.from), describeRow(row)).toBe(true);
        expect(statuses.includes(row.to) && events.includes(row.event), describeRow(row)).toBe(true);
        expect(row.who.length > 0 && row.who.every((w) => ACTORS.includes(w)), describeRow(row)).toBe(true);
      }
      const keys = ROWS.filter((r) => r.entity === entity).map((r) => `${r.from} ${r.event}`);
      expect(new Set(keys).size, entity).toBe(keys.length);
    }
  });

  describe.each(ROWS.map((row) => [describeRow(row), row] as const))('%s', (_name, row) => {
    it('moves to its state for each actor it names (an administrator also takes a moderator’s step)', () => {
      for (const by of row.who) expect(anyTransition(row.entity, row.from, row.event, by)).toBe(row.to);
      if (row.who.includes('moderator')) expect(anyTransition(row.entity, row.from, row.event, 'administrator')).toBe(row.to);
      expect(anyAllows(row.entity, row.from, row.event)).toBe(true);
    });

    it('refuses every other actor: a moderator at an administrator’s step with administrators_only (403), anyone else as a bug', () => {
      const others = ACTORS.filter((by) => !row.who.includes(by) && !(by === 'administrator' && row.who.includes('moderator')));
      for (const by of others) {
        const refusal = refusalOf(() => anyTransition(row.entity, row.from, row.event, by));
        if (by === 'moderator' && row.who.includes('administrator')) expect(refusal).toMatchObject({ code: 'administrators_only', statusCode: 403 });
        else expect(refusal instanceof Error && !(refusal instanceof CodedError), `${describeRow(row)} by ${by}`).toBe(true);
      }
    });
  });

  describe.each(ENTITIES)('%s: every step the table lacks is refused with a 4xx and its code', (entity) => {
    const { statuses, events } = WORKFLOW[entity] as { statuses: readonly string[]; events: readonly string[] };
    it.each([null, ...statuses])('from %s', (from) => {
      const missing = events.filter((event) => !ROWS.some((r) => r.entity === entity && r.from === from && r.event === event));
      for (const event of missing) {
        const refusal = refusalOf(() => anyTransition(entity, from, event, 'system'));
        const code = EXPECTED_REFUSALS[entity][event] ?? 'transition_refused';
        expect(refusal, `${entity} ${from} ${event}`).toBeInstanceOf(CodedError);
        expect(refusal).toMatchObject({ code });
        expect((refusal as CodedError).statusCode).toBeGreaterThanOrEqual(400);
        expect((refusal as CodedError).statusCode).toBeLessThan(500);
      }
      // Every state (and "not yet") has a step it may not take: the refusals above are never vacuous.
      expect(missing.length).toBeGreaterThan(0);
    });
  });

  it('names a withdrawn submission and a retracted story as ends: nothing moves them on', () => {
    expect(ROWS.filter((r) => (r.entity === 'submission' && r.from === 'withdrawn') || (r.entity === 'story' && r.from === 'retracted'))).toEqual([]);
  });
});
