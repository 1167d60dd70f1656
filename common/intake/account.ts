// The account a source gives (DESIGN §5): its shape, and the one validation used by the
// browser before sealing and by the server on the no-JavaScript path.
import { CodedError, type ErrorCode } from '../errors.js';
import type { FormFields } from './schemas.js';
import {
  conditionAnswers,
  factQuestions,
  conditions,
  consents,
  hoursBands,
  payBands,
  platforms,
  roles,
  taskTypes,
  type Condition,
  type ConditionAnswer,
  type Consent,
  type FactKey,
  type HoursBand,
  type PayBand,
  type Platform,
  type Role,
  type TaskType,
} from '../vocabulary.js';

/** The account's version: 3 adds 2026's questions (issue 32); 2 asks the questions reporters ask (facts, halfYear); 1 did not. */
export const ACCOUNT_VERSION = 3;

/** A half-year such as 2026-H1: the only time an account carries, never a date (DESIGN §5). */
export type HalfYear = `${number}-H${1 | 2}`;

export type FormVersion = 1 | 2 | 3;

/**
 * The half-year each version of the form was first offered: a question first asked by version n
 * reads "not asked before" this half-year for accounts given on an older form (issue 32).
 */
export const FORM_VERSION_FIRST_ASKED: Record<FormVersion, HalfYear> = { 1: '2024-H1', 2: '2026-H1', 3: '2026-H2' };

export interface Account {
  v: FormVersion;
  role?: Role;
  platforms: Platform[];
  taskTypes: TaskType[];
  payBand?: PayBand;
  hoursBand?: HoursBand;
  conditions: Partial<Record<Condition, ConditionAnswer>>;
  narrative: string;
  quotable?: string;
  consent: Consent;
  /** Version 2 and later: answers to the questions of vocabulary.ts factQuestions its version asked, each optional. */
  facts?: Partial<Record<FactKey, string>>;
  /** Version 2 only: when the work happened. */
  halfYear?: HalfYear;
}

export const HALF_YEAR_FIRST_YEAR = 2018;

/** The half-year a day falls in (UTC). */
export function halfYearOf(day: Date): HalfYear {
  return `${day.getUTCFullYear()}-H${day.getUTCMonth() < 6 ? 1 : 2}`;
}

/** Every half-year from 2018-H1 to the one `today` falls in, oldest first: the rows of half-year tables. */
export function halfYearsUpTo(today: Date): HalfYear[] {
  const last = halfYearOf(today);
  const years: HalfYear[] = [];
  for (let year = HALF_YEAR_FIRST_YEAR; ; year++) {
    for (const half of [1, 2] as const) {
      const halfYear: HalfYear = `${year}-H${half}`;
      years.push(halfYear);
      if (halfYear === last) return years;
    }
  }
}

/** Checks a half-year field; the error names `field` and says what was wrong. */
export function parseHalfYear(value: string, field: string, today: Date = new Date()): HalfYear {
  if (/^\d{4}-\d{2}(-\d{2})?/.test(value)) {
    throw new CodedError('half_year_is_date', { field });
  }
  const match = /^(\d{4})-H([12])$/.exec(value);
  if (!match) throw new CodedError('half_year_malformed', { field });
  const halfYear = value as HalfYear;
  if (Number(match[1]) < HALF_YEAR_FIRST_YEAR) {
    throw new CodedError('half_year_too_early', { field, firstYear: HALF_YEAR_FIRST_YEAR });
  }
  // Half-years compare as text: four-digit years, then H1 before H2.
  if (halfYear > halfYearOf(today)) throw new CodedError('half_year_in_future', { field });
  return halfYear;
}

export const QUOTABLE_MAX_CHARS = 1000;

/** The codes an invalid account is refused with; each names its field in `details.field`. */
export const ACCOUNT_REFUSALS = [
  'account_choose_one',
  'account_unknown_value',
  'account_listed_twice',
  'narrative_required',
  'consent_required',
  'quotable_too_long',
  'half_year_is_date',
  'half_year_malformed',
  'half_year_too_early',
  'half_year_in_future',
  'account_not_object',
  'account_not_list',
  'account_not_text',
  'account_unknown_version',
  'account_v1_facts',
  'unknown_question',
  'question_not_in_version',
] as const satisfies readonly ErrorCode[];
export type AccountRefusal = CodedError<(typeof ACCOUNT_REFUSALS)[number]>;

export const isAccountRefusal = (error: unknown): error is AccountRefusal => error instanceof CodedError && error.is(...ACCOUNT_REFUSALS);

export type { FormFields };

function all(fields: FormFields, name: string): string[] {
  const value = fields[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((v) => v !== '');
}

function one(fields: FormFields, name: string): string | undefined {
  const values = all(fields, name);
  if (values.length > 1) throw new CodedError('account_choose_one', { field: name });
  return values[0];
}

function pick<K extends string>(value: string | undefined, field: string, vocabulary: { has(v: unknown): v is K; keys: readonly K[] }): K | undefined {
  if (value === undefined) return undefined;
  if (!vocabulary.has(value)) {
    throw new CodedError('account_unknown_value', { field, value: value.slice(0, 40), allowed: vocabulary.keys });
  }
  return value;
}

/** Builds an account from the submission form's fields (names as in views/pages/submit.hbs). */
export function accountFromForm(fields: FormFields): Account {
  const accountConditions: Account['conditions'] = {};
  for (const condition of conditions.keys) {
    const answer = pick(one(fields, `condition_${condition}`), `condition_${condition}`, conditionAnswers);
    if (answer) accountConditions[condition] = answer;
  }
  const facts: Account['facts'] = {};
  for (const question of factQuestions) {
    const answer = pick(one(fields, question.key), question.key, question.answers);
    if (answer) facts[question.key] = answer;
  }
  const account: Account = {
    v: ACCOUNT_VERSION,
    platforms: all(fields, 'platforms').map((p) => pick(p, 'platforms', platforms) as Platform),
    taskTypes: all(fields, 'taskTypes').map((t) => pick(t, 'taskTypes', taskTypes) as TaskType),
    conditions: accountConditions,
    narrative: one(fields, 'narrative') ?? '',
    consent: pick(one(fields, 'consent'), 'consent', consents) as Consent,
  };
  const role = pick(one(fields, 'role'), 'role', roles);
  if (role) account.role = role;
  const payBand = pick(one(fields, 'payBand'), 'payBand', payBands);
  if (payBand) account.payBand = payBand;
  const hoursBand = pick(one(fields, 'hoursBand'), 'hoursBand', hoursBands);
  if (hoursBand) account.hoursBand = hoursBand;
  const quotable = one(fields, 'quotable')?.trim();
  if (quotable) account.quotable = quotable;
  if (Object.keys(facts).length > 0) account.facts = facts;
  const halfYear = one(fields, 'halfYear')?.trim();
  if (halfYear) account.halfYear = parseHalfYear(halfYear, 'halfYear');
  return validateAccount(account);
}

/** Checks the rules the form's fields cannot express; returns the same account. */
export function validateAccount(account: Account): Account {
  if (account.narrative.trim() === '') {
    throw new CodedError('narrative_required', { field: 'narrative' });
  }
  if (account.consent === undefined) {
    throw new CodedError('consent_required', { field: 'consent' });
  }
  if (new Set(account.platforms).size !== account.platforms.length) {
    throw new CodedError('account_listed_twice', { field: 'platforms' });
  }
  if (new Set(account.taskTypes).size !== account.taskTypes.length) {
    throw new CodedError('account_listed_twice', { field: 'taskTypes' });
  }
  if (account.quotable !== undefined && account.quotable.length > QUOTABLE_MAX_CHARS) {
    throw new CodedError('quotable_too_long', { field: 'quotable', maxChars: QUOTABLE_MAX_CHARS });
  }
  if (account.v === 1 && (account.facts !== undefined || account.halfYear !== undefined)) {
    throw new CodedError('account_v1_facts', { field: 'v' });
  }
  refuseUnaskedFacts(account.facts ?? {}, account.v);
  return account;
}

/** A question a version of the form never asked cannot carry an answer: it counts as "not asked". */
export function refuseUnaskedFacts(facts: Record<string, unknown>, version: number): void {
  for (const key of Object.keys(facts)) {
    const question = factQuestions.find((q) => q.key === key);
    if (question && question.since > version) throw new CodedError('question_not_in_version', { field: `facts.${key}`, question: key, version, since: question.since });
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function strings(value: unknown, field: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) {
    throw new CodedError('account_not_list', { field });
  }
  return value;
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new CodedError('account_not_text', { field });
  return value;
}

/**
 * An account as opened from its sealed JSON (the moderator's browser, the tests): version 1, 2 or 3,
 * every facet in its vocabulary, the same rules as the form. A version-1 account has no facts:
 * its unasked questions count as "not asked".
 */
export function readAccount(value: unknown, today: Date = new Date()): Account {
  if (!isRecord(value)) throw new CodedError('account_not_object', { field: 'v' });
  if (value.v !== 1 && value.v !== 2 && value.v !== 3) throw new CodedError('account_unknown_version', { field: 'v', version: String(value.v).slice(0, 10) });
  const narrative = optionalString(value.narrative, 'narrative') ?? '';
  const account: Account = {
    v: value.v,
    platforms: strings(value.platforms, 'platforms').map((p) => pick(p, 'platforms', platforms) as Platform),
    taskTypes: strings(value.taskTypes, 'taskTypes').map((t) => pick(t, 'taskTypes', taskTypes) as TaskType),
    conditions: {},
    narrative,
    consent: pick(optionalString(value.consent, 'consent'), 'consent', consents) as Consent,
  };
  const role = pick(optionalString(value.role, 'role'), 'role', roles);
  if (role) account.role = role;
  const payBand = pick(optionalString(value.payBand, 'payBand'), 'payBand', payBands);
  if (payBand) account.payBand = payBand;
  const hoursBand = pick(optionalString(value.hoursBand, 'hoursBand'), 'hoursBand', hoursBands);
  if (hoursBand) account.hoursBand = hoursBand;
  const quotable = optionalString(value.quotable, 'quotable');
  if (quotable !== undefined) account.quotable = quotable;
  if (value.conditions !== undefined) {
    if (!isRecord(value.conditions)) throw new CodedError('account_not_object', { field: 'conditions' });
    for (const [condition, answer] of Object.entries(value.conditions)) {
      const key = pick(condition, 'conditions', conditions);
      const chosen = pick(optionalString(answer, `condition_${condition}`), `condition_${condition}`, conditionAnswers);
      if (key && chosen) account.conditions[key] = chosen;
    }
  }
  if (value.facts !== undefined) {
    if (!isRecord(value.facts)) throw new CodedError('account_not_object', { field: 'facts' });
    account.facts = readFacts(value.facts);
  }
  const halfYear = optionalString(value.halfYear, 'halfYear');
  if (halfYear !== undefined) account.halfYear = parseHalfYear(halfYear, 'halfYear', today);
  return validateAccount(account);
}

/** Answers to the version-2 questions, each checked against its own vocabulary; unknown questions are refused. */
export function readFacts(facts: Record<string, unknown>): Partial<Record<FactKey, string>> {
  const read: Partial<Record<FactKey, string>> = {};
  for (const [key, answer] of Object.entries(facts)) {
    const question = factQuestions.find((q) => q.key === key);
    if (!question) throw new CodedError('unknown_question', { field: `facts.${key.slice(0, 40)}`, question: key.slice(0, 40), questions: factQuestions.map((q) => q.key) });
    const chosen = pick(optionalString(answer, key), key, question.answers);
    if (chosen !== undefined) read[question.key] = chosen;
  }
  return read;
}
