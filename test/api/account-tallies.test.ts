// Migrations 0005, 0010 and 0016: the triggers that keep account_tallies must agree, after any sequence of
// inserts, withdrawals, consent changes, deletions and truncations, with counting the
// accounts table from scratch (done here in TypeScript, independently of the SQL).
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMigrator, migrateToLatest } from '../../server/db/migrator.js';
import type { Database } from '../../server/db/schema.js';
import { countedFacts } from '../../server/moderation/queue-service.js';
import { conditionAnswers, conditions, consents, documentKinds, factQuestions, hoursBands, payBands, platforms, roles, taskTypes } from '../../common/vocabulary.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => database?.close());

interface AccountFacets {
  role: string | null;
  platforms: string[];
  task_types: string[];
  pay_band: string | null;
  hours_band: string | null;
  conditions: Record<string, string>;
  consent: string;
  withdrawn: boolean;
  /** Account version 2 (migration 0010); absent: a version-1 account, or a table from before 0010. */
  version2?: { facts: Record<string, string>; half_year: string | null } | null;
  /** The verification tier recorded at acceptance (migration 0015): document kinds seen, or null. */
  documents_seen?: string[] | null;
}

const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: null });
const version1Arbitrary: fc.Arbitrary<AccountFacets> = fc.record({
  role: optional(fc.constantFrom(...roles.keys)),
  platforms: fc.subarray([...platforms.keys]),
  task_types: fc.subarray([...taskTypes.keys]),
  pay_band: optional(fc.constantFrom(...payBands.keys)),
  hours_band: optional(fc.constantFrom(...hoursBands.keys)),
  conditions: fc.dictionary(fc.constantFrom(...conditions.keys), fc.constantFrom(...conditionAnswers.keys)),
  consent: fc.constantFrom(...consents.keys),
  withdrawn: fc.boolean(),
});
const answersArbitrary = fc.record(Object.fromEntries(factQuestions.map((q) => [q.key, fc.constantFrom(...q.answers.keys)])) as Record<string, fc.Arbitrary<string>>, { requiredKeys: [] });
const documentsSeenArbitrary = optional(fc.subarray([...documentKinds.keys], { minLength: 1 }));
const accountArbitrary: fc.Arbitrary<AccountFacets> = fc
  .tuple(version1Arbitrary, optional(fc.record({ answers: answersArbitrary, half_year: optional(fc.constantFrom('2018-H1', '2024-H2', '2025-H1', '2026-H1')) })), documentsSeenArbitrary)
  .map(([account, version2, documents_seen]) => ({
    ...account,
    documents_seen,
    version2: version2 && { facts: countedFacts({ facts: version2.answers as Record<string, string>, payBand: account.pay_band ?? undefined }), half_year: version2.half_year },
  }));

type Operation =
  | { op: 'insert'; accounts: AccountFacets[] }
  | { op: 'withdraw' | 'delete' | 'touch'; pick: number }
  | { op: 'consent'; pick: number; consent: string }
  | { op: 'tier'; pick: number; documentsSeen: string[] | null }
  | { op: 'truncate' };

const operationArbitrary: fc.Arbitrary<Operation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('insert' as const), accounts: fc.array(accountArbitrary, { minLength: 1, maxLength: 12 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constantFrom('withdraw' as const, 'delete' as const, 'touch' as const), pick: fc.integer({ min: 2, max: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('consent' as const), pick: fc.integer({ min: 2, max: 4 }), consent: fc.constantFrom(...consents.keys) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('tier' as const), pick: fc.integer({ min: 2, max: 4 }), documentsSeen: documentsSeenArbitrary }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('truncate' as const) }) },
);

async function insertAccounts(db: Kysely<Database>, accounts: AccountFacets[]): Promise<void> {
  await db
    .insertInto('accounts')
    .values(
      accounts.map(({ withdrawn, conditions: answers, version2, ...facets }) => ({
        id: randomUUID(),
        ...facets,
        ...(version2 ? { account_version: 2, facts: JSON.stringify(version2.facts), half_year: version2.half_year } : {}),
        conditions: JSON.stringify(answers),
        accepted_on: '2026-01-05',
        withdrawn_on: withdrawn ? '2026-02-01' : null,
      })),
    )
    .execute();
}

async function apply(db: Kysely<Database>, operation: Operation): Promise<void> {
  // Every `pick`-th account (by id): a statement touching several rows at once.
  const picked = sql<boolean>`mod(abs(hashtext(id::text)), ${operation.op === 'insert' || operation.op === 'truncate' ? 1 : operation.pick}) = 0`;
  switch (operation.op) {
    case 'insert':
      return insertAccounts(db, operation.accounts);
    case 'withdraw':
      await db.updateTable('accounts').set({ withdrawn_on: '2026-03-01' }).where(picked).execute();
      return;
    case 'consent':
      await db.updateTable('accounts').set({ consent: operation.consent }).where(picked).execute();
      return;
    case 'tier': // a tier recorded or cleared after acceptance (0016 tallies the update too)
      await db.updateTable('accounts').set({ documents_seen: operation.documentsSeen }).where(picked).execute();
      return;
    case 'touch': // a change that leaves every counted facet as it was (a withdrawal clears the tag)
      await db.updateTable('accounts').set({ withdrawal_tag_hash: null }).where(picked).execute();
      return;
    case 'delete':
      await db.deleteFrom('accounts').where(picked).execute();
      return;
    case 'truncate':
      await sql`truncate accounts cascade`.execute(db);
      return;
  }
}

/** kind → "a|b" → n, counted from the accounts table in TypeScript. */
async function recount(db: Kysely<Database>): Promise<Record<string, number>> {
  const rows = await db.selectFrom('accounts').selectAll().where('withdrawn_on', 'is', null).where('consent', 'in', ['quote', 'stats']).execute();
  const tally: Record<string, number> = {};
  const add = (kind: string, a: string, b = '') => void (tally[`${kind}|${a}|${b}`] = (tally[`${kind}|${a}|${b}`] ?? 0) + 1);
  for (const row of rows) {
    const answers = Object.entries(typeof row.conditions === 'string' ? (JSON.parse(row.conditions) as Record<string, string>) : row.conditions);
    add('accounts', '');
    if (row.role !== null) add('role', row.role);
    if (row.hours_band !== null) add('hours', row.hours_band);
    for (const [condition, answer] of answers) add('condition', condition, answer);
    for (const taskType of row.task_types) {
      add('task_type', taskType);
      if (row.role !== null) add('role_task_type', row.role, taskType);
    }
    const facts = Object.entries(typeof row.facts === 'string' ? (JSON.parse(row.facts) as Record<string, string>) : (row.facts ?? {}));
    if (row.account_version !== undefined) add('version', String(row.account_version));
    for (const [fact, answer] of facts) {
      add('fact', fact, answer);
      if (row.half_year) add('half_year_fact', `${row.half_year}:${fact}`, answer);
    }
    if (row.half_year) add('half_year', row.half_year);
    // Migration 0016: one tier per account; a table from before it has no column, hence no tier.
    if (row.documents_seen !== undefined) add('tier', (row.documents_seen?.length ?? 0) > 0 ? 'documents_seen' : 'none');
    for (const platform of row.platforms) {
      add('platform', platform);
      if (row.account_version !== undefined) add('platform_version', platform, String(row.account_version));
      for (const [fact, answer] of facts) add('platform_fact', `${platform}:${fact}`, answer);
      if (row.pay_band !== null) add('platform_pay', platform, row.pay_band);
      for (const [condition, answer] of answers) add('platform_condition', `${platform}:${condition}`, answer);
    }
  }
  return tally;
}

async function storedTallies(db: Kysely<Database>): Promise<Record<string, number>> {
  const rows = await db.selectFrom('account_tallies').selectAll().where('n', '<>', 0).execute();
  return Object.fromEntries(rows.map((r) => [`${r.kind}|${r.a}|${r.b}`, Number(r.n)]));
}

describe('account tallies (migrations 0005, 0010 and 0016)', () => {
  it('agree with a recount after any sequence of inserts, withdrawals, consent changes, deletions and truncations', async () => {
    const { db } = database;
    await fc.assert(
      fc.asyncProperty(fc.array(operationArbitrary, { minLength: 1, maxLength: 8 }), async (operations) => {
        await sql`truncate accounts cascade`.execute(db);
        for (const operation of operations) await apply(db, operation);
        expect(await storedTallies(db)).toEqual(await recount(db));
      }),
      { numRuns: 40 },
    );
  });

  it('stay exact when many transactions insert and withdraw at once (no deadlock, no lost update)', async () => {
    const { db } = database;
    await sql`truncate accounts cascade`.execute(db);
    const batch = fc.sample(accountArbitrary, { numRuns: 200, seed: 7 });
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        db.transaction().execute(async (trx) => {
          await insertAccounts(trx, batch.slice(i * 25, (i + 1) * 25));
          await insertAccounts(trx, batch.slice(0, 5));
        }),
      ),
    );
    await Promise.all([apply(db, { op: 'withdraw', pick: 3 }), apply(db, { op: 'insert', accounts: batch.slice(50, 60) })]);
    expect(await storedTallies(db)).toEqual(await recount(db));
  });

  it('are backfilled from the accounts that existed before the migration', async () => {
    const { db } = database;
    await sql`truncate accounts cascade`.execute(db);
    const { error } = await createMigrator(db).migrateTo('0004_publishing');
    expect(error).toBeUndefined();
    await insertAccounts(db, fc.sample(version1Arbitrary, { numRuns: 60, seed: 11 }));
    await migrateToLatest(db);
    const stored = await storedTallies(db);
    expect(stored['accounts||']).toBeGreaterThan(0);
    expect(stored).toEqual(await recount(db));
  });

  it('count the accounts from before version 2 as version 1 (their questions "not asked"), and count a change of a version-2 facet', async () => {
    const { db } = database;
    await sql`truncate accounts cascade`.execute(db);
    const { error } = await createMigrator(db).migrateTo('0009_readiness_probe');
    expect(error).toBeUndefined();
    const before = fc.sample(version1Arbitrary, { numRuns: 40, seed: 13 }).map((a) => ({ ...a, withdrawn: false, consent: 'stats', platforms: ['outlier'] }));
    await insertAccounts(db, before);
    await migrateToLatest(db);
    const stored = await storedTallies(db);
    expect(stored['version|1|']).toBe(40);
    expect(stored['platform_version|outlier|1']).toBe(40);
    expect(Object.keys(stored).some((k) => k.startsWith('fact|'))).toBe(false);
    expect(stored).toEqual(await recount(db));

    const changes = async () => Number((await db.selectFrom('statistics_changes').select('changes').executeTakeFirstOrThrow()).changes);
    const counted = await changes();
    await db
      .updateTable('accounts')
      .set({ account_version: 2, facts: JSON.stringify({ monitoring: 'yes' }), half_year: '2026-H1' })
      .where(sql<boolean>`mod(abs(hashtext(id::text)), 4) = 0`)
      .execute();
    const moved = Number(
      (
        await db
          .selectFrom('accounts')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('account_version', '=', 2)
          .executeTakeFirstOrThrow()
      ).n,
    );
    expect(moved).toBeGreaterThan(0);
    expect(await changes()).toBe(counted + moved);
    expect(await storedTallies(db)).toEqual(await recount(db));
  });

  it('count the accounts from before the tier as their tier (a recorded tier, or none), and count a change of the tier', async () => {
    const { db } = database;
    await sql`truncate accounts cascade`.execute(db);
    const { error } = await createMigrator(db).migrateTo('0015_verification_tier');
    expect(error).toBeUndefined();
    const before = fc.sample(accountArbitrary, { numRuns: 40, seed: 17 }).map((a, i) => ({ ...a, withdrawn: false, consent: 'stats', documents_seen: i < 15 ? ['contract'] : null }));
    await insertAccounts(db, before);
    await migrateToLatest(db);
    const stored = await storedTallies(db);
    expect(stored['tier|documents_seen|']).toBe(15);
    expect(stored['tier|none|']).toBe(25);
    expect(stored).toEqual(await recount(db));

    const changes = async () => Number((await db.selectFrom('statistics_changes').select('changes').executeTakeFirstOrThrow()).changes);
    const counted = await changes();
    const moved = await db
      .updateTable('accounts')
      .set({ documents_seen: ['pay_record'] })
      .where('documents_seen', 'is', null)
      .executeTakeFirst();
    expect(Number(moved.numUpdatedRows)).toBe(25);
    expect(await changes()).toBe(counted + 25);
    expect(await storedTallies(db)).toMatchObject({ 'tier|documents_seen|': 40 });
    expect((await storedTallies(db))['tier|none|']).toBeUndefined();
    expect(await storedTallies(db)).toEqual(await recount(db));
  });
});
