// What a source reads about their account (DESIGN §3 Follow-up, §4): the status in plain words
// and a timeline of days. Pure, so that the no-JavaScript page and the browser bundle agree.
import type { SubmissionStatus } from '../workflow.js';
import type { Day, MessageDirection } from './message-schema.js';

export const TIMELINE_EVENTS = [
  'received',
  'review_started',
  'question_asked',
  'answered',
  'accepted',
  'rejected',
  'story_published',
  'story_retracted',
  'purged',
  'withdrawn',
] as const;
export type TimelineEvent = (typeof TIMELINE_EVENTS)[number];

export const TIMELINE_LABELS: Record<TimelineEvent, string> = {
  received: 'Your account was received.',
  review_started: 'A moderator started reading it.',
  question_asked: 'A moderator asked you a question.',
  answered: 'You sent the moderators a message.',
  accepted: 'It was accepted.',
  rejected: 'It was not accepted.',
  story_published: 'A story drawn from it was published.',
  story_retracted: 'The story was taken down.',
  purged: 'The encrypted account and all messages were deleted, as planned after a decision.',
  withdrawn: 'You withdrew it. The encrypted account and all messages were deleted.',
};

export const STATUS_DESCRIPTIONS: Record<SubmissionStatus, string> = {
  received: 'Received: it is waiting for a moderator to read it.',
  in_review: 'In review: a moderator is reading it.',
  needs_info: 'A moderator has a question for you. Read it below and answer if you can.',
  accepted: 'Accepted: it counts in the statistics from their next refresh, and any story is published only as you allowed.',
  rejected: 'Not accepted: it will not be published or counted.',
  withdrawn: 'Withdrawn.',
};

export type { MessageDirection };

export interface TimelineEntry {
  event: TimelineEvent;
  day: Day;
}

/** The days a submission keeps, as the status lookup reads them. */
export interface TimelineFacts {
  status: SubmissionStatus;
  receivedOn: Day;
  reviewStartedOn: Day | null;
  decidedOn: Day | null;
  purgedOn: Day | null;
  statusChangedOn: Day;
  /** In thread order. */
  messages: readonly { direction: MessageDirection; sentOn: Day }[];
  story: { publishedOn: Day | null; retractedOn: Day | null } | null;
}

/** Events oldest first; on one day they keep the order in which they must have happened. */
export function buildTimeline(facts: TimelineFacts): TimelineEntry[] {
  // After withdrawal the source sees only that: nothing else is kept for them to read.
  if (facts.status === 'withdrawn') return [{ event: 'withdrawn', day: facts.statusChangedOn }];
  const entries: TimelineEntry[] = [{ event: 'received', day: facts.receivedOn }];
  if (facts.reviewStartedOn) entries.push({ event: 'review_started', day: facts.reviewStartedOn });
  for (const message of facts.messages) {
    entries.push({ event: message.direction === 'to_source' ? 'question_asked' : 'answered', day: message.sentOn });
  }
  if (facts.decidedOn && (facts.status === 'accepted' || facts.status === 'rejected')) {
    entries.push({ event: facts.status, day: facts.decidedOn });
  }
  if (facts.story?.publishedOn) entries.push({ event: 'story_published', day: facts.story.publishedOn });
  if (facts.story?.retractedOn) entries.push({ event: 'story_retracted', day: facts.story.retractedOn });
  if (facts.purgedOn) entries.push({ event: 'purged', day: facts.purgedOn });
  // Array.prototype.sort is stable: same-day events keep the order above.
  return entries.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
}

/**
 * What the source reads once a withdrawal went through: a withdrawn submission keeps nothing its
 * words could find (docs/threat-model-storage.md), so this is the last thing they show.
 */
export const WITHDRAWN_NOTICE =
  'Your account was withdrawn. The encrypted account, all messages and files were deleted, and nothing that could find them from your words is kept: from now on these words find no account.';
