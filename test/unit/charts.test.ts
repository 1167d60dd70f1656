// The charts draw the three states apart from each other and from zero, and say each in words.
import { describe, expect, it } from 'vitest';
import { bandChartSvg, barChartSvg, type Bar } from '../../server/publishing/charts.js';

const bars: Bar[] = [
  { label: 'Mercor', value: 40, status: 'shown' },
  { label: 'Outlier', value: 0, status: 'shown' },
  { label: 'Turing', value: null, status: 'fewer_than_k' },
  { label: 'Appen', value: null, status: 'withheld' },
];

/** The marks drawn for one bar: from its label to the next bar's label. */
function marksOf(svg: string, label: string): string {
  return svg.split(/(?=<text x="0" y="\d+" font-size="14")/).find((piece) => piece.includes(`>${label}</text>`)) ?? '';
}

describe('barChartSvg', () => {
  const svg = barChartSvg({ id: 'c', language: 'en', title: 'T', description: 'D.', bars, format: (n) => `about ${n}`, fewerThanKExtent: 10, kMin: 11 });

  it('draws a count as a filled bar, zero as a tick, fewer than K as a dotted outline, withheld as hatching', () => {
    expect(marksOf(svg, 'Mercor')).toMatch(/<rect [^>]*fill="#7a2e0e"/);
    expect(marksOf(svg, 'Outlier')).toMatch(/<line /);
    expect(marksOf(svg, 'Outlier')).not.toMatch(/<rect /);
    expect(marksOf(svg, 'Turing')).toMatch(/<rect [^>]*fill="none"[^>]*stroke-dasharray/);
    expect(marksOf(svg, 'Appen')).toMatch(/<rect [^>]*fill="url\(#c-hatch\)"/);
  });

  it('spells every figure out in its text alternative', () => {
    const desc = /<desc id="c-desc">(.*?)<\/desc>/.exec(svg)![1];
    expect(desc).toBe('D. Mercor: about 40; Outlier: about 0; Turing: fewer than 11 after noise; Appen: withheld.');
  });
});

describe('bandChartSvg', () => {
  it('outlines the median band, shades the rest by share, and draws hidden rows as one block', () => {
    const svg = bandChartSvg({
      id: 'p',
      language: 'en',
      title: 'Median pay band, by platform',
      description: 'D.',
      bandLabels: ['Under $20 an hour', '$20–39 an hour', '$40–59 an hour'],
      bandShortLabels: ['<$20', '$20–39', '$40–59'],
      rows: [
        {
          label: 'Mercor',
          total: { label: 'Mercor', value: 50, status: 'shown' },
          bands: [
            { label: 'a', value: 0, status: 'shown' },
            { label: 'b', value: null, status: 'fewer_than_k' },
            { label: 'c', value: 45, status: 'shown' },
          ],
          median: 2,
        },
        { label: 'Appen', total: { label: 'Appen', value: null, status: 'fewer_than_k' }, bands: [], median: null },
      ],
      format: (n) => `about ${n}`,
      kMin: 11,
    });
    expect(svg).toContain('Mercor: about 50 accounts, median $40–59');
    expect(svg).toMatch(/stroke-width="3"/);
    expect(svg).toContain('fill-opacity="0.900"');
    expect(svg).toContain('fewer than 11 accounts: no bands shown');
    expect(svg).toContain('Mercor: median band $40–59 an hour; about 50 accounts: Under $20 an hour about 0, $20–39 an hour fewer than 11 after noise, $40–59 an hour about 45');
  });
});
