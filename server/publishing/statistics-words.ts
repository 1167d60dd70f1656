// Published figures store keys, not words (issue 31 item 2): a release keeps table ids, row and
// column keys and figures; this module renders their words in one language at the edge, so that
// one release reads in every language with the same numbers. Snapshots stored before this held
// English words: the reader drops them (keysOnly), so every snapshot renders from its keys alike.
import type { Language } from '../../common/languages.js';
import {
  accountVersions,
  conditionAnswers,
  conditions,
  hoursBands,
  locationGroups,
  NOT_ASKED,
  payBands,
  platforms,
  roles,
  statisticsTiers,
  taskTypes,
  type FactKey,
  type NamedVocabulary,
} from '../../common/vocabulary.js';
import { translate } from '../i18n/catalogue.js';
import { formatHalfYear } from '../i18n/locale-format.js';
import { factQuestionWords, notAskedLabel, termLabel } from '../i18n/vocabulary-labels.js';
import type { PublishedStatistics, PublishedTableView, StoredStatistics, StoredTable } from './schemas.js';
import { FACT_TABLES } from './statistics.js';

/** The axis names a table's rows and columns are titled by: statistics:axes.<axis>. */
type Axis = 'platform' | 'payPerHour' | 'answer' | 'formerRole' | 'taskType' | 'accounts' | 'hoursPerWeek' | 'formVersion' | 'halfYear' | 'verificationTier' | 'location';
type Labeller = (language: Language, key: string) => string;

interface TableWords {
  /** statistics:tables.<words>.title and .description */
  words: string;
  /** The placeholders those take ({{condition}}, {{fact}}), in the reader's language. */
  values(language: Language): Record<string, string>;
  rowTitle: Axis;
  columnTitle: Axis;
  rowLabel: Labeller;
  columnLabel: Labeller;
  /** The question as the form asked it, in the reader's language (answer tables only; issue 32). */
  question?: (language: Language) => string;
}

const termsOf =
  (vocabulary: NamedVocabulary): Labeller =>
  (language, key) =>
    termLabel(language, vocabulary, key);
const allAccounts: Labeller = (language, key) => (key === 'all' ? translate(language, 'statistics:allAccounts') : key);
const answersOrNotAsked =
  (vocabulary: NamedVocabulary): Labeller =>
  (language, key) =>
    key === NOT_ASKED.key ? notAskedLabel(language) : termLabel(language, vocabulary, key);
const none = () => ({});
const fact = (id: string) => (language: Language) => ({ fact: translate(language, `statistics:facts.${id}`) });
const askedAs = (key: FactKey) => (language: Language) => factQuestionWords(language, key).label;

/** The question(s) as the form asked them, for each fact table: two for the facts derived from a pair of answers. */
function factAskedAs(factKey: (typeof FACT_TABLES)[number]['fact']): (language: Language) => string {
  if (factKey === 'payAgainstAdvertised') return (language) => `${askedAs('advertisedPayBand')(language)}; ${translate(language, 'statistics:axes.payPerHour')}`;
  if (factKey === 'deactivation') return (language) => `${askedAs('deactivated')(language)}; ${askedAs('appealPossible')(language)}`;
  return askedAs(factKey);
}

/** Every table a refresh publishes, by id: what its keys are keys of, and where its words are. */
const TABLE_WORDS = new Map<string, TableWords>([
  ['platform_by_pay_band', { words: 'platform_by_pay_band', values: none, rowTitle: 'platform', columnTitle: 'payPerHour', rowLabel: termsOf(platforms), columnLabel: termsOf(payBands) }],
  ...conditions.keys.map((condition): [string, TableWords] => [
    `platform_by_${condition}`,
    {
      words: 'platform_by_condition',
      values: (language) => ({ condition: termLabel(language, conditions, condition) }),
      rowTitle: 'platform',
      columnTitle: 'answer',
      rowLabel: termsOf(platforms),
      columnLabel: termsOf(conditionAnswers),
      question: (language) => termLabel(language, conditions, condition),
    },
  ]),
  ['role_by_task_type', { words: 'role_by_task_type', values: none, rowTitle: 'formerRole', columnTitle: 'taskType', rowLabel: termsOf(roles), columnLabel: termsOf(taskTypes) }],
  ['hours_band', { words: 'hours_band', values: none, rowTitle: 'accounts', columnTitle: 'hoursPerWeek', rowLabel: allAccounts, columnLabel: termsOf(hoursBands) }],
  [
    'platform_by_account_version',
    { words: 'platform_by_account_version', values: none, rowTitle: 'platform', columnTitle: 'formVersion', rowLabel: termsOf(platforms), columnLabel: termsOf(accountVersions) },
  ],
  ...FACT_TABLES.map((f): [string, TableWords] => [
    `platform_by_${f.id}`,
    {
      words: 'platform_by_fact',
      values: fact(f.id),
      rowTitle: 'platform',
      columnTitle: 'answer',
      rowLabel: termsOf(platforms),
      columnLabel: answersOrNotAsked(f.vocabulary),
      question: factAskedAs(f.fact),
    },
  ]),
  ...FACT_TABLES.filter((f) => f.byHalfYear).map((f): [string, TableWords] => [
    `half_year_by_${f.id}`,
    {
      words: 'half_year_by_fact',
      values: fact(f.id),
      rowTitle: 'halfYear',
      columnTitle: 'answer',
      rowLabel: formatHalfYear,
      columnLabel: termsOf(f.vocabulary),
      question: factAskedAs(f.fact),
    },
  ]),
  // Version 3 (issue 32): accounts by where the work was done, all platforms together.
  [
    'location_group',
    {
      words: 'location_group',
      values: none,
      rowTitle: 'location',
      columnTitle: 'accounts',
      rowLabel: answersOrNotAsked(locationGroups),
      columnLabel: allAccounts,
      question: askedAs('location'),
    },
  ],
  ['verification_tier', { words: 'verification_tier', values: none, rowTitle: 'accounts', columnTitle: 'verificationTier', rowLabel: allAccounts, columnLabel: termsOf(statisticsTiers) }],
]);

/** A stored table without words: what every snapshot, old or new, is read as. */
function tableKeysOnly({ title: _t, description: _d, rowTitle: _r, columnTitle: _c, question: _q, rows, columns, ...figures }: StoredTable): StoredTable {
  return { ...figures, rows: rows.map(({ key }) => ({ key })), columns: columns.map(({ key }) => ({ key })) };
}

/**
 * A stored snapshot as keys and figures only. Snapshots from before issue 31 hold English words
 * beside their keys; they are dropped here on reading, so a release reads the same in every
 * language and a carried-over snapshot is stored without them.
 */
export function keysOnly(stored: StoredStatistics): StoredStatistics {
  const { conditions: headlineConditions, verification, ...headline } = stored.headline;
  return {
    ...stored,
    headline: {
      ...headline,
      conditions: headlineConditions.map(({ label: _label, ...condition }) => condition),
      ...(verification && { verification: (({ label: _label, ...figures }) => figures)(verification) }),
    },
    tables: stored.tables.map(tableKeysOnly),
  };
}

/** One stored table with its words in `language`; a table this code does not know keeps its keys as words. */
export function tableIn(language: Language, table: StoredTable): PublishedTableView {
  const words = TABLE_WORDS.get(table.id);
  const { title: _t, description: _d, rowTitle: _r, columnTitle: _c, question: _q, rows, columns, ...figures } = table;
  if (!words) {
    return {
      ...figures,
      title: table.id,
      description: '',
      rowTitle: '',
      columnTitle: '',
      rows: rows.map(({ key }) => ({ key, label: key })),
      columns: columns.map(({ key }) => ({ key, label: key })),
    };
  }
  const values = words.values(language);
  return {
    ...figures,
    title: translate(language, `statistics:tables.${words.words}.title`, values),
    description: translate(language, `statistics:tables.${words.words}.description`, values),
    rowTitle: translate(language, `statistics:axes.${words.rowTitle}`),
    columnTitle: translate(language, `statistics:axes.${words.columnTitle}`),
    rows: rows.map(({ key }) => ({ key, label: words.rowLabel(language, key) })),
    columns: columns.map(({ key }) => ({ key, label: words.columnLabel(language, key) })),
    ...(words.question && { question: words.question(language) }),
  };
}

/** A stored snapshot with every word in `language`: the figures are the stored ones, untouched. */
export function statisticsIn(language: Language, stored: StoredStatistics): PublishedStatistics {
  const { conditions: headlineConditions, verification, ...headline } = stored.headline;
  return {
    ...stored,
    headline: {
      ...headline,
      conditions: headlineConditions.map(({ label: _label, ...condition }) => ({ ...condition, label: termLabel(language, conditions, condition.key) })),
      ...(verification && { verification: { ...verification, label: termLabel(language, statisticsTiers, 'documents_seen') } }),
    },
    tables: stored.tables.map((table) => tableIn(language, table)),
  };
}
