// The workflow's rules, as services, routes and the console ask them.
import { describe, expect, it } from 'vitest';
import {
  claimRefusal,
  decisionRefusal,
  invitedReviewerRefusal,
  isUndecided,
  statusOnClaim,
  STORY_STATUSES,
  storyReviewRefusal,
  storyRevisionRefusal,
  SUBMISSION_STATUSES,
  teamChangeTransition,
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
    expect(statusOnClaim('received')).toBe('in_review');
    expect(statusOnClaim('needs_info')).toBe('needs_info');
    expect(decisionRefusal({ status: 'in_review', claimedBy: 'a' }, 'b')).toBe('claimed_by_other');
    expect(decisionRefusal({ status: 'in_review', claimedBy: 'a' }, 'a')).toBeUndefined();
    expect(decisionRefusal({ status: 'received', claimedBy: null }, 'b')).toBeUndefined();
  });
});

describe('team changes (issue 26)', () => {
  const proposal = { status: 'proposed' as const, proposedBy: 'ann' };
  it('another administrator approves or refuses; the proposer only withdraws; a decided change moves no more', () => {
    expect(teamChangeTransition(proposal, 'approve', { id: 'bea', role: 'administrator' })).toEqual({ to: 'applied' });
    expect(teamChangeTransition(proposal, 'approve', { id: 'ann', role: 'administrator' })).toEqual({ refusal: 'own_proposal' });
    expect(teamChangeTransition(proposal, 'approve', { id: 'mo', role: 'moderator' })).toEqual({ refusal: 'administrators_only' });
    expect(teamChangeTransition(proposal, 'refuse', { id: 'bea', role: 'administrator' })).toEqual({ to: 'refused' });
    expect(teamChangeTransition(proposal, 'withdraw', { id: 'bea', role: 'administrator' })).toEqual({ refusal: 'not_proposer' });
    expect(teamChangeTransition(proposal, 'withdraw', { id: 'ann', role: 'administrator' })).toEqual({ to: 'withdrawn' });
    expect(teamChangeTransition({ ...proposal, status: 'applied' }, 'approve', { id: 'bea', role: 'administrator' })).toEqual({ refusal: 'not_proposed' });
  });

  it('an account its author invited alone reviews their drafts only once confirmed or after the wait', () => {
    const invited = { invitedBy: 'ann', confirmedBy: null, invitedOn: '2026-12-01' };
    expect(invitedReviewerRefusal({ authorId: 'ann' }, invited, '2026-12-14', 14)).toBe('invited_by_author');
    expect(invitedReviewerRefusal({ authorId: 'ann' }, invited, '2026-12-15', 14)).toBeUndefined();
    expect(invitedReviewerRefusal({ authorId: 'ann' }, { ...invited, confirmedBy: 'bea' }, '2026-12-02', 14)).toBeUndefined();
    expect(invitedReviewerRefusal({ authorId: 'bea' }, invited, '2026-12-02', 14)).toBeUndefined();
  });
});
