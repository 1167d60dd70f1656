// What a source reads about their account (DESIGN §3 Follow-up, §4): the status in plain words
// and a timeline of days. Pure, so that the no-JavaScript page and the browser bundle agree.
import type { SubmissionStatus } from '../workflow.js';
import type { Day, MessageDirection } from './message-schema.js';

export const TIMELINE_EVENTS = ['received', 'review_started', 'question_asked', 'answered', 'accepted', 'rejected', 'story_published', 'story_retracted', 'purged', 'withdrawn'] as const;
export type TimelineEvent = (typeof TIMELINE_EVENTS)[number];

// What each event and status says to the source is in the catalogue, under status:events.<event>
// and status:states.<status> (locales/<language>/status.json).

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
