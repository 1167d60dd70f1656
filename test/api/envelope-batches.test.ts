// Group commit of sealed envelopes (server/intake/envelope-batches.ts), on a real database: what
// arrives while a statement runs goes in the next one, and each envelope gets its own outcome.
import { randomBytes, randomUUID } from 'node:crypto';
import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayUtc } from '../../server/db/day.js';
import { EnvelopeBatches, type EnvelopeRow } from '../../server/intake/envelope-batches.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';
import { createIntakeKey, type TestIntakeKey } from '../support/intake.js';

let database: TestDatabase;
let key: TestIntakeKey;

beforeAll(async () => {
  database = await openTestDatabase();
  key = await createIntakeKey(database.db);
});
afterAll(async () => database?.close());

function row(overrides: Partial<EnvelopeRow> = {}): EnvelopeRow {
  return {
    id: randomUUID(),
    receivedOn: todayUtc(),
    intakeKeyId: key.id,
    envelope: randomBytes(1024 + 40),
    paddingBucket: 1024,
    replyPublicKey: randomBytes(32),
    lookupHash: randomBytes(32),
    ...overrides,
  };
}

/** The batches, over a connection that counts the statements it runs. */
function countingBatches(): { batches: EnvelopeBatches; statements: () => number } {
  let statements = 0;
  const counting: KyselyPlugin = {
    transformQuery: (args) => args.node,
    transformResult: async (args) => {
      statements++;
      return args.result;
    },
  };
  return { batches: new EnvelopeBatches(database.db.withPlugin(counting)), statements: () => statements };
}

const storedIds = async (rows: EnvelopeRow[]) =>
  (
    await database.db
      .selectFrom('submissions')
      .select('id')
      .where(
        'id',
        'in',
        rows.map((r) => r.id),
      )
      .execute()
  ).map(({ id }) => id);

describe('envelope batches', () => {
  it('a lone envelope goes at once; those that arrive meanwhile share the next statement', async () => {
    const { batches, statements } = countingBatches();
    const rows = Array.from({ length: 40 }, () => row());
    const stored = await Promise.all(rows.map((r) => batches.insert(r)));
    expect(stored).toEqual(rows.map(() => true));
    expect(statements()).toBe(2);
    expect((await storedIds(rows)).sort()).toEqual(rows.map((r) => r.id).sort());
  });

  it('no statement holds more than 64 envelopes', async () => {
    const { batches, statements } = countingBatches();
    const rows = Array.from({ length: 130 }, () => row());
    expect(await Promise.all(rows.map((r) => batches.insert(r)))).toEqual(rows.map(() => true));
    expect(statements()).toBe(4); // 1, 64, 64, 1
  });

  it('two envelopes under one lookup hash in one statement: the first is stored, the second is told so', async () => {
    const { batches } = countingBatches();
    const lookupHash = randomBytes(32);
    const first = row({ lookupHash }),
      second = row({ lookupHash });
    const [lead, a, b] = await Promise.all([batches.insert(row()), batches.insert(first), batches.insert(second)]);
    expect([lead, a, b]).toEqual([true, true, false]);
    expect(await storedIds([first, second])).toEqual([first.id]);
  });

  it('a lookup hash stored earlier is not stored again', async () => {
    const { batches } = countingBatches();
    const earlier = row();
    expect(await batches.insert(earlier)).toBe(true);
    const again = row({ lookupHash: earlier.lookupHash });
    expect(await Promise.all([batches.insert(row()), batches.insert(again)])).toEqual([true, false]);
    expect(await storedIds([again])).toEqual([]);
  });

  it('a row the database refuses fails only its own envelope; the others of its statement are stored', async () => {
    const { batches } = countingBatches();
    const good = [row(), row(), row()];
    const refused = row({ intakeKeyId: randomUUID() }); // no such key: a foreign-key violation
    const outcomes = await Promise.allSettled([batches.insert(row()), batches.insert(good[0]!), batches.insert(refused), batches.insert(good[1]!), batches.insert(good[2]!)]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect((await storedIds([...good, refused])).sort()).toEqual(good.map((r) => r.id).sort());
  });

  it('the database away: those waiting get the 503 of the statement in flight, not a wait of their own behind the next', async () => {
    let statements = 0;
    const hangsThenFails: KyselyPlugin = {
      transformQuery: (args) => args.node,
      transformResult: async () => {
        statements++;
        await new Promise((resolve) => setTimeout(resolve, 300));
        throw Object.assign(new Error('Connection terminated unexpectedly'), { code: '08006' });
      },
    };
    const batches = new EnvelopeBatches(database.db.withPlugin(hangsThenFails));
    const started = performance.now();
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => batches.insert(row())));
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected', 'rejected']);
    // The first statement and its one retry on a new connection: the four waiting were never sent.
    expect(statements).toBe(2);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
