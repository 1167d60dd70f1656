// The account a source gives (DESIGN §5): its shape, and the one validation used by the
// browser before sealing and by the server on the no-JavaScript path.
import {
  conditionAnswers,
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
  type HoursBand,
  type PayBand,
  type Platform,
  type Role,
  type TaskType,
} from '../vocabulary.js';

export interface Account {
  v: 1;
  role?: Role;
  platforms: Platform[];
  taskTypes: TaskType[];
  payBand?: PayBand;
  hoursBand?: HoursBand;
  conditions: Partial<Record<Condition, ConditionAnswer>>;
  narrative: string;
  quotable?: string;
  consent: Consent;
}

export const QUOTABLE_MAX_CHARS = 1000;

export class AccountInvalidError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'AccountInvalidError';
  }
}

/** Form fields as both `URLSearchParams`-style bodies and `FormData` deliver them. */
export type FormFields = Record<string, string | string[] | undefined>;

function all(fields: FormFields, name: string): string[] {
  const value = fields[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((v) => v !== '');
}

function one(fields: FormFields, name: string): string | undefined {
  const values = all(fields, name);
  if (values.length > 1) throw new AccountInvalidError(name, `Choose only one ${name}.`);
  return values[0];
}

function pick<K extends string>(
  value: string | undefined,
  field: string,
  vocabulary: { has(v: unknown): v is K; keys: readonly K[] },
): K | undefined {
  if (value === undefined) return undefined;
  if (!vocabulary.has(value)) {
    throw new AccountInvalidError(field, `Unknown ${field} "${value.slice(0, 40)}"; allowed: ${vocabulary.keys.join(', ')}.`);
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
  const account: Account = {
    v: 1,
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
  return validateAccount(account);
}

/** Checks the rules the form's fields cannot express; returns the same account. */
export function validateAccount(account: Account): Account {
  if (account.narrative.trim() === '') {
    throw new AccountInvalidError('narrative', 'Please write your account: the narrative is required.');
  }
  if (account.consent === undefined) {
    throw new AccountInvalidError('consent', 'Please choose what may be done with your account.');
  }
  if (new Set(account.platforms).size !== account.platforms.length) {
    throw new AccountInvalidError('platforms', 'A platform is listed twice.');
  }
  if (new Set(account.taskTypes).size !== account.taskTypes.length) {
    throw new AccountInvalidError('taskTypes', 'A task type is listed twice.');
  }
  if (account.quotable !== undefined && account.quotable.length > QUOTABLE_MAX_CHARS) {
    throw new AccountInvalidError('quotable', `The quotable passage is limited to ${QUOTABLE_MAX_CHARS} characters.`);
  }
  return account;
}
