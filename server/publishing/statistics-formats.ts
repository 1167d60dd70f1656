// The published statistics in each public format (DESIGN §6, §8): the page's tables and
// charts, the tidy CSV and the JSON API, all from one stored snapshot, so that every format
// of a refresh carries the same noisy numbers and the same three states.
import { CodedError } from '../../common/errors.js';
import { payBands } from '../../common/vocabulary.js';
import { bandChartSvg, barChartSvg, hiddenText, type Bar } from './charts.js';
import type { latestStatistics } from './release.js';
import type { Figure, PublishedStatistics, PublishedTableView, StatsResponse } from './schemas.js';

export type LatestStatistics = NonNullable<Awaited<ReturnType<typeof latestStatistics>>>;

/** A shown count with its margin of error where it has one: "47 ± 16". */
const countText = (figure: Figure): string => `${figure.count ?? 0}${figure.margin ? ` ± ${figure.margin}` : ''}`;

/** A figure in words: "about 47 ± 16" (every count carries noise), "fewer than 11 after noise" or "withheld". */
export function figureText(figure: Figure, kMin: number): string {
  return figure.status === 'shown' ? `about ${countText(figure)}` : hiddenText(figure.status, kMin);
}

/** The one line each table carries about its two hidden states. */
export function hiddenStatesLine(kMin: number): string {
  return (
    `“Fewer than ${kMin} after noise”: the approximate count fell below the line a shown figure must reach (usually 0 to ${kMin - 1} accounts). “Withheld”: hidden so that a small count elsewhere cannot be worked out, ` +
    `or because its row or column has fewer than ${kMin} accounts; it may hold any number, zero included.`
  );
}

/** The tables a request asks for (`table=a,b`; all when absent); unknown names are a 400 naming them. */
export function selectTables(statistics: PublishedStatistics | null, tableParam: string | undefined, knownIds: readonly string[]): PublishedTableView[] {
  const tables = statistics?.tables ?? [];
  if (tableParam === undefined) return tables;
  const wanted = tableParam.split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = wanted.filter((name) => !knownIds.includes(name));
  if (unknown.length > 0 || wanted.length === 0) throw new CodedError('unknown_table', { names: unknown, tables: knownIds });
  return tables.filter((t) => wanted.includes(t.id));
}

/** One CSV field (RFC 4180): quoted only when it holds a quote, comma or line break. */
export const csvField = (value: string | number | null) => (value === null ? '' : typeof value === 'number' ? String(value) : /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
export const TIDY_CSV_HEADER = 'table,row,column,count,status,table_label,row_label,column_label,margin';

/**
 * The tidy CSV: one line per cell and per total (`row` or `column` is `total`), `count` empty
 * unless `status` is `shown`. The first lines, starting with `#`, state the day the figures
 * were drawn, the batch, K_MIN and the noise (read with comment='#' in pandas, comment.char in R).
 */
export function tidyCsv(latest: LatestStatistics | undefined, tables: readonly PublishedTableView[], kMin: number): string {
  const statistics = latest?.statistics ?? null;
  const k = statistics?.kMin ?? kMin;
  const lines = [
    statistics && latest
      ? `# Offscript statistics: figures last updated ${statistics.figuresUpdatedOn}; batch ${latest.sequence}, released ${latest.releasedOn}`
      : '# Offscript statistics: no figures have been published yet',
    `# Minimum cell size K = ${k}: fewer_than_k = fewer than ${k} after noise; withheld = hidden so that a small count cannot be worked out, any number`,
    statistics?.release
      ? `# Counts are approximate: continual release, refresh ${statistics.release.refresh}, each count the sum of ${statistics.release.nodesPerCount} stored noise values (epsilon ${statistics.release.budget.epsilonPerNode} each); margin = ± at ${Math.round(statistics.release.confidence * 100)} % confidence; lifetime budget epsilon ${statistics.release.budget.lifetime} per account over ${statistics.release.budget.horizonRefreshes} refreshes`
      : `# Counts are approximate: each carries random noise (epsilon ${statistics?.epsilon.perCount ?? 'n/a'} per count); totals are sums of the noisy cells`,
    TIDY_CSV_HEADER,
  ];
  for (const table of tables) {
    const line = (row: { key: string; label: string }, column: { key: string; label: string }, figure: Figure) =>
      lines.push([table.id, row.key, column.key, figure.count, figure.status, table.title, row.label, column.label, figure.margin ?? null].map(csvField).join(','));
    const total = { key: 'total', label: 'Total' };
    table.rows.forEach((row, i) => {
      table.columns.forEach((column, j) => line(row, column, table.cells[i]![j]!));
      line(row, total, table.rowTotals[i]!);
    });
    table.columns.forEach((column, j) => line(total, column, table.columnTotals[j]!));
    line(total, total, table.total);
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** The JSON API body: every cell and total `{count, status}`, as stored. */
export function statsJson(latest: LatestStatistics | undefined, tables: PublishedTableView[]): StatsResponse {
  const statistics = latest?.statistics ?? null;
  return {
    batch: latest?.sequence ?? null,
    releasedOn: latest?.releasedOn ?? null,
    statistics: statistics && { ...statistics, tables },
  };
}

const percent = (share: number) => `${Math.round(share * 100)}%`;

function chartFor(table: PublishedTableView, kMin: number): string {
  const id = `chart-${table.id}`;
  if (table.medians) {
    return bandChartSvg({
      id,
      title: 'Median pay band, by platform',
      description: 'For each platform, its median pay band (outlined) and how its accounts spread over the bands (darker: more of them), where the platform has enough accounts.',
      bandLabels: payBands.terms.map((t) => t.label),
      rows: table.rows.map((row, i) => {
        const median = table.medians?.[i];
        const index = median?.band ? payBands.keys.indexOf(median.band as (typeof payBands.keys)[number]) : -1;
        return {
          label: row.label,
          total: barOf(row.label, table.rowTotals[i]!),
          bands: table.columns.map((column, j) => barOf(column.label, table.cells[i]![j]!)),
          median: index >= 0 ? index : null,
        };
      }),
      format: (n) => `about ${n}`,
      kMin,
    });
  }
  // A table with a "not asked" column gets the totals chart: its row totals are no denominator for a share.
  const yesIndex = table.columns.some((c) => c.key === 'not_asked') ? -1 : table.columns.findIndex((c) => c.key === 'yes');
  if (yesIndex >= 0) {
    // Condition tables: the share answering yes, only where both numbers are shown.
    return barChartSvg({
      id,
      title: table.title,
      description: 'Share of accounts answering yes, by platform.',
      bars: table.rows.map((row, i): Bar => {
        const yes = table.cells[i]![yesIndex]!;
        const total = table.rowTotals[i]!;
        if (total.status === 'fewer_than_k') return { label: row.label, value: null, status: total.status, note: `fewer than ${kMin} accounts` };
        if (total.status !== 'shown') return { label: row.label, value: null, status: total.status };
        if (total.count === 0) return { label: row.label, value: 0, status: 'shown', note: 'no answers' };
        if (yes.status === 'fewer_than_k') {
          // Fewer than K of a shown total: the share lies below (K−1)/total, and the outline says so.
          return { label: row.label, value: null, status: yes.status, note: `fewer than ${kMin} said yes`, extent: (kMin - 1) / (total.count ?? 1) };
        }
        if (yes.status !== 'shown') return { label: row.label, value: null, status: yes.status };
        return { label: row.label, value: (yes.count ?? 0) / (total.count ?? 1), status: 'shown' };
      }),
      format: (share) => `about ${percent(share)}`,
      fewerThanKExtent: 1,
      kMin,
    });
  }
  const single = table.rows.length === 1;
  // A one-column table (accounts by place) charts its rows.
  if (table.columns.length === 1) {
    return barChartSvg({
      id,
      title: table.title,
      description: `Accounts by ${table.rowTitle.toLowerCase()}.`,
      bars: table.rows.map((r, i) => barOf(r.label, table.cells[i]![0]!)),
      format: (n) => `about ${n}`,
      fewerThanKExtent: kMin - 1,
      kMin,
    });
  }
  return barChartSvg({
    id,
    title: single ? table.title : `${table.title}: totals by ${table.columnTitle.toLowerCase()}`,
    description: `Accounts by ${table.columnTitle.toLowerCase()}${single ? '' : `, all ${table.rowTitle.toLowerCase()}s together`}.`,
    bars: table.columns.map((c, j) => barOf(c.label, single ? table.cells[0]![j]! : table.columnTotals[j]!)),
    format: (n) => `about ${n}`,
    fewerThanKExtent: kMin - 1,
    kMin,
  });
}

const barOf = (label: string, figure: Figure): Bar => ({ label, value: figure.count, status: figure.status });

/** What pages/stats.hbs renders for each table. */
export function statsPageTables(statistics: PublishedStatistics) {
  const { kMin } = statistics;
  const cell = (figure: Figure) => ({ text: figure.status === 'shown' ? countText(figure) : hiddenText(figure.status, kMin), status: figure.status, hidden: figure.status !== 'shown' });
  return statistics.tables.map((table) => ({
    ...table,
    chart: chartFor(table, kMin),
    bodyRows: table.rows.map((row, i) => {
      const median = table.medians?.[i];
      return {
        label: row.label,
        cells: [...table.cells[i]!, table.rowTotals[i]!].map(cell),
        median: median && (median.status === 'shown' ? (median.band ? payBands.labelOf(median.band as (typeof payBands.keys)[number]) : '—') : hiddenText(median.status, kMin)),
      };
    }),
    footCells: [...table.columnTotals, table.total].map(cell),
    hasMedians: Boolean(table.medians),
  }));
}

/** The landing page's headline figures in words. */
export function headlineText(statistics: PublishedStatistics) {
  const { kMin, headline } = statistics;
  return {
    accounts: figureText(headline.accounts, kMin),
    platforms: headline.platforms.status === 'shown' ? String(headline.platforms.count ?? 0) : hiddenText(headline.platforms.status, kMin),
    conditions: headline.conditions.map((c) => ({
      label: c.label,
      share: c.share.status === 'shown' ? `about ${percent(c.share.share ?? 0)}` : c.share.status === 'fewer_than_k' ? `fewer than ${kMin} answers` : 'withheld',
    })),
    // Absent from figures drawn before the verification tier was counted.
    verification: headline.verification && {
      documentsSeen: figureText(headline.verification.documentsSeen, kMin),
      share: headline.verification.share.status === 'shown' ? `about ${percent(headline.verification.share.share ?? 0)}` : null,
    },
  };
}
