// The workflow's rules, as services, routes and the console ask them.
import { describe, expect, it } from 'vitest';
import { isUndecided, STORY_STATUSES, storyReviewRefusal, storyRevisionRefusal, SUBMISSION_STATUSES } from '../../common/workflow.js';

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
});
