// The published statistics in each public format (DESIGN §6, §8): the page's tables and
// charts, the tidy CSV and the JSON API, all from one stored snapshot, so that every format
// of a refresh carries the same noisy numbers and the same three states.
import { CodedError } from '../../common/errors.js';
import { SOURCE_LANGUAGE, type Language } from '../../common/languages.js';
import { payBands } from '../../common/vocabulary.js';
import { translate } from '../i18n/catalogue.js';
import { formatCount, formatPercent } from '../i18n/locale-format.js';
import { termLabel } from '../i18n/vocabulary-labels.js';
import { bandChartSvg, barChartSvg, hiddenText, type Bar } from './charts.js';
import type { latestStatistics } from './release.js';
import type { Figure, PublishedStatistics, PublishedTableView, StatsResponse, StoredStatistics, StoredTable } from './schemas.js';
import { statisticsIn, tableIn } from './statistics-words.js';

export type LatestStatistics = NonNullable<Awaited<ReturnType<typeof latestStatistics>>>;

/** A shown count with its margin of error where it has one, in the reader's digits: "1,047 ± 16". */
const countText = (language: Language, figure: Figure): string =>
  figure.margin
    ? translate(language, 'statistics:figure.withMargin', { count: formatCount(language, figure.count ?? 0), margin: formatCount(language, figure.margin) })
    : formatCount(language, figure.count ?? 0);

const about = (language: Language, text: string) => translate(language, 'statistics:figure.about', { count: text });

/** A figure in words: "about 47 ± 16" (every count carries noise), "fewer than 11 after noise" or "withheld". */
export function figureText(figure: Figure, kMin: number, language: Language = SOURCE_LANGUAGE): string {
  return figure.status === 'shown' ? about(language, countText(language, figure)) : hiddenText(figure.status, kMin, language);
}

/** The one line each table carries about its two hidden states. */
export function hiddenStatesLine(kMin: number, language: Language = SOURCE_LANGUAGE): string {
  return translate(language, 'statistics:hiddenStates', { kMin: formatCount(language, kMin), kMinLess: formatCount(language, kMin - 1) });
}

/** The tables a request asks for (`table=a,b`; all when absent); unknown names are a 400 naming them. */
export function selectTables<Table extends { id: string }>(statistics: { tables: Table[] } | null, tableParam: string | undefined, knownIds: readonly string[]): Table[] {
  const tables = statistics?.tables ?? [];
  if (tableParam === undefined) return tables;
  const wanted = tableParam
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = wanted.filter((name) => !knownIds.includes(name));
  if (unknown.length > 0 || wanted.length === 0) throw new CodedError('unknown_table', { names: unknown, tables: knownIds });
  return tables.filter((t) => wanted.includes(t.id));
}

/** One CSV field (RFC 4180): quoted only when it holds a quote, comma or line break. */
export const csvField = (value: string | number | null) =>
  value === null ? '' : typeof value === 'number' ? String(value) : /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
export const TIDY_CSV_HEADER = 'table,row,column,count,status,table_label,row_label,column_label,margin';

/**
 * The tidy CSV, one file per language: one line per cell and per total (`row` or `column` is
 * `total`), `count` empty unless `status` is `shown`. `table`, `row`, `column`, `count`, `status`
 * and `margin` are the same in every language's file; the three `_label` columns and the first
 * lines, starting with `#` (the day the figures were drawn, the batch, K_MIN and the noise; read
 * with comment='#' in pandas, comment.char in R), are in `language`.
 */
export function tidyCsv(
  language: Language,
  latest: { sequence: number; releasedOn: string; statistics: StoredStatistics | null } | undefined,
  tables: readonly StoredTable[],
  kMin: number,
): string {
  const statistics = latest?.statistics ?? null;
  const k = statistics?.kMin ?? kMin;
  const words = (key: string, values: Record<string, unknown> = {}) => `# ${translate(language, `statistics:csv.${key}`, values)}`;
  const lines = [
    statistics && latest ? words('figures', { updated: statistics.figuresUpdatedOn, batch: latest.sequence, released: latest.releasedOn }) : words('noFigures'),
    words('kMin', { kMin: k }),
    statistics?.release
      ? words('continual', {
          refresh: statistics.release.refresh,
          nodes: statistics.release.nodesPerCount,
          epsilon: statistics.release.budget.epsilonPerNode,
          confidence: Math.round(statistics.release.confidence * 100),
          lifetime: statistics.release.budget.lifetime,
          horizon: statistics.release.budget.horizonRefreshes,
        })
      : words('noise', { epsilon: statistics?.epsilon.perCount ?? 'n/a' }),
    words('labels'),
    TIDY_CSV_HEADER,
  ];
  const total = { key: 'total', label: translate(language, 'statistics:total') };
  for (const stored of tables) {
    const table = tableIn(language, stored);
    const line = (row: { key: string; label: string }, column: { key: string; label: string }, figure: Figure) =>
      lines.push([table.id, row.key, column.key, figure.count, figure.status, table.title, row.label, column.label, figure.margin ?? null].map(csvField).join(','));
    table.rows.forEach((row, i) => {
      table.columns.forEach((column, j) => line(row, column, table.cells[i]![j]!));
      line(row, total, table.rowTotals[i]!);
    });
    table.columns.forEach((column, j) => line(total, column, table.columnTotals[j]!));
    line(total, total, table.total);
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** The JSON API body: every cell and total `{count, status}` as stored, labels in `language` (keys the same in all). */
export function statsJson(language: Language, latest: LatestStatistics | undefined, tables: StoredTable[]): StatsResponse {
  const statistics = latest?.statistics ?? null;
  return {
    batch: latest?.sequence ?? null,
    releasedOn: latest?.releasedOn ?? null,
    statistics: statistics && statisticsIn(language, { ...statistics, tables }),
  };
}

/** A share as a whole percentage, rounded as before (Math.round), in the reader's notation. */
const percent = (language: Language, share: number) => formatPercent(language, Math.round(share * 100) / 100);

function chartFor(language: Language, table: PublishedTableView, kMin: number): string {
  const id = `chart-${table.id}`;
  const words = (key: string, values: Record<string, unknown> = {}) => translate(language, `statistics:chart.${key}`, values);
  const aboutCount = (n: number) => about(language, formatCount(language, n));
  if (table.medians) {
    return bandChartSvg({
      id,
      language,
      title: words('medianTitle'),
      description: words('medianDescription'),
      bandLabels: payBands.terms.map((t) => termLabel(language, payBands, t.key)),
      bandShortLabels: payBands.terms.map((t) => translate(language, `statistics:payBandShort.${t.key}`)),
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
      format: aboutCount,
      kMin,
    });
  }
  // A table with a "not asked" column gets the totals chart: its row totals are no denominator for a share.
  const yesIndex = table.columns.some((c) => c.key === 'not_asked') ? -1 : table.columns.findIndex((c) => c.key === 'yes');
  if (yesIndex >= 0) {
    // Condition tables: the share answering yes, only where both numbers are shown.
    return barChartSvg({
      id,
      language,
      title: table.title,
      description: words('yesDescription'),
      bars: table.rows.map((row, i): Bar => {
        const yes = table.cells[i]![yesIndex]!;
        const total = table.rowTotals[i]!;
        if (total.status === 'fewer_than_k') return { label: row.label, value: null, status: total.status, note: words('fewerThanKAccounts', { kMin }) };
        if (total.status !== 'shown') return { label: row.label, value: null, status: total.status };
        if (total.count === 0) return { label: row.label, value: 0, status: 'shown', note: words('noAnswers') };
        if (yes.status === 'fewer_than_k') {
          // Fewer than K of a shown total: the share lies below (K−1)/total, and the outline says so.
          return { label: row.label, value: null, status: yes.status, note: words('fewerThanKSaidYes', { kMin }), extent: (kMin - 1) / (total.count ?? 1) };
        }
        if (yes.status !== 'shown') return { label: row.label, value: null, status: yes.status };
        return { label: row.label, value: (yes.count ?? 0) / (total.count ?? 1), status: 'shown' };
      }),
      format: (share) => about(language, percent(language, share)),
      fewerThanKExtent: 1,
      kMin,
    });
  }
  const single = table.rows.length === 1;
  const column = table.columnTitle.toLocaleLowerCase(language);
  // A one-column table (accounts by place) charts its rows.
  if (table.columns.length === 1) {
    return barChartSvg({
      id,
      language,
      title: table.title,
      description: words('singleDescription', { column: table.rowTitle.toLocaleLowerCase(language) }),
      bars: table.rows.map((r, i) => barOf(r.label, table.cells[i]![0]!)),
      format: aboutCount,
      fewerThanKExtent: kMin - 1,
      kMin,
    });
  }
  return barChartSvg({
    id,
    language,
    title: single ? table.title : words('totalsTitle', { title: table.title, column }),
    description: single ? words('singleDescription', { column }) : words('totalsDescription', { column, row: table.rowTitle.toLocaleLowerCase(language) }),
    bars: table.columns.map((c, j) => barOf(c.label, single ? table.cells[0]![j]! : table.columnTotals[j]!)),
    format: aboutCount,
    fewerThanKExtent: kMin - 1,
    kMin,
  });
}

const barOf = (label: string, figure: Figure): Bar => ({ label, value: figure.count, status: figure.status });

/** What partials/statistics-tables.hbs renders for each table, in `language`. */
export function statsPageTables(language: Language, stored: StoredStatistics) {
  const statistics = statisticsIn(language, stored);
  const { kMin } = statistics;
  const cell = (figure: Figure) => ({
    text: figure.status === 'shown' ? countText(language, figure) : hiddenText(figure.status, kMin, language),
    status: figure.status,
    hidden: figure.status !== 'shown',
  });
  return statistics.tables.map((table) => ({
    ...table,
    chart: chartFor(language, table, kMin),
    bodyRows: table.rows.map((row, i) => {
      const median = table.medians?.[i];
      return {
        label: row.label,
        cells: [...table.cells[i]!, table.rowTotals[i]!].map(cell),
        median: median && (median.status === 'shown' ? (median.band ? termLabel(language, payBands, median.band) : '—') : hiddenText(median.status, kMin, language)),
      };
    }),
    footCells: [...table.columnTotals, table.total].map(cell),
    hasMedians: Boolean(table.medians),
  }));
}

/** The landing page's headline figures in words, in `language`. */
export function headlineText(language: Language, stored: StoredStatistics) {
  const statistics: PublishedStatistics = statisticsIn(language, stored);
  const { kMin, headline } = statistics;
  const shareText = (share: { share: number | null; status: Figure['status'] }) => (share.status === 'shown' ? about(language, percent(language, share.share ?? 0)) : null);
  return {
    accounts: figureText(headline.accounts, kMin, language),
    platforms: headline.platforms.status === 'shown' ? formatCount(language, headline.platforms.count ?? 0) : hiddenText(headline.platforms.status, kMin, language),
    conditions: headline.conditions.map((c) => ({
      label: c.label,
      share:
        shareText(c.share) ?? (c.share.status === 'fewer_than_k' ? translate(language, 'statistics:figure.fewerThanKAnswers', { kMin }) : translate(language, 'statistics:figure.withheld')),
    })),
    // Absent from figures drawn before the verification tier was counted.
    verification: headline.verification && {
      documentsSeen: figureText(headline.verification.documentsSeen, kMin, language),
      share: shareText(headline.verification.share),
      // Issue 33; absent from figures drawn before the signed-email tier.
      ...(headline.verification.verifiedEmail && {
        verifiedEmail: figureText(headline.verification.verifiedEmail, kMin, language),
        tierAccounts: figureText(headline.verification.accounts, kMin, language),
        verifiedEmailShare: headline.verification.verifiedEmailShare ? shareText(headline.verification.verifiedEmailShare) : null,
      }),
    },
  };
}
