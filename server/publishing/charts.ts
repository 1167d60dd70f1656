// Server-rendered SVG charts with text alternatives: no JavaScript, no inline styles (the CSP
// forbids them), presentation attributes only. The three states of a figure are drawn apart
// from each other and from zero: a shown zero is an empty bar on a baseline tick, "fewer than
// K" a dotted outline as long as K−1 would be, "withheld" a hatched block.
import type { Language } from '../../common/languages.js';
import { translate } from '../i18n/catalogue.js';
import type { FigureStatus } from './schemas.js';
import { escapeXml } from './xml.js';

export interface Bar {
  label: string;
  /** A number exactly when status is `shown`. */
  value: number | null;
  status: FigureStatus;
  /** Words in place of the default ones ("fewer than 11 said yes", "no accounts"). */
  note?: string;
  /** For a fewer-than-K bar, where its outline ends, if not at the chart's own extent. */
  extent?: number;
}

export interface BarChart {
  id: string;
  /** The language of the chart's words (its text alternative included). */
  language: Language;
  title: string;
  description: string;
  bars: Bar[];
  format(value: number): string;
  /** Where a fewer-than-K outline ends, in the chart's units (K−1 accounts, or a share's worth). */
  fewerThanKExtent: number;
  kMin: number;
}

const INK = '#1b1b1f';
const MUTED = '#4a4a55';
const BAR = '#7a2e0e';

/** Words for a figure that is not shown. */
export function hiddenText(status: Exclude<FigureStatus, 'shown'>, kMin: number, language: Language): string {
  return status === 'fewer_than_k' ? translate(language, 'statistics:figure.fewerThanK', { kMin }) : translate(language, 'statistics:figure.withheld');
}

function hatchPattern(chartId: string): string {
  return (
    `<defs><pattern id="${chartId}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">` +
    `<rect width="6" height="6" fill="#ececf0"/><line x1="0" y1="0" x2="0" y2="6" stroke="#8a8a96" stroke-width="2"/></pattern></defs>`
  );
}

function svg(chartId: string, title: string, description: string, width: number, height: number, body: string): string {
  const titleId = `${chartId}-title`;
  const descId = `${chartId}-desc`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-labelledby="${titleId} ${descId}">` +
    `<title id="${titleId}">${escapeXml(title)}</title><desc id="${descId}">${escapeXml(description)}</desc>${hatchPattern(chartId)}${body}</svg>`
  );
}

export function barChartSvg(chart: BarChart): string {
  // Each label sits on its own line above its bar, so that the chart stays narrow and its text
  // readable when it is scaled down to a 320 px phone (the stylesheet caps its width on desktop).
  const rowHeight = 44;
  const barArea = 250;
  const width = 360;
  const height = chart.bars.length * rowHeight + 4;
  const max = Math.max(chart.fewerThanKExtent, ...chart.bars.map((b) => b.value ?? 0));
  const scale = (v: number) => Math.round((v / max) * barArea);
  const text = (bar: Bar) => bar.note ?? (bar.status === 'shown' ? chart.format(bar.value ?? 0) : hiddenText(bar.status, chart.kMin, chart.language));
  const alternative = chart.bars.map((b) => `${b.label}: ${text(b)}`).join('; ');
  const rows = chart.bars
    .map((bar, i) => {
      const y = i * rowHeight + 2;
      const label = `<text x="0" y="${y + 15}" font-size="14" fill="${INK}">${escapeXml(bar.label)}</text>`;
      const note = (x: number, fill: string) => `<text x="${x}" y="${y + 34}" font-size="13" fill="${fill}">${escapeXml(text(bar))}</text>`;
      if (bar.status === 'fewer_than_k') {
        // Room for the words after the outline (about 7 units a character at this size).
        const w = Math.max(12, Math.min(scale(bar.extent ?? chart.fewerThanKExtent), width - 12 - 7 * text(bar).length));
        return `${label}<rect x="1" y="${y + 22}" width="${w}" height="14" fill="none" stroke="${MUTED}" stroke-width="1.5" stroke-dasharray="2 3"/>${note(w + 8, MUTED)}`;
      }
      if (bar.status === 'withheld') {
        return `${label}<rect x="0" y="${y + 21}" width="40" height="16" fill="url(#${chart.id}-hatch)"/>${note(48, MUTED)}`;
      }
      const w = scale(bar.value ?? 0);
      const drawn =
        w > 0
          ? `<rect x="0" y="${y + 21}" width="${Math.max(2, w)}" height="16" fill="${BAR}"/>`
          : `<line x1="0.5" y1="${y + 19}" x2="0.5" y2="${y + 39}" stroke="${INK}" stroke-width="1"/>`;
      return `${label}${drawn}${note(Math.max(2, w) + 6, INK)}`;
    })
    .join('');
  return svg(chart.id, chart.title, `${chart.description} ${alternative}.`, width, height, rows);
}

export interface BandRow {
  label: string;
  /** The row's total (its accounts); when not shown, the row is drawn as one hidden block. */
  total: Bar;
  /** Per band, the row's figure. */
  bands: Bar[];
  /** Index of the median band, or null. */
  median: number | null;
}

export interface BandChart {
  id: string;
  language: Language;
  title: string;
  description: string;
  bandLabels: string[];
  /** The same bands in a few characters, over the squares ("<$20"). */
  bandShortLabels: string[];
  rows: BandRow[];
  format(value: number): string;
  kMin: number;
}

/**
 * One strip of bands per row: each band's square is shaded by its share of the row, the
 * median band is outlined and named; hidden bands and hidden rows use the same marks as bars.
 */
export function bandChartSvg(chart: BandChart): string {
  const cell = 40;
  const gap = 4;
  const rowHeight = 66;
  const top = 18;
  const strip = chart.bandLabels.length * (cell + gap);
  const width = Math.max(360, strip);
  const height = top + chart.rows.length * rowHeight;
  const words = (key: string, values: Record<string, unknown> = {}) => translate(chart.language, `statistics:chart.${key}`, values);
  const short = (j: number) => chart.bandShortLabels[j] ?? chart.bandLabels[j] ?? '';
  const header = chart.bandLabels.map((_, j) => `<text x="${j * (cell + gap) + cell / 2}" y="12" font-size="9" text-anchor="middle" fill="${INK}">${escapeXml(short(j))}</text>`).join('');
  const text = (bar: Bar) => (bar.status === 'shown' ? chart.format(bar.value ?? 0) : hiddenText(bar.status, chart.kMin, chart.language));
  const hiddenRow = (status: Exclude<FigureStatus, 'shown'>) =>
    status === 'fewer_than_k' ? words('fewerThanKNoBands', { kMin: chart.kMin }) : hiddenText(status, chart.kMin, chart.language);
  const rows = chart.rows
    .map((row, i) => {
      const y = top + i * rowHeight;
      const title =
        row.total.status !== 'shown'
          ? row.label
          : row.median !== null
            ? words('rowAccountsMedian', { row: row.label, count: text(row.total), band: short(row.median) })
            : words('rowAccounts', { row: row.label, count: text(row.total) });
      const label = `<text x="0" y="${y + 13}" font-size="11" fill="${INK}">${escapeXml(title)}</text>`;
      const by = y + 18;
      if (row.total.status !== 'shown') {
        const mark =
          row.total.status === 'fewer_than_k'
            ? `<rect x="1" y="${by}" width="${strip - gap - 2}" height="${cell}" fill="none" stroke="${MUTED}" stroke-width="1.5" stroke-dasharray="2 3"/>`
            : `<rect x="0" y="${by}" width="${strip - gap}" height="${cell}" fill="url(#${chart.id}-hatch)"/>`;
        return `${label}${mark}<text x="8" y="${by + 25}" font-size="12" fill="${MUTED}">${escapeXml(hiddenRow(row.total.status))}</text>`;
      }
      const total = row.total.value ?? 0;
      const squares = row.bands
        .map((band, j) => {
          const x = j * (cell + gap);
          if (band.status === 'fewer_than_k')
            return `<rect x="${x + 1}" y="${by + 1}" width="${cell - 2}" height="${cell - 2}" fill="none" stroke="${MUTED}" stroke-width="1.5" stroke-dasharray="2 3"/>`;
          if (band.status === 'withheld') return `<rect x="${x}" y="${by}" width="${cell}" height="${cell}" fill="url(#${chart.id}-hatch)"/>`;
          const share = total > 0 ? (band.value ?? 0) / total : 0;
          return `<rect x="${x + 0.5}" y="${by + 0.5}" width="${cell - 1}" height="${cell - 1}" fill="${BAR}" fill-opacity="${share.toFixed(3)}" stroke="${INK}" stroke-width="0.5"/>`;
        })
        .join('');
      const medianMark =
        row.median === null ? '' : `<rect x="${row.median * (cell + gap) - 1.5}" y="${by - 1.5}" width="${cell + 3}" height="${cell + 3}" fill="none" stroke="${INK}" stroke-width="3"/>`;
      return `${label}${squares}${medianMark}`;
    })
    .join('');
  const alternative = chart.rows
    .map((row) => {
      if (row.total.status !== 'shown')
        return `${row.label}: ${row.total.status === 'fewer_than_k' ? words('fewerThanKNoBandsList', { kMin: chart.kMin }) : hiddenText(row.total.status, chart.kMin, chart.language)}`;
      const median = row.median === null ? words('noMedian') : words('medianBand', { band: chart.bandLabels[row.median] ?? '' });
      return `${row.label}: ${median}; ${words('accountsCount', { count: text(row.total) })}: ${row.bands.map((b, j) => `${chart.bandLabels[j] ?? ''} ${text(b)}`).join(', ')}`;
    })
    .join('; ');
  return svg(chart.id, chart.title, `${chart.description} ${alternative}.`, width, height, header + rows);
}
