// The Atom feed (RFC 4287) of published stories; every text is escaped, content is plain text.
import type { PublicStory, ScorecardResponse } from './schemas.js';
import { escapeXml } from './xml.js';
import { notAfterToday, todayUtc } from '../db/day.js';
import type { Day } from '../db/schema.js';
import { SOURCE_LANGUAGE, type Language } from '../../common/languages.js';
import { translate } from '../i18n/catalogue.js';
import { formatDay } from '../i18n/locale-format.js';

/** A release's entry: its scorecard, one plain-text line per cell, each naming its platform and question (DESIGN §8 /platforms). */
export interface ReleaseEntry {
  sequence: number;
  releasedOn: string;
  figuresUpdatedOn: string;
  scorecard: Pick<ScorecardResponse, 'platforms' | 'questions'>;
}

function releaseEntry(origin: string, release: ReleaseEntry, dated: (day: Day) => Day, language: Language): string {
  const words = (key: string, values: Record<string, unknown>) => escapeXml(translate(language, `statistics:feed.${key}`, values));
  const url = `${escapeXml(origin)}/releases/${release.sequence}`;
  const lines = release.scorecard.questions.flatMap((q) => q.cells.map((cell) => `${q.principleLabel} — ${cell.text}`));
  return [
    '<entry>',
    `<id>${url}/platforms</id>`,
    `<title type="text">${words('releaseTitle', { release: release.sequence })}</title>`,
    `<link rel="alternate" type="text/html" href="${escapeXml(origin)}/platforms"/>`,
    `<link rel="related" type="text/html" href="${url}" title="${words('releaseLink', { release: release.sequence })}"/>`,
    `<updated>${dated(release.releasedOn)}T00:00:00Z</updated>`,
    `<published>${dated(release.releasedOn)}T00:00:00Z</published>`,
    '<author><name>Offscript</name></author>',
    `<summary type="text">${words('releaseSummary', { count: release.scorecard.platforms.length, day: formatDay(language, release.figuresUpdatedOn) })}</summary>`,
    `<content type="text">${escapeXml(lines.join('\n'))}</content>`,
    '</entry>',
  ].join('');
}

/** The feed with its own words in `language` (`?lang=`); stories keep the words they were published in. */
export function atomFeed(origin: string, stories: PublicStory[], releases: readonly ReleaseEntry[] = [], today: Day = todayUtc(), language: Language = SOURCE_LANGUAGE): string {
  const dated = (day: Day): Day => notAfterToday(day, today);
  const updated = dated(
    [stories[0]?.publishedOn, ...releases.map((r) => r.releasedOn)]
      .filter((d): d is string => d !== undefined)
      .sort()
      .at(-1) ?? '1970-01-01',
  );
  const releaseEntries = releases.map((release) => releaseEntry(origin, release, dated, language));
  const storyEntries = stories.map((story) => {
    const url = `${origin}/stories/${story.slug}`;
    return [
      '<entry>',
      `<id>${escapeXml(url)}</id>`,
      `<title type="text">${escapeXml(story.title)}</title>`,
      `<link rel="alternate" type="text/html" href="${escapeXml(url)}"/>`,
      // The release it came in: its permanent page, figures and data package.
      `<link rel="related" type="text/html" href="${escapeXml(origin)}/releases/${story.batch}" title="${escapeXml(translate(language, 'statistics:feed.releaseLink', { release: story.batch }))}"/>`,
      `<updated>${dated(story.publishedOn)}T00:00:00Z</updated>`,
      `<published>${dated(story.publishedOn)}T00:00:00Z</published>`,
      `<author><name>${escapeXml(story.attribution)}</name></author>`,
      ...story.pullQuotes.slice(0, 1).map((q) => `<summary type="text">${escapeXml(q)}</summary>`),
      `<content type="text">${escapeXml(story.body)}</content>`,
      '</entry>',
    ].join('');
  });
  const entries = [...releaseEntries, ...storyEntries].join('\n');
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${language}">`,
    `<id>${escapeXml(origin)}/feed.atom</id>`,
    `<title>${escapeXml(translate(language, 'statistics:feed.title'))}</title>`,
    `<link rel="self" type="application/atom+xml" href="${escapeXml(origin)}/feed.atom"/>`,
    `<link rel="alternate" type="text/html" href="${escapeXml(origin)}/stories"/>`,
    `<updated>${updated}T00:00:00Z</updated>`,
    entries,
    '</feed>',
  ].join('\n');
}
