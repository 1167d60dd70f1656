// The editorial workflow (DESIGN §4): the states of submissions and stories, and who may move a
// story on. Services, routes and the console's pages ask this module instead of restating it.

export const SUBMISSION_STATUSES = ['received', 'in_review', 'needs_info', 'accepted', 'rejected', 'withdrawn'] as const;
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number];

/** Not decided yet: moderators may still decide, and still read and answer the source's messages. */
export const UNDECIDED_STATUSES = ['received', 'in_review', 'needs_info'] as const satisfies readonly SubmissionStatus[];

export function isUndecided(status: string): boolean {
  return (UNDECIDED_STATUSES as readonly string[]).includes(status);
}

export const STORY_STATUSES = ['draft', 'awaiting_second_review', 'approved', 'published', 'retracted'] as const;
export type StoryStatus = (typeof STORY_STATUSES)[number];

interface StoryState {
  status: StoryStatus;
  authorId: string;
}

/** Why `moderatorId` may not approve or return this story, or undefined when they may (four-eyes rule). */
export function storyReviewRefusal(story: StoryState, moderatorId: string): 'own_draft' | 'not_awaiting_review' | undefined {
  if (story.authorId === moderatorId) return 'own_draft';
  if (story.status !== 'awaiting_second_review') return 'not_awaiting_review';
  return undefined;
}

/** Why `moderatorId` may not revise this story, or undefined when they may: only its author, only a draft. */
export function storyRevisionRefusal(story: StoryState, moderatorId: string): 'not_author' | 'not_a_draft' | undefined {
  if (story.authorId !== moderatorId) return 'not_author';
  if (story.status !== 'draft') return 'not_a_draft';
  return undefined;
}
