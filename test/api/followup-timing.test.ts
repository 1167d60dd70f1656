// Unlinkability (issue 5): over real HTTP, an unknown lookup token takes about as long to answer
// as a known one, so that timing does not tell whether a receipt exists.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentIntakeKey } from '../../server/intake/service.js';
import { toBase64 } from '../../common/protocol/encoding.js';
import { loadSodium } from '../../common/protocol/sodium.js';
import { startListeningTestApp, type ListeningTestApp } from '../support/app.js';
import { askAsModerator, submitAsSource, type TestSource } from '../support/followup.js';
import { enrolViaApi, logInViaApi } from '../support/moderation.js';

const REQUESTS = 200;
const WARM_UP = 40;

let t: ListeningTestApp;
let known: TestSource;

beforeAll(async () => {
  t = await startListeningTestApp({ RATE_LIMIT_MAX: '100000' });
  await enrolViaApi(t.app, t.database.db, 'tim', 'administrator', { createIntakeKey: true });
  const moderator = await logInViaApi(t.app, 'tim', 'tim lantern orbit meadow', t.origin);
  const key = (await currentIntakeKey(t.database.db))!;
  // Other sources too, so that the index holds more than one row.
  for (let i = 0; i < 20; i++) await submitAsSource(t.app, t.database.db, key);
  // The known token's answer carries a timeline and a sealed question: the heavier case.
  known = await submitAsSource(t.app, t.database.db, key);
  await askAsModerator(t.app, moderator, known.submissionId, 'Did the platform say how your ratings were used?');
});
afterAll(async () => t?.close());

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  return sorted.length % 2 ? sorted[Math.floor(middle)]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function timedLookup(lookupToken: string, expectedStatus: number): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${t.origin}/api/v1/status`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ lookupToken }),
  });
  await response.arrayBuffer();
  const elapsed = performance.now() - started;
  expect(response.status).toBe(expectedStatus);
  return elapsed;
}

describe('status lookups over HTTP', () => {
  it(`answer unknown and known tokens in about the same time (medians of ${REQUESTS} within 20 %)`, async () => {
    const sodium = await loadSodium();
    const unknownToken = () => toBase64(sodium, sodium.randombytes_buf(32));
    for (let i = 0; i < WARM_UP; i++) {
      await timedLookup(known.lookupToken, 200);
      await timedLookup(unknownToken(), 404);
    }
    const unknown: number[] = [];
    const knownTimes: number[] = [];
    // Interleaved, so that drift (GC, JIT, the database's caches) falls on both alike.
    for (let i = 0; i < REQUESTS; i++) {
      if (i % 2) {
        knownTimes.push(await timedLookup(known.lookupToken, 200));
        unknown.push(await timedLookup(unknownToken(), 404));
      } else {
        unknown.push(await timedLookup(unknownToken(), 404));
        knownTimes.push(await timedLookup(known.lookupToken, 200));
      }
    }
    const unknownMedian = median(unknown);
    const knownMedian = median(knownTimes);
    const difference = Math.abs(knownMedian - unknownMedian) / Math.min(knownMedian, unknownMedian);
    console.log(
      `status lookup timing (${t.database.kind}, ${REQUESTS} each): unknown median ${unknownMedian.toFixed(3)} ms, ` +
        `known median ${knownMedian.toFixed(3)} ms, difference ${(difference * 100).toFixed(1)} %`,
    );
    expect(difference).toBeLessThan(0.2);
  });
});
