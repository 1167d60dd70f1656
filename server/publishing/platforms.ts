// The comparable scorecard (DESIGN §5, §8 /platforms; issue 32): platforms as columns, questions as
// rows, each cell a figure with its margin or a state naming its reason. One function,
// `scorecard`, reads one refresh's published tables (after disclosure control) and is the only
// source of the page, the CSV, the JSON API and the Atom entry, so that they agree cell by cell;
// it adds no count of its own. A platform is a column only where its line holds at least K_MIN
// accounts after noise (statistics.scorecardPlatforms, drawn with the headline).
import { FORM_VERSION_FIRST_ASKED, type FormVersion } from '../../common/intake/account.js';
import type { Language } from '../../common/languages.js';
import { platforms, scorecardPrinciples } from '../../common/vocabulary.js';
import { translate } from '../i18n/catalogue.js';
import { formatCount, formatHalfYear } from '../i18n/locale-format.js';
import { termLabel } from '../i18n/vocabulary-labels.js';
import type { Figure, ScorecardCell, ScorecardCellState, ScorecardResponse, StoredStatistics, StoredTable } from './schemas.js';
import { publishedSumMargin } from './statistics.js';
import { csvField } from './statistics-formats.js';

/** One row of the scorecard: a claim read from one published table. */
interface ScorecardQuestion {
  key: string;
  principle: (typeof scorecardPrinciples.keys)[number];
  table: string;
  /** The answers the row counts; the others (but "not asked") are the rest of those who answered. */
  says: readonly string[];
  /** The form version that first asked it: older accounts count as "not asked". */
  since: FormVersion;
}

/** The rows as defined, by form version; SCORECARD_QUESTIONS sorts them by principle. */
const QUESTIONS_BY_VERSION: readonly ScorecardQuestion[] = [
  { key: 'paid_below_advertised', principle: 'fair_pay', table: 'platform_by_pay_against_advertised', says: ['below'], since: 2 },
  { key: 'late_or_missing_pay', principle: 'fair_pay', table: 'platform_by_late_pay', says: ['sometimes', 'often'], since: 2 },
  { key: 'not_paid_all_time', principle: 'paid_for_all_work', table: 'platform_by_paid_share', says: ['most', 'about_half', 'less_than_half'], since: 2 },
  { key: 'unpaid_hours', principle: 'paid_for_all_work', table: 'platform_by_unpaid_hours', says: ['under_5', '5_19', '20_49', '50_plus'], since: 2 },
  { key: 'ended_without_notice', principle: 'notice_and_stability', table: 'platform_by_ended_without_notice', says: ['yes'], since: 2 },
  { key: 'rate_cut', principle: 'notice_and_stability', table: 'platform_by_rate_cut', says: ['yes'], since: 2 },
  { key: 'deactivated_without_appeal', principle: 'notice_and_stability', table: 'platform_by_deactivation', says: ['no_appeal'], since: 2 },
  { key: 'disturbing_content', principle: 'support_for_disturbing_work', table: 'platform_by_disturbing_content', says: ['yes'], since: 1 },
  { key: 'support_offered', principle: 'support_for_disturbing_work', table: 'platform_by_support_offered', says: ['yes'], since: 1 },
  { key: 'not_told_data_use', principle: 'transparency_about_data_use', table: 'platform_by_told_data_use', says: ['no'], since: 1 },
  { key: 'monitoring', principle: 'transparency_about_data_use', table: 'platform_by_monitoring', says: ['yes'], since: 2 },
  // Version 3 (issue 32).
  { key: 'training_unpaid', principle: 'fair_pay', table: 'platform_by_training_paid', says: ['some_paid', 'unpaid'], since: 3 },
  { key: 'relaunched_lower', principle: 'notice_and_stability', table: 'platform_by_relaunched_lower', says: ['yes'], since: 3 },
  { key: 'ai_interview', principle: 'transparency_about_data_use', table: 'platform_by_ai_interview', says: ['yes'], since: 3 },
  { key: 'intrusive_monitoring', principle: 'transparency_about_data_use', table: 'platform_by_monitoring_tools', says: ['screenshots_keystrokes', 'webcam'], since: 3 },
  { key: 'id_verification', principle: 'transparency_about_data_use', table: 'platform_by_id_verification', says: ['yes'], since: 3 },
  { key: 'not_told_of_breach', principle: 'transparency_about_data_use', table: 'platform_by_told_of_breach', says: ['learned_elsewhere', 'not_told'], since: 3 },
  { key: 'real_client_data', principle: 'transparency_about_data_use', table: 'platform_by_real_client_data', says: ['yes'], since: 3 },
  { key: 'hired_as_contractor', principle: 'fair_management', table: 'platform_by_classification', says: ['contractor'], since: 3 },
  { key: 'complaint_not_put_right', principle: 'fair_management', table: 'platform_by_complaint', says: ['nothing_changed', 'lost_work'], since: 3 },
];

/** The rows, in principle order (stable within one). Their words (the question as asked, what is counted) are in locales/<language>/scorecard.json. */
export const SCORECARD_QUESTIONS: readonly ScorecardQuestion[] = [...QUESTIONS_BY_VERSION].sort(
  (a, b) => scorecardPrinciples.keys.indexOf(a.principle) - scorecardPrinciples.keys.indexOf(b.principle),
);

/** The facts reporters lead with, charted by platform on /platforms. */
export const LEAD_QUESTIONS = ['paid_below_advertised', 'unpaid_hours', 'ended_without_notice', 'not_told_data_use'] as const;

const WITHHELD: Figure = { count: null, status: 'withheld' };
const NOT_ASKED = 'not_asked';
const ACCOUNT_VERSION_TABLE = 'platform_by_account_version';

/** A count derived from published figures: the noisy sum (or difference) of `cells` cells. */
interface Derived {
  figure: Figure;
  /** Why it is hidden, when it is: the hidden parts' own states. */
  hiddenBy?: 'fewer_than_k' | 'withheld';
}

/**
 * The sum of published figures, with the margin of a sum of that many cells. Hidden when any part
 * is: by "fewer than K" when every hidden part is so, else withheld.
 */
function sumOf(statistics: StoredStatistics, parts: readonly Figure[], cells: number): Derived {
  const hidden = parts.filter((f) => f.status !== 'shown');
  if (parts.length === 0) return { figure: WITHHELD, hiddenBy: 'withheld' };
  if (hidden.length > 0) return { figure: WITHHELD, hiddenBy: hidden.every((f) => f.status === 'fewer_than_k') ? 'fewer_than_k' : 'withheld' };
  return shownCount(
    statistics,
    parts.reduce((a, f) => a + (f.count ?? 0), 0),
    cells,
  );
}

function shownCount(statistics: StoredStatistics, count: number, cells: number): Derived {
  const margin = publishedSumMargin(statistics, cells);
  return { figure: { count, status: 'shown', ...(margin !== undefined && { margin }) } };
}

/**
 * A difference of shown figures (a total less some of its entries) shown only where it reaches the
 * threshold of a shown cell: otherwise it would print a small count the tables hide on purpose.
 */
function differenceOf(statistics: StoredStatistics, whole: Figure, parts: readonly Figure[], cells: number): Derived | undefined {
  if (whole.status !== 'shown' || parts.some((f) => f.status !== 'shown')) return undefined;
  const count = (whole.count ?? 0) - parts.reduce((a, f) => a + (f.count ?? 0), 0);
  const showFrom = statistics.kMin + (statistics.release?.showFrom ?? 0);
  if (count >= showFrom || (count === 0 && !statistics.release)) return shownCount(statistics, count, cells);
  return { figure: { count: null, status: 'fewer_than_k' }, hiddenBy: 'fewer_than_k' };
}

/**
 * The platform's accounts from before the question: the table's "not asked" cell, or where that
 * is withheld, the same accounts as the version table publishes them (its older versions' cells).
 */
function olderAccounts(statistics: StoredStatistics, row: number, question: ScorecardQuestion, notAskedCell: Figure): Figure {
  if (notAskedCell.status === 'shown') return notAskedCell;
  const versions = statistics.tables.find((t) => t.id === ACCOUNT_VERSION_TABLE);
  if (!versions) return notAskedCell;
  const older = versions.columns.flatMap((c, i) => (Number(c.key) < question.since ? [versions.cells[row]?.[i] ?? WITHHELD] : []));
  const sum = sumOf(statistics, older, older.length).figure;
  return sum.status === 'shown' ? sum : notAskedCell;
}

/** The figures of one cell: accounts saying it, accounts that answered, accounts never asked. */
function cellFigures(statistics: StoredStatistics, table: StoredTable, row: number, question: ScorecardQuestion) {
  const cells = table.cells[row] ?? [];
  const notAskedIndex = table.columns.findIndex((c) => c.key === NOT_ASKED);
  const answerColumns = table.columns.map((c, i) => ({ key: c.key, figure: cells[i] ?? WITHHELD })).filter((c) => c.key !== NOT_ASKED);
  const saying = answerColumns.filter((c) => question.says.includes(c.key));
  const others = answerColumns.filter((c) => !question.says.includes(c.key));
  const notAsked = notAskedIndex >= 0 ? olderAccounts(statistics, row, question, cells[notAskedIndex] ?? WITHHELD) : undefined;
  const rowTotal = table.rowTotals[row] ?? WITHHELD;
  // Who answered: the row's answers added up, or the row's total less those never asked.
  const answered =
    [
      sumOf(
        statistics,
        answerColumns.map((c) => c.figure),
        answerColumns.length,
      ),
      notAsked ? differenceOf(statistics, rowTotal, [notAsked], answerColumns.length) : { figure: rowTotal },
    ].find((d) => d?.figure.status === 'shown') ??
    sumOf(
      statistics,
      answerColumns.map((c) => c.figure),
      answerColumns.length,
    );
  // Who say it: its answers added up, or those who answered less the other answers.
  const says =
    [
      sumOf(
        statistics,
        saying.map((c) => c.figure),
        saying.length,
      ),
      differenceOf(
        statistics,
        answered.figure,
        others.map((c) => c.figure),
        saying.length,
      ),
    ].find((d) => d?.figure.status === 'shown') ??
    sumOf(
      statistics,
      saying.map((c) => c.figure),
      saying.length,
    );
  return { says, answered, notAsked };
}

/** A figure in the reader's numbers: "47 ± 9" (server/i18n/locale-format.ts). */
const figureWords = (language: Language, figure: Figure) => `${formatCount(language, figure.count ?? 0)}${figure.margin ? ` ± ${formatCount(language, figure.margin)}` : ''}`;

/** A platform's name in the reader's language. */
const platformLabel = (language: Language, key: string) => termLabel(language, platforms, key);

/** The share saying it, in whole percent, where both figures are shown and the answers are not none. */
function percentOf(says: Figure, answered: Figure): number | null {
  if (says.status !== 'shown' || answered.status !== 'shown' || !answered.count) return null;
  return Math.min(100, Math.round(((says.count ?? 0) / answered.count) * 100));
}

interface CellContext {
  statistics: StoredStatistics;
  language: Language;
  platform: { key: string; label: string };
  question: ScorecardQuestion;
}

/** The short words of a cell (what the table shows), in the reader's language. */
function cellWords(language: Language, kMin: number, cell: Omit<ScorecardCell, 'text' | 'words'>): string {
  const t = (key: string, values: Record<string, unknown> = {}) => translate(language, `scorecard:cell.${key}`, { kMin, ...values });
  switch (cell.state) {
    case 'shown':
      return cell.answered.status === 'shown'
        ? t('shown', { says: figureWords(language, cell.says), answered: figureWords(language, cell.answered), percent: cell.percent ?? 0 })
        : t('shownAnsweredHidden', { says: figureWords(language, cell.says) });
    case 'not_asked':
      return cell.notAsked?.status === 'shown' && cell.notAsked.count
        ? t('notAskedWithCount', { halfYear: formatHalfYear(language, cell.askedFrom), notAsked: figureWords(language, cell.notAsked) })
        : t('notAsked', { halfYear: formatHalfYear(language, cell.askedFrom) });
    default:
      return t(cell.state);
  }
}

function scorecardCell({ statistics, language, platform, question }: CellContext, inColumns: boolean): ScorecardCell {
  const table = statistics.tables.find((t) => t.id === question.table);
  const row = platforms.keys.indexOf(platform.key as (typeof platforms.keys)[number]);
  const askedFrom = FORM_VERSION_FIRST_ASKED[question.since];
  let cell: Omit<ScorecardCell, 'text' | 'words'>;
  if (!inColumns) {
    cell = { platform: platform.key, question: question.key, state: 'platform_fewer_than_k', says: WITHHELD, answered: WITHHELD, percent: null, askedFrom };
  } else if (!table) {
    // Figures drawn before the question was counted.
    cell = { platform: platform.key, question: question.key, state: 'not_asked', says: WITHHELD, answered: WITHHELD, percent: null, askedFrom };
  } else {
    const { says, answered, notAsked } = cellFigures(statistics, table, row, question);
    const state: ScorecardCellState =
      says.figure.status === 'shown' && answered.figure.count !== 0
        ? 'shown'
        : notAsked?.status === 'shown' && (notAsked.count ?? 0) > 0 && answered.figure.status !== 'shown'
          ? 'not_asked'
          : answered.figure.status === 'shown' && answered.figure.count === 0
            ? notAsked?.status === 'shown' && (notAsked.count ?? 0) > 0
              ? 'not_asked'
              : 'no_answers'
            : (says.hiddenBy ?? answered.hiddenBy ?? 'withheld');
    cell = {
      platform: platform.key,
      question: question.key,
      state,
      says: says.figure,
      answered: answered.figure,
      percent: state === 'shown' ? percentOf(says.figure, answered.figure) : null,
      askedFrom,
      ...(notAsked && { notAsked }),
    };
  }
  const words = cellWords(language, statistics.kMin, cell);
  const text = translate(language, 'scorecard:cell.text', {
    platform: platform.label,
    asked: translate(language, `scorecard:questions.${question.key}.asked`),
    counts: translate(language, `scorecard:questions.${question.key}.counts`),
    words,
  });
  return { ...cell, words, text };
}

/** The platforms with a column in this refresh, in vocabulary order, with their accounts as published. */
function columns(statistics: StoredStatistics, language: Language) {
  const accountsTable = statistics.tables.find((t) => t.id === ACCOUNT_VERSION_TABLE);
  return platforms.terms
    .map((term, row) => ({ key: term.key, label: platformLabel(language, term.key), accounts: accountsTable?.rowTotals[row] ?? WITHHELD }))
    .filter((p) => statistics.scorecardPlatforms?.includes(p.key) ?? false);
}

/** Whether a platform's line holds at least kMin accounts after noise: the condition for a column. */
export function hasScorecard(statistics: StoredStatistics, platformKey: string): boolean {
  return statistics.scorecardPlatforms?.includes(platformKey) ?? false;
}

function questionRow(language: Language, question: ScorecardQuestion) {
  return {
    key: question.key,
    principle: question.principle,
    principleLabel: termLabel(language, scorecardPrinciples, question.principle),
    asked: translate(language, `scorecard:questions.${question.key}.asked`),
    counts: translate(language, `scorecard:questions.${question.key}.counts`),
    askedFrom: FORM_VERSION_FIRST_ASKED[question.since],
  };
}

/**
 * The scorecard of one refresh, in `language` (the API, CSV and feed use English): every column
 * platform's cell for every question. The one function every format reads.
 */
export function scorecard(statistics: StoredStatistics | null, language: Language = 'en'): Omit<ScorecardResponse, 'batch' | 'figuresUpdatedOn' | 'kMin'> {
  if (!statistics) return { platforms: [], questions: [] };
  const shown = columns(statistics, language);
  return {
    platforms: shown,
    questions: SCORECARD_QUESTIONS.map((question) => ({
      ...questionRow(language, question),
      cells: shown.map((platform) => scorecardCell({ statistics, language, platform, question }, true)),
    })),
  };
}

/** One platform's column (every question named), whether or not it has enough accounts for one. */
export function platformColumn(statistics: StoredStatistics | null, platformKey: string, language: Language = 'en') {
  const platform = { key: platformKey, label: platformLabel(language, platformKey) };
  const row = platforms.keys.indexOf(platformKey as (typeof platforms.keys)[number]);
  const accounts = statistics?.tables.find((t) => t.id === ACCOUNT_VERSION_TABLE)?.rowTotals[row] ?? WITHHELD;
  const inColumns = statistics !== null && hasScorecard(statistics, platformKey);
  return {
    platform: { ...platform, accounts: inColumns ? accounts : WITHHELD },
    hasScorecard: inColumns,
    questions: SCORECARD_QUESTIONS.map((question) => ({
      ...questionRow(language, question),
      cell: statistics
        ? scorecardCell({ statistics, language, platform, question }, inColumns)
        : {
            platform: platformKey,
            question: question.key,
            state: 'platform_fewer_than_k' as const,
            says: WITHHELD,
            answered: WITHHELD,
            percent: null,
            askedFrom: FORM_VERSION_FIRST_ASKED[question.since],
            words: '',
            text: '',
          },
    })),
  };
}

export const PLATFORMS_CSV_HEADER = 'platform,principle,question,state,says_count,says_margin,answered_count,answered_margin,percent,question_asked,counting,text';

/**
 * The scorecard as tidy CSV, one line per cell (and one `accounts` line per platform); counts are
 * empty unless shown. The same states and numbers as the page and the API: all read `scorecard`.
 */
export function platformsCsv(statistics: StoredStatistics | null): string {
  const card = scorecard(statistics);
  const lines = [
    statistics
      ? `# Offscript platform scorecard: figures last updated ${statistics.figuresUpdatedOn}; read from the published statistics tables`
      : '# Offscript platform scorecard: no figures have been published yet',
    statistics
      ? `# Only platforms named by at least ${statistics.kMin} accounts after noise; every count is approximate (noise), margin = ± at the stated confidence; withheld = hidden to protect another figure, any number`
      : '# No platform has a column yet',
    PLATFORMS_CSV_HEADER,
  ];
  const margin = (f: Figure) => (f.status === 'shown' ? (f.margin ?? null) : null);
  for (const platform of card.platforms) {
    lines.push(
      [platform.key, '', 'accounts', platform.accounts.status, platform.accounts.count, margin(platform.accounts), null, null, null, '', '', `${platform.label}: accounts naming it`]
        .map(csvField)
        .join(','),
    );
  }
  for (const question of card.questions) {
    for (const cell of question.cells) {
      lines.push(
        [
          cell.platform,
          question.principle,
          question.key,
          cell.state,
          cell.says.count,
          margin(cell.says),
          cell.answered.count,
          margin(cell.answered),
          cell.percent,
          question.asked,
          question.counts,
          cell.text,
        ]
          .map(csvField)
          .join(','),
      );
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** A platform's accounts as the page words them: "47 ± 9", or "at least K" where the table withholds its total. */
export function accountsWords(language: Language, accounts: Figure, kMin: number): string {
  return accounts.status === 'shown' ? figureWords(language, accounts) : translate(language, 'scorecard:page.accountsHidden', { kMin });
}

/**
 * What pages/platforms.hbs renders: the scorecard, its columns' accounts in words, and the chart
 * of the lead facts (each bar the cell's own share, or its state in words: nothing recomputed).
 */
export function scorecardPage(statistics: StoredStatistics | null, language: Language) {
  const card = scorecard(statistics, language);
  const kMin = statistics?.kMin ?? 0;
  return {
    ...card,
    platforms: card.platforms.map((p) => ({ ...p, accountsWords: accountsWords(language, p.accounts, kMin) })),
    questions: card.questions.map((q) => ({ ...q, cells: q.cells.map((c) => ({ ...c, context: cellContext(language, q, c.platform) })) })),
    lead: card.questions
      .filter((q) => (LEAD_QUESTIONS as readonly string[]).includes(q.key))
      .map((q) => ({
        key: q.key,
        short: translate(language, `scorecard:questions.${q.key}.short`),
        asked: q.asked,
        counts: q.counts,
        bars: q.cells.map((c) => ({
          label: platformLabel(language, c.platform),
          state: c.state,
          width: c.percent ?? 0,
          shown: c.percent !== null,
          words:
            c.percent !== null && c.answered.status === 'shown'
              ? translate(language, 'scorecard:page.chartShare', { percent: c.percent, says: figureWords(language, c.says), answered: figureWords(language, c.answered) })
              : c.words,
        })),
      })),
  };
}

/** The words that make a table cell name its platform and question for a screen reader. */
function cellContext(language: Language, question: { asked: string; counts: string }, platformKey: string): string {
  return translate(language, 'scorecard:cell.context', { platform: platformLabel(language, platformKey), asked: question.asked, counts: question.counts });
}
