// Permanent release pages (DESIGN §8 `/releases/:n`): each batch, its figures as published at
// that release, its stories, and a data package (tidy CSV, codebook, citation) for data desks.
// Everything here is read from the batch row, which a release writes once and nothing updates
// (its `statistics` is the stored snapshot, carried over byte for byte when no refresh is due);
// so later releases, withdrawals and retention never change a release's figures. A withdrawn
// story shows only its withdrawal notice (DESIGN §4), as on its own page.
import { notAfterToday } from '../db/day.js';
import type { Kysely } from 'kysely';
import type { Database, Day } from '../db/schema.js';
import { CodedError } from '../../common/errors.js';
import { SOURCE_LANGUAGE, type Language } from '../../common/languages.js';
import { translate } from '../i18n/catalogue.js';
import { hiddenStatesLine, TIDY_CSV_HEADER } from './statistics-formats.js';
import { keysOnly, statisticsIn } from './statistics-words.js';
import { STATISTICS_FORMAT, type PublicStory, type StoredStatistics, type ReleaseSummary } from './schemas.js';
import { storiesOfRelease } from './stories.js';
import { EVENTS_PER_COUNT, type PrivacyBudget } from './continual-release.js';

/** The release number in an address: 1, 2, 3 …; anything else is a 400 that names it. */
export function releaseNumber(raw: string): number {
  if (!/^[1-9][0-9]{0,8}$/.test(raw)) {
    throw new CodedError('bad_release_number');
  }
  return Number(raw);
}

/**
 * A stored snapshot this code can show: format 2 (three cell states) or a later one that keeps
 * its shape. Snapshots from before migration 0006 (plain nulls) cannot tell the hidden states
 * apart and are not shown. A future format must stay readable here: releases are permanent.
 */
function readableSnapshot(value: unknown): StoredStatistics | null {
  if (typeof value !== 'object' || value === null) return null;
  const { format, tables } = value as { format?: unknown; tables?: unknown };
  return typeof format === 'number' && format >= STATISTICS_FORMAT && Array.isArray(tables) ? keysOnly(value as StoredStatistics) : null;
}

const summaryOf = (row: { sequence: number; released_on: Day; story_count: number; figures_from: number | null; figures_updated_on: Day | null }): ReleaseSummary => ({
  sequence: row.sequence,
  releasedOn: notAfterToday(row.released_on),
  storyCount: row.story_count,
  hasFigures: row.figures_from !== null,
  figuresUpdatedOn: row.figures_updated_on === null ? null : notAfterToday(row.figures_updated_on),
  figuresFrom: row.figures_from,
});

const SUMMARY_COLUMNS = ['sequence', 'released_on', 'story_count', 'figures_from', 'figures_updated_on'] as const;

/** Every release, oldest first, with where its figures come from (kept with each batch since migration 0013). */
export async function listReleases(db: Kysely<Database>): Promise<ReleaseSummary[]> {
  return (await db.selectFrom('batches').select(SUMMARY_COLUMNS).orderBy('sequence').execute()).map(summaryOf);
}

/** The latest release's summary, or undefined before the first. */
export async function latestRelease(db: Kysely<Database>): Promise<ReleaseSummary | undefined> {
  const row = await db.selectFrom('batches').select(SUMMARY_COLUMNS).orderBy('sequence', 'desc').limit(1).executeTakeFirst();
  return row && summaryOf(row);
}

/** The audit log's head when a release was made (issue 26): its length and the hex SHA-256 of its last entry. */
export interface AuditHead {
  length: number;
  hash: string;
}

export interface Release extends ReleaseSummary {
  batchId: string;
  /** Null for releases made before migration 0025. */
  auditHead: AuditHead | null;
  statistics: StoredStatistics | null;
  stories: PublicStory[];
}

/** One release by its number; an unknown number is a 404. */
export async function getRelease(db: Kysely<Database>, sequence: number): Promise<Release> {
  const row = await db
    .selectFrom('batches')
    .select(['id', 'statistics', 'audit_head_hash', 'audit_length', ...SUMMARY_COLUMNS])
    .where('sequence', '=', sequence)
    .executeTakeFirst();
  if (!row) throw new CodedError('unknown_release', { sequence });
  const statistics = readableSnapshot(row.statistics);
  const summary = summaryOf(row);
  const auditHead = row.audit_head_hash && row.audit_length !== null ? { length: row.audit_length, hash: Buffer.from(row.audit_head_hash).toString('hex') } : null;
  return { ...summary, batchId: row.id, auditHead, statistics, hasFigures: summary.hasFigures && statistics !== null, stories: await storiesOfRelease(db, sequence) };
}

/** Every published audit head, oldest release first: what `npm run audit:verify` checks the chain against. */
export async function publishedAuditHeads(db: Kysely<Database>): Promise<Array<AuditHead & { sequence: number }>> {
  const rows = await db.selectFrom('batches').select(['sequence', 'audit_head_hash', 'audit_length']).where('audit_head_hash', 'is not', null).orderBy('sequence').execute();
  return rows.map((r) => ({ sequence: r.sequence, length: r.audit_length ?? 0, hash: Buffer.from(r.audit_head_hash!).toString('hex') }));
}

/** The suggested citation: "Offscript, release N, DAY, <origin>/releases/N", in `language` (English for the API and codebook). */
export function releaseCitation(release: Pick<Release, 'sequence' | 'releasedOn'>, publicOrigin: string, language: Language = SOURCE_LANGUAGE): string {
  return translate(language, 'pages:release.citationText', { sequence: release.sequence, day: release.releasedOn, url: `${publicOrigin}/releases/${release.sequence}` });
}

/** Where a release's figures come from, in words, for its page, its codebook and its CSV. */
export function figuresProvenance(release: ReleaseSummary, language: Language = SOURCE_LANGUAGE): string {
  if (!release.hasFigures) return translate(language, 'pages:release.provenance.none');
  return release.figuresFrom === release.sequence
    ? translate(language, 'pages:release.provenance.drawn', { day: release.figuresUpdatedOn })
    : translate(language, 'pages:release.provenance.carried', { day: release.figuresUpdatedOn, from: release.figuresFrom });
}

const CSV_COLUMNS: [string, string][] = [
  ['table', 'Table id (see "Tables" below); stable across releases.'],
  ['row', 'Row key within the table, or `total` for the column totals.'],
  ['column', 'Column key within the table, or `total` for the row totals.'],
  ['count', 'The approximate (noisy) count of accounts; empty unless `status` is `shown`.'],
  ['status', 'The cell state: `shown`, `fewer_than_k` or `withheld` (see "Cell states").'],
  ['table_label', "The table's title in words."],
  ['row_label', "The row's label in words (`Total` for totals)."],
  ['column_label', "The column's label in words (`Total` for totals)."],
  ['margin', 'The margin of error of a shown count: its noise lies within ± margin at the confidence stated below; empty when not shown, and for figures drawn before continual release.'],
];

/** The codebook (Markdown): every variable and label, the cell states, the disclosure rules, K_MIN, noise and ε, the release day. */
export function releaseCodebook(release: Release, publicOrigin: string, refreshRule: { refreshEveryMonths: number; budget: PrivacyBudget }): string {
  // The codebook is English for now (its own translation is the error catalogue's work).
  const statistics = release.statistics && statisticsIn('en', release.statistics);
  const lines = [
    `# Offscript release ${release.sequence}: codebook`,
    '',
    `Release ${release.sequence}, released ${release.releasedOn}, with ${release.storyCount} ${release.storyCount === 1 ? 'story' : 'stories'}. ${figuresProvenance(release)}`,
    '',
    '## Files',
    '',
    `- \`statistics.csv\` (${publicOrigin}/releases/${release.sequence}/statistics.csv): the figures of this release, one line per cell and per total.`,
    '  Its first lines start with `#` and restate the release, the minimum cell size K and the noise: read it with `comment="#"` (pandas) or `comment.char = "#"` (R).',
    `- \`codebook.md\`: this file. \`citation.txt\`: the suggested citation.`,
    '',
    '## Variables (the columns of statistics.csv)',
    '',
    `The header line is \`${TIDY_CSV_HEADER}\`.`,
    '',
    '| column | meaning |',
    '| --- | --- |',
    ...CSV_COLUMNS.map(([name, meaning]) => `| \`${name}\` | ${meaning} |`),
    '',
  ];
  if (statistics) {
    const k = statistics.kMin;
    lines.push(
      '## Cell states',
      '',
      '| status | meaning |',
      '| --- | --- |',
      '| `shown` | `count` is the approximate number of accounts. |',
      statistics.release
        ? `| \`fewer_than_k\` | Fewer than ${k} after noise: the noisy count fell below ${k} + ${statistics.release.showFrom}, the line a shown count must reach. The true count is usually small, even 0, but may sometimes be larger. |`
        : `| \`fewer_than_k\` | 1 to ${k - 1} accounts (after noise): a small count, not published. |`,
      `| \`withheld\` | Hidden so that a small count elsewhere cannot be worked out, or because its row or column holds fewer than ${k} accounts. It may hold any number, zero included: never read it as small. |`,
      '',
      hiddenStatesLine(k),
      '',
      '## Disclosure rules',
      '',
      `- **Minimum cell size K = ${k}.** A count of 1 to ${k - 1} accounts is published as \`fewer_than_k\`.`,
      `- **Group disclosure.** A row or column whose total is fewer than ${k} shows none of its cells, zeros included; its total is \`fewer_than_k\` (a total of 0 may show as 0).`,
      '- **Complementary suppression.** Further cells are `withheld` until no hidden cell can be worked out from the shown cells and the totals.',
      ...(statistics.release ? continualReleaseRules(statistics.release, k, refreshRule.refreshEveryMonths) : []),
      `- **Noise${statistics.release ? ' (figures drawn before continual release)' : ''}.** Every count carries integer noise drawn at each refresh from a two-sided geometric distribution with a cryptographic random source: ε = ${statistics.epsilon.perCount} per count, ε = ${statistics.epsilon.perRefresh} per refresh for an account that touches every count. Totals and shares are computed from the noisy cells, and the small-cell rules apply to the noisy counts. Counts are therefore approximate ("about 47").`,
      statistics.release
        ? ''
        : `- **Refreshes.** Figures are drawn afresh only when at least ${k} counted accounts have been added or withdrawn since the last refresh, and at most once every week; otherwise a release carries the previous figures over unchanged.`,
      '- Only accepted accounts are counted, and only when their source allowed it. An account naming two platforms (or two task types) counts once for each.',
      '',
      '## Tables',
      '',
    );
    for (const table of statistics.tables) {
      lines.push(
        `### \`${table.id}\`: ${table.title}`,
        '',
        table.description,
        '',
        ...(table.question ? [`Question as the form asked it: “${table.question}”.`, ''] : []),
        `Rows (\`row\`, ${table.rowTitle}):`,
        '',
        ...table.rows.map((r) => `- \`${r.key}\`: ${r.label}`),
        '- `total`: Total',
        '',
        `Columns (\`column\`, ${table.columnTitle}):`,
        '',
        ...table.columns.map((c) => `- \`${c.key}\`: ${c.label}`),
        '- `total`: Total',
        '',
      );
      if (table.medians) lines.push("The release page also shows each row's median band (from the noisy counts) where its total is shown; it is not in the CSV.", '');
    }
  }
  lines.push('## Citation', '', releaseCitation(release, publicOrigin), '');
  return lines.join('\n');
}

/** The codebook's rules for figures drawn by continual release: noise, thresholds, margins, and the lifetime budget. */
function continualReleaseRules(release: NonNullable<StoredStatistics['release']>, k: number, everyMonths: number): string[] {
  const b = release.budget;
  const confidence = Math.round(release.confidence * 100);
  return [
    `- **Continual release.** ${everyMonths === 0 ? 'Figures refresh with every batch of stories (a trial setting, STATISTICS_REFRESH_MONTHS=0).' : `Figures refresh on a fixed public schedule, the first day of every ${everyMonths === 1 ? 'month' : `${everyMonths} months`}, whatever has changed.`} This is refresh ${release.refresh}. Every count is its true running count plus the sum of ${release.nodesPerCount} stored noise values (the binary-tree mechanism): one per dyadic block of refreshes, each drawn once from a two-sided geometric distribution (ε = ${b.epsilonPerNode}) with a cryptographic random source, stored, and never redrawn. Totals and shares are computed from the noisy cells.`,
    `- **Threshold after noise.** A count is shown only when its noisy value is at least ${k} + ${release.showFrom}, so that a shown count rests on ${k} or more accounts with ${confidence} % confidence; totals use a wider margin (Cantelli's bound for their summed noise).`,
    `- **Margin of error.** Every shown figure carries \`margin\`: its noise lies within ± margin with ${confidence} % confidence (± ${release.margin} for a cell at this refresh; totals carry their own).`,
    `- **Lifetime budget.** One answer of one account (accepted, then perhaps withdrawn: ${EVENTS_PER_COUNT} events) lies in at most ${b.levels} stored noise values per event over ${b.horizonRefreshes} refreshes: ε = ${b.perCount} per count. An account moving every one of the ${b.countsPerAccount} counts it can: ε = ${b.lifetime} over the horizon (pure differential privacy, losses added). Spent by this refresh, at most: ε = ${b.spent}. A refresh past the budget is refused.`,
  ];
}
