// Accounts and stories for tests of the public side, made through the real API (sealed
// submission → acceptance with facets → second review), plus statistics-only accounts in bulk.
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { todayUtc } from '../../server/db/day.js';
import type { Database, Day } from '../../server/db/schema.js';
import { addDays } from '../../server/db/day.js';
import { lastScheduledDay } from '../../server/publishing/release.js';
import { currentIntakeKey } from '../../server/intake/service.js';
import { accountRow, validateFacets, type FacetsInput } from '../../server/moderation/queue-service.js';
import { withdrawalTagHash } from '../../common/protocol/digest.js';
import { fromBase64 } from '../../common/protocol/encoding.js';
import { sealForTest } from './intake.js';
import { call, s, type TestModerator } from './moderation.js';

/** Facets as a moderator sends them; consent defaults per helper. */
export type TestFacets = Omit<FacetsInput, 'consent'> & { consent?: string };

export const BASE_FACETS: TestFacets = {
  role: 'writer',
  platforms: ['mercor'],
  taskTypes: ['rating_responses'],
  payBand: '40_59',
  hoursBand: '20_29',
  conditions: { nda_signed: 'yes' },
};

export interface TestStory {
  title: string;
  body: string;
  pullQuotes?: string[];
  attributionLabel?: string;
}

/** A sealed submission through the intake API; returns its id. */
export async function submitSealed(app: FastifyInstance, db: Kysely<Database>): Promise<string> {
  return (await submitSealedWithTag(app, db)).id;
}

/** SHA-256 of a base64 withdrawal tag: what the account and story keep of it. */
export const tagHash = (withdrawalTag: string): Uint8Array => withdrawalTagHash(fromBase64(s, withdrawalTag));

/** A sealed submission through the intake API; its id, and the withdrawal tag its sealed account carries (base64). */
export async function submitSealedWithTag(app: FastifyInstance, db: Kysely<Database>): Promise<{ id: string; withdrawalTag: string }> {
  const key = await currentIntakeKey(db);
  if (!key) throw new Error('no intake key: enrol the first administrator first');
  const sealed = await sealForTest(key);
  const response = await app.inject({ method: 'POST', url: '/api/v1/submissions', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(sealed.body) });
  if (response.statusCode !== 201) throw new Error(`submission refused: ${response.body}`);
  const row = await db.selectFrom('submissions').select('id').where('reply_public_key', '=', fromBase64(s, sealed.body.replyPublicKey)).executeTakeFirstOrThrow();
  return { id: row.id, withdrawalTag: sealed.withdrawalTag };
}

/** A story draft awaiting its second review; returns the story id. */
export async function draftStory(app: FastifyInstance, db: Kysely<Database>, author: TestModerator, story: TestStory, facets: TestFacets = BASE_FACETS): Promise<string> {
  const id = await submitSealed(app, db);
  const accepted = await call(app, author, 'POST', `/mod/api/submissions/${id}/accept`, {
    facets: { consent: 'quote', ...facets },
    story: { pullQuotes: [], attributionLabel: 'hollywood_writer', identifierMarks: { unresolved: 0, dismissed: 0 }, ...story },
  });
  if (accepted.statusCode !== 200) throw new Error(`acceptance refused: ${accepted.body}`);
  return (accepted.json() as { storyId: string }).storyId;
}

/** A story approved by a second moderator, waiting for the next batch; returns the story id. */
export async function approvedStory(
  app: FastifyInstance,
  db: Kysely<Database>,
  moderators: { author: TestModerator; reviewer: TestModerator },
  story: TestStory,
  facets: TestFacets = BASE_FACETS,
): Promise<string> {
  const storyId = await draftStory(app, db, moderators.author, story, facets);
  const approved = await call(app, moderators.reviewer, 'POST', `/mod/api/stories/${storyId}/approve`, {});
  if (approved.statusCode !== 200) throw new Error(`approval refused: ${approved.body}`);
  return storyId;
}

/** Statistics-only accounts in bulk, as moderators would have accepted them. */
export async function insertStatisticsAccounts(db: Kysely<Database>, count: number, facets: Partial<TestFacets> = {}): Promise<void> {
  const f = { ...BASE_FACETS, ...facets, consent: 'stats' };
  validateFacets(f);
  await db
    .insertInto('accounts')
    .values(Array.from({ length: count }, () => accountRow(f, todayUtc())))
    .execute();
}

/** The 1st of the month after `day`'s: the next scheduled statistics refresh (continual release). */
export const firstOfMonthAfter = (day: string): Day => lastScheduledDay(addDays(lastScheduledDay(day as Day), 32));

/** Release rules for figures without noise (tests only): every node draws 0, and ε so large that no margin remains. */
export const NOISELESS = { noise: () => 0, epsilonPerNode: { numerator: 1000, denominator: 1 } } as const;
