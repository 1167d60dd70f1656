// The per-platform scorecard (DESIGN §5, §8 /platforms): plain sentences built only from the
// published tables of one refresh, after disclosure control, so that it spends no privacy and
// says nothing the tables do not. A platform has a scorecard only where its line holds at
// least K_MIN accounts after noise (statistics.scorecardPlatforms, drawn with the headline).
import { platforms, scorecardPrinciples } from '../../common/vocabulary.js';
import type { Figure, PlatformScorecard, StoredStatistics, StoredTable, ScorecardStatement } from './schemas.js';
import { csvField, figureText } from './statistics-formats.js';

/** One claim of a principle: `says` of `answered` accounts about the platform, both noisy. */
interface StatementRule {
  key: string;
  table: string;
  /** The answers the sentence counts. */
  says: readonly string[];
  /** What those accounts say, after "say": "they were not paid for all the time they worked". */
  claim: string;
}

const RULES: Record<(typeof scorecardPrinciples.keys)[number], readonly StatementRule[]> = {
  fair_pay: [
    { key: 'paid_below_advertised', table: 'platform_by_pay_against_advertised', says: ['below'], claim: 'they were paid below the band the advertisement offered' },
    { key: 'late_or_missing_pay', table: 'platform_by_late_pay', says: ['sometimes', 'often'], claim: 'pay came late or never came, sometimes or often' },
  ],
  paid_for_all_work: [
    { key: 'not_paid_all_time', table: 'platform_by_paid_share', says: ['most', 'about_half', 'less_than_half'], claim: 'they were not paid for all the time they worked' },
    { key: 'unpaid_hours', table: 'platform_by_unpaid_hours', says: ['under_5', '5_19', '20_49', '50_plus'], claim: 'they worked unpaid hours on assessments, onboarding or training' },
  ],
  notice_and_stability: [
    { key: 'ended_without_notice', table: 'platform_by_ended_without_notice', says: ['yes'], claim: 'a project they worked on ended without notice' },
    { key: 'rate_cut', table: 'platform_by_rate_cut', says: ['yes'], claim: 'their rate was cut when a project relaunched or moved' },
    { key: 'deactivated_without_appeal', table: 'platform_by_deactivation', says: ['no_appeal'], claim: 'they were deactivated with no way to appeal' },
  ],
  support_for_disturbing_work: [
    { key: 'disturbing_content', table: 'platform_by_disturbing_content', says: ['yes'], claim: 'they were exposed to disturbing content' },
    { key: 'support_offered', table: 'platform_by_support_offered', says: ['yes'], claim: 'support was offered for disturbing content' },
  ],
  transparency_about_data_use: [
    { key: 'not_told_data_use', table: 'platform_by_told_data_use', says: ['no'], claim: 'they were not told how the data is used' },
    { key: 'monitoring', table: 'platform_by_monitoring', says: ['yes'], claim: 'monitoring software was used on them' },
  ],
};

export const ACCOUNTS_TABLE = 'platform_by_account_version';

const WITHHELD: Figure = { count: null, status: 'withheld' };

/** A sum of published figures: shown only when every part is; otherwise withheld (its size is unknown). */
function sumOf(parts: readonly Figure[]): Figure {
  if (parts.length === 0 || parts.some((f) => f.status !== 'shown')) return WITHHELD;
  return { count: parts.reduce((a, f) => a + (f.count ?? 0), 0), status: 'shown' };
}

function statement(rule: StatementRule, table: StoredTable | undefined, row: number, label: string, kMin: number): ScorecardStatement {
  if (!table) return { key: rule.key, says: WITHHELD, answered: WITHHELD, text: 'Not yet counted: the figures predate this question.' };
  const cells = table.cells[row] ?? [];
  const answeredColumns = table.columns.map((c, i) => ({ key: c.key, i })).filter((c) => c.key !== 'not_asked');
  const says = sumOf(answeredColumns.filter((c) => rule.says.includes(c.key)).map((c) => cells[c.i] ?? WITHHELD));
  const answered = sumOf(answeredColumns.map((c) => cells[c.i] ?? WITHHELD));
  let text: string;
  if (says.status === 'shown' && answered.status === 'shown' && (answered.count ?? 0) > 0) {
    text = `${capitalised(figureText(says, kMin))} of ${figureText(answered, kMin)} accounts about ${label} that answered say ${rule.claim}.`;
  } else if (answered.status === 'shown' && answered.count === 0) {
    const notAsked = cells[table.columns.findIndex((c) => c.key === 'not_asked')];
    text =
      notAsked?.status === 'shown' && (notAsked.count ?? 0) > 0
        ? `Not asked yet: the ${figureText(notAsked, kMin)} accounts about ${label} came before this question.`
        : `No account about ${label} answered this yet.`;
  } else {
    text = `Too few accounts about ${label} answered this, or the figure is withheld so that a small count cannot be worked out.`;
  }
  return { key: rule.key, says, answered, text };
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** The platform's accounts as published, or withheld when the refresh predates the table. */
function accountsOf(statistics: StoredStatistics, row: number): Figure {
  return statistics.tables.find((t) => t.id === ACCOUNTS_TABLE)?.rowTotals[row] ?? WITHHELD;
}

/**
 * Whether a platform's line holds at least kMin accounts after noise: the condition for a
 * scorecard. Snapshots from before version 2 carry no list; their platforms have no scorecard.
 */
export function hasScorecard(statistics: StoredStatistics, platformKey: string): boolean {
  return statistics.scorecardPlatforms?.includes(platformKey) ?? false;
}

/** The platform's accounts in words: "about 47", or "at least 11" where the table withholds the total. */
export function accountsText(card: PlatformScorecard, kMin: number): string {
  return card.accounts.status === 'shown' || card.principles.length === 0 ? figureText(card.accounts, kMin) : `at least ${kMin}`;
}

/** The scorecard of one platform (by its row in the platform tables), from one refresh's tables. */
export function platformScorecard(statistics: StoredStatistics, platformKey: string): PlatformScorecard {
  const row = platforms.keys.indexOf(platformKey as (typeof platforms.keys)[number]);
  const label = platforms.labelOf(platformKey);
  const accounts = accountsOf(statistics, row);
  const tables = new Map(statistics.tables.map((t) => [t.id, t]));
  return {
    key: platformKey,
    label,
    accounts,
    principles: hasScorecard(statistics, platformKey)
      ? scorecardPrinciples.terms.map((principle) => ({
          key: principle.key,
          label: principle.label,
          statements: RULES[principle.key].map((rule) => statement(rule, tables.get(rule.table), row, label, statistics.kMin)),
        }))
      : [],
  };
}

/** Every platform that has a scorecard in this refresh, in vocabulary order. */
export function platformScorecards(statistics: StoredStatistics | null): PlatformScorecard[] {
  if (!statistics) return [];
  return platforms.keys.filter((key) => hasScorecard(statistics, key)).map((key) => platformScorecard(statistics, key));
}

export const PLATFORMS_CSV_HEADER = 'platform,principle,statement,says_count,says_status,answered_count,answered_status,text';

/**
 * The scorecards as tidy CSV: per platform with a scorecard, one `accounts` line (its noisy total
 * in says_count), then one line per statement. Counts are empty unless their status is `shown`.
 */
export function platformsCsv(statistics: StoredStatistics | null, cards: readonly PlatformScorecard[]): string {
  const lines = [
    statistics
      ? `# Offscript platform scorecards: figures last updated ${statistics.figuresUpdatedOn}; read from the published statistics tables`
      : '# Offscript platform scorecards: no figures have been published yet',
    `# Only platforms named by at least K_MIN ${statistics?.kMin ?? ''} accounts; every count is approximate (noise); withheld = hidden, any number`,
    PLATFORMS_CSV_HEADER,
  ];
  for (const card of cards) {
    lines.push([card.key, '', 'accounts', card.accounts.count, card.accounts.status, null, '', `${card.label}: accounts naming it`].map(csvField).join(','));
    for (const principle of card.principles) {
      for (const s of principle.statements) {
        lines.push([card.key, principle.key, s.key, s.says.count, s.says.status, s.answered.count, s.answered.status, s.text].map(csvField).join(','));
      }
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}
