// Audit entries for real events only (issue 25, DESIGN §7): a flood of refused passkey attempts
// adds no entry (a count per handle and day instead), and the audit view verifies from the last
// entry it verified, so it stays fast with 100,000 entries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../common/protocol/canonical-json.js';
import { AUDIT_GENESIS_HASH, auditEntryHash } from '../../common/protocol/digest.js';
import { todayUtc } from '../../server/db/day.js';
import { AUDIT_ACTIONS, appendAuditEntry, verifyAuditChain } from '../../server/audit/log.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { call, enrolAdminAndModerator, passkeysOf, requestLoginChallenge, s, visit, type TestModerator } from '../support/moderation.js';

const ORIGIN = 'http://127.0.0.1:3000';
const ATTEMPTS = 10_000;
const ENTRIES = 100_000;
let t: TestApp;
let admin: TestModerator;

beforeAll(async () => {
  t = await startTestApp({ PUBLIC_ORIGIN: ORIGIN });
  ({ admin } = await enrolAdminAndModerator(t.app, t.database.db, ORIGIN));
});
afterAll(async () => t?.close());

const auditEntries = async () =>
  Number(
    (
      await t.database.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('a flood of refused passkey attempts', () => {
  it(`${ATTEMPTS.toLocaleString('en')} refused attempts add no audit entry; those on issued challenges are one count for the day`, { timeout: 300_000 }, async () => {
    const who = await visit(t.app);
    const before = await auditEntries();
    const stranger = passkeysOf('admin')[0]!;
    let onIssued = 0;
    for (let i = 0; i < ATTEMPTS; i++) {
      // One in ten on a challenge really issued for the handle (these count); the rest on invented ones.
      let challenge = s.to_base64(s.randombytes_buf(32), s.base64_variants.ORIGINAL);
      let webauthnChallenge = challenge.replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
      if (i % 10 === 0) {
        const issued = await requestLoginChallenge(t.app, who, 'mod');
        challenge = issued.challenge;
        webauthnChallenge = issued.passkey.challenge;
        onIssued++;
      }
      // Another moderator's passkey, answering the right challenge: refused for this handle.
      const response = await call(t.app, who, 'POST', '/mod/api/login/passkey', { handle: 'mod', challenge, assertion: stranger.assert(webauthnChallenge) });
      expect(response.statusCode === 401 || response.statusCode === 429).toBe(true);
      // Its minute has passed, as it would between a person's attempts: otherwise a thousand challenges
      // outstanding at once would make each new one cost a growing proof of work (issue 25, login-work.ts).
      if (i % 10 === 0)
        await t.database.db
          .updateTable('login_challenges')
          .set({ expires_at: new Date(0) })
          .where('challenge', '=', s.from_base64(challenge, s.base64_variants.ORIGINAL))
          .execute();
    }
    expect(await auditEntries()).toBe(before);
    const counts = await t.database.db.selectFrom('refused_login_counts').selectAll().where('step', '=', 'passkey').execute();
    expect(counts).toHaveLength(1);
    expect(counts[0]!.refused).toBe(onIssued);
    // The console shows the count in place of the entries.
    const page = await t.app.inject({ url: '/mod/audit', cookies: admin.cookies });
    expect(page.body).toMatch(new RegExp(`<td>${todayUtc()}</td><td>mod</td><td>${onIssued}</td><td>0</td>`));
  });
});

describe('the audit view with 100,000 entries', () => {
  /** Appends `count` entries as appendAuditEntry would, in large inserts (a test shortcut: the chain is the real one). */
  async function fillChain(count: number): Promise<void> {
    const last = await t.database.db.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    let prev: Uint8Array = last ? new Uint8Array(last.hash) : AUDIT_GENESIS_HASH;
    let seq = last?.seq ?? 0;
    for (let done = 0; done < count;) {
      const rows = [];
      for (let i = 0; i < 2000 && done < count; i++, done++) {
        seq++;
        const entry = canonicalJson({ seq, day: todayUtc(), actor: 'system', action: AUDIT_ACTIONS[seq % AUDIT_ACTIONS.length]!, details: { n: seq } });
        const hash = auditEntryHash(prev, entry);
        rows.push({ seq, entry, prev_hash: new Uint8Array(prev), hash: new Uint8Array(hash) });
        prev = hash;
      }
      await t.database.db.insertInto('audit_log').values(rows).execute();
    }
  }

  const timedView = async () => {
    const started = performance.now();
    const response = await t.app.inject({ url: '/mod/audit', cookies: admin.cookies });
    const ms = performance.now() - started;
    expect(response.statusCode).toBe(200);
    return { ms, body: response.body };
  };

  it('answers in under 100 ms once verified, checking only the entries added since', { timeout: 300_000 }, async () => {
    await fillChain(ENTRIES - (await auditEntries()));
    // The first view (or `npm run audit:verify`, or a start-up) walks the chain once.
    const first = await timedView();
    expect(first.body).toContain(`intact, ${ENTRIES} entries`);
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      await appendAuditEntry(t.database.db, { actor: 'system', action: AUDIT_ACTIONS[0]! });
      const view = await timedView();
      expect(view.body).toContain(`intact, ${ENTRIES + i + 1} entries`);
      times.push(view.ms);
    }
    times.sort((a, b) => a - b);
    console.info(`audit view with ${ENTRIES} entries: first ${Math.round(first.ms)} ms, then median ${Math.round(times[2]!)} ms`);
    expect(times[2]!).toBeLessThan(100);
    // The whole chain, as the operator command walks it, agrees.
    expect(await verifyAuditChain(t.database.db)).toMatchObject({ ok: true, entries: ENTRIES + 5 });
  });

  it('walks the whole chain again when the entry it stopped at is no longer what it verified', async () => {
    const head = await t.database.db.selectFrom('audit_log').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    await t.database.db
      .updateTable('audit_log')
      .set({ hash: new Uint8Array(32).fill(9) })
      .where('seq', '=', head.seq)
      .execute();
    const { body } = await timedView();
    expect(body).toContain(`The chain is BROKEN at entry ${head.seq}`);
  });
});
