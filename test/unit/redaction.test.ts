import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyRedactions, findIdentifiers, type IdentifierKind, type IdentifierMatch } from '../../views/assets/moderation/redaction.js';

interface ExpectedIdentifier {
  kind: IdentifierKind;
  text: string;
}
interface FixtureAccount {
  id: string;
  style: string;
  watchList: string[];
  text: string;
  expected: ExpectedIdentifier[];
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/redaction-accounts.json', import.meta.url), 'utf8')) as { accounts: FixtureAccount[] };

const KINDS: IdentifierKind[] = ['name', 'email', 'phone', 'url', 'handle', 'date', 'money', 'watch_list'];

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Every whole-word occurrence of an expected identifier (case-insensitive for
 * watch-list terms, which the moderator wants gone in any spelling).
 */
function occurrences(text: string, expected: ExpectedIdentifier): Array<{ start: number; end: number }> {
  const wordChar = /[\p{L}\p{N}_]/u;
  const before = wordChar.test(expected.text.charAt(0)) ? '(?<![\\p{L}\\p{N}_])' : '';
  const after = wordChar.test(expected.text.charAt(expected.text.length - 1)) ? '(?![\\p{L}\\p{N}_])' : '';
  const re = new RegExp(before + escapeRegExp(expected.text) + after, expected.kind === 'watch_list' ? 'giu' : 'gu');
  return [...text.matchAll(re)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
}

function expectWellFormed(text: string, matches: readonly IdentifierMatch[]): void {
  let previousEnd = 0;
  for (const m of matches) {
    expect(m.start).toBeGreaterThanOrEqual(previousEnd);
    expect(m.end).toBeGreaterThan(m.start);
    expect(m.text).toBe(text.slice(m.start, m.end));
    previousEnd = m.end;
  }
}

function kindsAndTexts(matches: readonly IdentifierMatch[]): Array<[IdentifierKind, string]> {
  return matches.map((m) => [m.kind, m.text]);
}

describe('redaction fixture', () => {
  it('is a well-formed set of realistic accounts', () => {
    expect(fixture.accounts.length).toBeGreaterThanOrEqual(12);
    const ids = new Set<string>();
    for (const account of fixture.accounts) {
      expect(ids.has(account.id)).toBe(false);
      ids.add(account.id);
      const words = account.text.split(/\s+/).filter((w) => w.length > 0).length;
      expect(words, account.id).toBeGreaterThanOrEqual(100);
      expect(words, account.id).toBeLessThanOrEqual(250);
      for (const e of account.expected) {
        expect(KINDS).toContain(e.kind);
        expect(occurrences(account.text, e).length, `${account.id}: ${e.text}`).toBeGreaterThan(0);
      }
    }
  });

  it('finds the annotated identifiers with high recall and few false positives', () => {
    const tally = new Map<IdentifierKind, { expected: number; found: number }>(KINDS.map((k) => [k, { expected: 0, found: 0 }]));
    const misses: string[] = [];
    const falsePositives: string[] = [];
    let totalMatches = 0;

    for (const account of fixture.accounts) {
      const matches = findIdentifiers(account.text, account.watchList);
      expectWellFormed(account.text, matches);
      totalMatches += matches.length;

      const expectedSpans: Array<{ start: number; end: number }> = [];
      for (const e of account.expected) {
        for (const occ of occurrences(account.text, e)) {
          expectedSpans.push(occ);
          const row = tally.get(e.kind)!;
          row.expected += 1;
          if (matches.some((m) => m.start <= occ.start && m.end >= occ.end)) {
            row.found += 1;
          } else {
            misses.push(`${account.id}: ${e.kind} ${JSON.stringify(e.text)} @${occ.start}`);
          }
        }
      }
      for (const m of matches) {
        if (!expectedSpans.some((s) => m.start < s.end && s.start < m.end)) {
          falsePositives.push(`${account.id}: ${m.kind} ${JSON.stringify(m.text)}`);
        }
      }
    }

    let expectedTotal = 0;
    let foundTotal = 0;
    const rows = KINDS.map((kind) => {
      const { expected, found } = tally.get(kind)!;
      expectedTotal += expected;
      foundTotal += found;
      return { kind, expected, found, recall: expected === 0 ? 1 : found / expected };
    });
    const overall = foundTotal / expectedTotal;
    const fpRate = falsePositives.length / totalMatches;

    console.log(
      [
        'kind        expected  found  recall',
        ...rows.map((r) => `${r.kind.padEnd(11)} ${String(r.expected).padStart(8)} ${String(r.found).padStart(6)}  ${r.recall.toFixed(3)}`),
        `${'overall'.padEnd(11)} ${String(expectedTotal).padStart(8)} ${String(foundTotal).padStart(6)}  ${overall.toFixed(3)}`,
        `matches: ${totalMatches}, overlapping no expected identifier: ${falsePositives.length} (${(fpRate * 100).toFixed(1)}%)`,
        ...(misses.length > 0 ? ['missed:', ...misses.map((m) => `  ${m}`)] : []),
        ...(falsePositives.length > 0 ? ['false positives:', ...falsePositives.map((m) => `  ${m}`)] : []),
      ].join('\n'),
    );

    const recallOf = (kind: IdentifierKind): number => rows.find((r) => r.kind === kind)!.recall;
    expect(overall).toBeGreaterThanOrEqual(0.9);
    expect(recallOf('name')).toBeGreaterThanOrEqual(0.8);
    for (const kind of ['email', 'phone', 'url', 'handle', 'money', 'watch_list'] as const) {
      expect(recallOf(kind), kind).toBeGreaterThanOrEqual(0.95);
    }
    expect(fpRate).toBeLessThanOrEqual(0.15);
  });

  it('rejects a mark-everything strategy through the false-positive bound', () => {
    // Sanity check of the metric itself: marking every word would flood it.
    const account = fixture.accounts[0]!;
    const everyWord = [...account.text.matchAll(/\S+/g)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
    const expectedSpans = account.expected.flatMap((e) => occurrences(account.text, e));
    const fp = everyWord.filter((w) => !expectedSpans.some((s) => w.start < s.end && s.start < w.end)).length;
    expect(fp / everyWord.length).toBeGreaterThan(0.15);
  });
});

describe('findIdentifiers', () => {
  it('returns nothing for empty or blank text', () => {
    expect(findIdentifiers('')).toEqual([]);
    expect(findIdentifiers('   \n\t ')).toEqual([]);
    expect(findIdentifiers('', ['The Long Quiet'])).toEqual([]);
  });

  it('does not mark platform names, months or weekdays on their own', () => {
    const text =
      'I worked for Mercor, then Outlier and Turing. Scale AI paid better than Remotasks, DataAnnotation, ' +
      'Invisible or Appen. In March we had a call on a Tuesday, and by May I had quit Data Annotation for good. ' +
      'Everyone on the Outlier Slack was a writer. I applied to Scale AI and Mercor in the same week.';
    expect(findIdentifiers(text)).toEqual([]);
  });

  it('finds emails without reporting their local part as a handle or their domain as a URL', () => {
    const text = 'Write to dana.whitfield+gigs@example.com or ping @dana_w on Slack.';
    expect(kindsAndTexts(findIdentifiers(text))).toEqual([
      ['email', 'dana.whitfield+gigs@example.com'],
      ['handle', '@dana_w'],
    ]);
  });

  it('finds US and international phone numbers', () => {
    const numbers = ['(310) 555-0199', '310-555-0199', '+1 310 555 0199', '310.555.0199', '+44 20 7946 0958', '1-310-555-0199'];
    for (const n of numbers) {
      const text = `Call me on ${n} after six.`;
      expect(kindsAndTexts(findIdentifiers(text)), n).toEqual([['phone', n]]);
    }
  });

  it('does not read dates, amounts or version numbers as phone numbers', () => {
    const text = 'Version 2.3.1 shipped; I earned $1,200 across 12 tasks, 40 hours, 2019 2020 2021.';
    const matches = findIdentifiers(text);
    expect(matches.filter((m) => m.kind === 'phone')).toEqual([]);
    expect(kindsAndTexts(matches)).toEqual([['money', '$1,200']]);
  });

  it('does not over-read sloppy typing', () => {
    const text = 'I quit the job.It was fine.So what. Two tasks may be enough, 3 may be too many.';
    expect(findIdentifiers(text)).toEqual([]);
  });

  it('finds URLs with and without a scheme, without trailing punctuation', () => {
    const text = 'See https://example.com/a?b=1, www.example.org/about. and example.com/path/to/page.';
    expect(kindsAndTexts(findIdentifiers(text))).toEqual([
      ['url', 'https://example.com/a?b=1'],
      ['url', 'www.example.org/about'],
      ['url', 'example.com/path/to/page'],
    ]);
  });

  it('finds dates in several formats', () => {
    const dates = ['March 3rd', '3 March 2024', '2024-03-03', '03/03/2024', 'March 2024', 'Sept 14, 2023', '12.09.2024'];
    for (const d of dates) {
      expect(kindsAndTexts(findIdentifiers(`It happened on ${d} at the office.`)), d).toEqual([['date', d]]);
    }
  });

  it('finds money amounts', () => {
    const amounts = ['$45', '$45/hour', '$1,200', '45 dollars', 'USD 30', '€20', '£18/hour', '$0.80 per task'];
    for (const a of amounts) {
      expect(kindsAndTexts(findIdentifiers(`They paid ${a} and nothing else.`)), a).toEqual([['money', a]]);
    }
  });

  it('finds names from compromise and from the heuristics', () => {
    const text = 'My lead, Priya, set up the call. Later Dr. Okonkwo joined with Anneliese Brandt from legal. ' + 'Our showrunner Dana Whitfield was furious, and Dana said so.';
    const names = findIdentifiers(text)
      .filter((m) => m.kind === 'name')
      .map((m) => m.text);
    expect(names).toEqual(['Priya', 'Dr. Okonkwo', 'Anneliese Brandt', 'Dana Whitfield', 'Dana']);
  });

  it('does not report shouting or ordinary capitalised phrases as names', () => {
    const text = 'That bible NEVER AIRED. We wrote it in Final Draft and shared it on Google Docs from Los Angeles.';
    expect(findIdentifiers(text).filter((m) => m.kind === 'name')).toEqual([]);
  });

  describe('watch list', () => {
    it('matches whole words case-insensitively, including multi-word terms', () => {
      const text = 'I wrote on The Long Quiet. the long quiet was cancelled; Quietly, nobody cared.';
      expect(kindsAndTexts(findIdentifiers(text, ['The Long Quiet', 'Quiet']))).toEqual([
        ['watch_list', 'The Long Quiet'],
        ['watch_list', 'the long quiet'],
      ]);
    });

    it('escapes regex-special characters in terms', () => {
      const text = 'I was on C.S.I.: Nights, not CXSXIX: Nights. Then Project (X) and project (x) again; Project X is different.';
      expect(kindsAndTexts(findIdentifiers(text, ['C.S.I.: Nights', 'Project (X)', '[', '*+?']))).toEqual([
        ['watch_list', 'C.S.I.: Nights'],
        ['watch_list', 'Project (X)'],
        ['watch_list', 'project (x)'],
      ]);
    });

    it('handles accented terms and separator variants', () => {
      const text = 'The project was call Colibrí. Channel: #night-heron-writers, and Night  Heron itself.';
      expect(kindsAndTexts(findIdentifiers(text, ['Colibrí', 'Night Heron', '   ']))).toEqual([
        ['watch_list', 'Colibrí'],
        ['watch_list', 'night-heron'],
        ['watch_list', 'Night  Heron'],
      ]);
    });

    it('wins over other kinds when they overlap', () => {
      // Without a watch list the title looks like a person's name.
      const title = 'I worked with Velvet Hartley on Dana Whitfield.';
      expect(kindsAndTexts(findIdentifiers(title)).map(([k]) => k)).toContain('name');
      expect(kindsAndTexts(findIdentifiers(title, ['Dana Whitfield']))).toContainEqual(['watch_list', 'Dana Whitfield']);

      // A term inside an email takes over the whole email, so nothing is left unmarked.
      const email = 'Contact kestrel.workers@example.org for Kestrel.';
      expect(kindsAndTexts(findIdentifiers(email, ['Kestrel']))).toEqual([
        ['watch_list', 'kestrel.workers@example.org'],
        ['watch_list', 'Kestrel'],
      ]);
    });
  });

  it('resolves overlaps in favour of the longer, more specific match', () => {
    const text = 'Email josh@example.com, see https://example.com/jobs/@josh, paid $1,200 on 2024-03-03.';
    const matches = findIdentifiers(text);
    expectWellFormed(text, matches);
    expect(kindsAndTexts(matches)).toEqual([
      ['email', 'josh@example.com'],
      ['url', 'https://example.com/jobs/@josh'],
      ['money', '$1,200'],
      ['date', '2024-03-03'],
    ]);
  });

  it('keeps offsets right after emoji and other astral characters', () => {
    const text = 'ok 🙃🎥 so Theo Lindqvist 👍 emailed theo@example.com';
    const matches = findIdentifiers(text);
    expectWellFormed(text, matches);
    expect(kindsAndTexts(matches)).toEqual([
      ['name', 'Theo Lindqvist'],
      ['email', 'theo@example.com'],
    ]);
  });
});

describe('applyRedactions', () => {
  const text = 'Dana Whitfield paid me $45/hour; email dana@example.com.';

  it('replaces each match at its offsets', () => {
    const matches = findIdentifiers(text);
    expect(applyRedactions(text, matches)).toBe('[redacted] paid me [redacted]; email [redacted].');
  });

  it('uses a custom replacement phrase', () => {
    const matches = findIdentifiers(text);
    expect(applyRedactions(text, matches, '[name withheld]')).toBe('[name withheld] paid me [name withheld]; email [name withheld].');
  });

  it('applies a chosen subset of matches in any order', () => {
    const matches = findIdentifiers(text);
    const subset = matches.filter((m) => m.kind !== 'money').reverse();
    expect(applyRedactions(text, subset, '█')).toBe('█ paid me $45/hour; email █.');
  });

  it('returns the text unchanged without matches', () => {
    expect(applyRedactions(text, [])).toBe(text);
    expect(applyRedactions('', [])).toBe('');
  });

  it('handles hand-made adjacent matches and rejects matches from another text', () => {
    const adjacent: IdentifierMatch[] = [
      { kind: 'name', start: 0, end: 4, text: 'Dana' },
      { kind: 'name', start: 5, end: 14, text: 'Whitfield' },
    ];
    expect(applyRedactions(text, adjacent, 'X')).toBe('X X paid me $45/hour; email dana@example.com.');
    expect(() => applyRedactions('Someone else entirely', adjacent)).toThrow();
    expect(() => applyRedactions('Dana', [{ kind: 'name', start: 0, end: 10, text: 'Dana' }])).toThrow(RangeError);
  });
});
