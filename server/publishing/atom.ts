// The Atom feed (RFC 4287) of published stories; every text is escaped, content is plain text.
import type { PublicStory } from './stories.js';
import { escapeXml } from './xml.js';

export function atomFeed(origin: string, stories: PublicStory[]): string {
  const updated = stories[0]?.publishedOn ?? '1970-01-01';
  const entries = stories
    .map((story) => {
      const url = `${origin}/stories/${story.slug}`;
      return [
        '<entry>',
        `<id>${escapeXml(url)}</id>`,
        `<title type="text">${escapeXml(story.title)}</title>`,
        `<link rel="alternate" type="text/html" href="${escapeXml(url)}"/>`,
        // The release it came in: its permanent page, figures and data package.
        `<link rel="related" type="text/html" href="${escapeXml(origin)}/releases/${story.batch}" title="Release ${story.batch}"/>`,
        `<updated>${story.publishedOn}T00:00:00Z</updated>`,
        `<published>${story.publishedOn}T00:00:00Z</published>`,
        `<author><name>${escapeXml(story.attribution)}</name></author>`,
        ...story.pullQuotes.slice(0, 1).map((q) => `<summary type="text">${escapeXml(q)}</summary>`),
        `<content type="text">${escapeXml(story.body)}</content>`,
        '</entry>',
      ].join('');
    })
    .join('\n');
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `<id>${escapeXml(origin)}/feed.atom</id>`,
    '<title>Offscript: accounts of AI-training gig work</title>',
    `<link rel="self" type="application/atom+xml" href="${escapeXml(origin)}/feed.atom"/>`,
    `<link rel="alternate" type="text/html" href="${escapeXml(origin)}/stories"/>`,
    `<updated>${updated}T00:00:00Z</updated>`,
    entries,
    '</feed>',
  ].join('\n');
}
