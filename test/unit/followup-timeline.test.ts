// The source's timeline: which events, which days, in which order.
import { describe, expect, it } from 'vitest';
import { SUBMISSION_STATUSES } from '../../server/db/schema.js';
import { buildTimeline, TIMELINE_EVENTS, type TimelineFacts } from '../../common/followup/timeline.js';
import { LANGUAGES } from '../../common/languages.js';
import { translate } from '../../server/i18n/catalogue.js';

const fresh: TimelineFacts = {
  status: 'received',
  receivedOn: '2025-03-01',
  reviewStartedOn: null,
  decidedOn: null,
  purgedOn: null,
  statusChangedOn: '2025-03-01',
  messages: [],
  story: null,
};

describe('buildTimeline', () => {
  it('a new submission has only its arrival', () => {
    expect(buildTimeline(fresh)).toEqual([{ event: 'received', day: '2025-03-01' }]);
  });

  it('follows a whole life: review, question, answer, acceptance, story, purge', () => {
    expect(
      buildTimeline({
        ...fresh,
        status: 'accepted',
        reviewStartedOn: '2025-03-04',
        decidedOn: '2025-03-12',
        purgedOn: '2025-04-11',
        messages: [
          { direction: 'to_source', sentOn: '2025-03-05' },
          { direction: 'from_source', sentOn: '2025-03-09' },
        ],
        story: { publishedOn: '2025-03-30', retractedOn: null },
      }),
    ).toEqual([
      { event: 'received', day: '2025-03-01' },
      { event: 'review_started', day: '2025-03-04' },
      { event: 'question_asked', day: '2025-03-05' },
      { event: 'answered', day: '2025-03-09' },
      { event: 'accepted', day: '2025-03-12' },
      { event: 'story_published', day: '2025-03-30' },
      { event: 'purged', day: '2025-04-11' },
    ]);
  });

  it('keeps the order of events that happened on one day', () => {
    const day = '2025-03-01';
    expect(
      buildTimeline({
        ...fresh,
        status: 'rejected',
        reviewStartedOn: day,
        decidedOn: day,
        messages: [
          { direction: 'to_source', sentOn: day },
          { direction: 'from_source', sentOn: day },
          { direction: 'to_source', sentOn: day },
        ],
      }).map((e) => e.event),
    ).toEqual(['received', 'review_started', 'question_asked', 'answered', 'question_asked', 'rejected']);
  });

  it('sorts by day when the facts come in another order', () => {
    // A story retracted by moderators before the purge, listed after it by the builder's order.
    const events = buildTimeline({
      ...fresh,
      status: 'accepted',
      decidedOn: '2025-03-02',
      purgedOn: '2025-04-01',
      story: { publishedOn: '2025-03-20', retractedOn: '2025-05-01' },
    });
    expect(events.map((e) => e.day)).toEqual([...events.map((e) => e.day)].sort());
    expect(events.map((e) => e.event)).toEqual(['received', 'accepted', 'story_published', 'purged', 'story_retracted']);
  });

  it('a decision day without a decided status (withdrawn aside) is not an event', () => {
    expect(buildTimeline({ ...fresh, status: 'in_review', decidedOn: '2025-03-02' }).map((e) => e.event)).toEqual(['received']);
  });

  it('after withdrawal there is only the withdrawal', () => {
    expect(
      buildTimeline({
        ...fresh,
        status: 'withdrawn',
        reviewStartedOn: '2025-03-02',
        decidedOn: '2025-03-03',
        statusChangedOn: '2025-03-07',
        messages: [{ direction: 'to_source', sentOn: '2025-03-02' }],
        story: { publishedOn: '2025-03-05', retractedOn: '2025-03-07' },
      }),
    ).toEqual([{ event: 'withdrawn', day: '2025-03-07' }]);
  });

  it('every event and status has words for the source, in every language', () => {
    for (const language of LANGUAGES) {
      for (const event of TIMELINE_EVENTS) expect(translate(language, `status:events.${event}`)).not.toMatch(/^(status:)?(events|states)\./);
      for (const status of SUBMISSION_STATUSES) expect(translate(language, `status:states.${status}`)).not.toMatch(/^(status:)?(events|states)\./);
    }
  });
});
