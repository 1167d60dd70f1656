// Signed email evidence (issue 33) through the real HTTP stack and database: DKIM keys fetched by
// the server with a resolver this test controls (no test reaches DNS), pinned by the operator
// command; acceptance marks an account only for the named platform's domain and counts one
// email once; the tier is published; the database keeps no email byte, plain hash or fine time.
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealAttachment } from '../../common/protocol/attachment.js';
import { duplicateMarker, halfYearOf, verifyDkim } from '../../common/protocol/dkim.js';
import { loadSodium } from '../../common/protocol/sodium.js';
import { runCommand } from '../../server/control/commands.js';
import { releaseDueBatch } from '../../server/publishing/release.js';
import type { PublishedStatistics } from '../../server/publishing/schemas.js';
import { todayUtc } from '../../server/db/day.js';
import { startTestApp, type TestApp, TEST_ORIGIN as ORIGIN } from '../support/app.js';
import { submitWithFiles } from '../support/attachments.js';
import { call, enrolAuthorAndReviewer, type TestModerator } from '../support/moderation.js';
import { BASE_FACETS, firstOfMonthAfter, insertStatisticsAccounts, NOISELESS } from '../support/publishing.js';
import { ed25519Key, rsaKey, SAMPLE_EMAIL, signEmail, type TestSigningKey } from '../support/signed-email.js';

let t: TestApp;
let author: TestModerator;
let reviewer: TestModerator;
let rsa: TestSigningKey;
let ed: TestSigningKey;
/** What DNS would answer, and every name the server asked for. */
const zone = new Map<string, string[][]>();
const asked: string[] = [];

beforeAll(async () => {
  rsa = rsaKey();
  ed = ed25519Key();
  t = await startTestApp({ PUBLIC_ORIGIN: ORIGIN, K_MIN: '11', BATCH_MIN: '1', BATCH_DELAY_DAYS: '0' }, undefined, {
    resolveTxt: async (name) => {
      asked.push(name);
      const answer = zone.get(name);
      if (!answer) throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
      return answer;
    },
  });
  ({ author, reviewer } = await enrolAuthorAndReviewer(t.app, t.database.db, ORIGIN));
});
afterAll(async () => t?.close());

const dkimKeys = (...words: string[]) => {
  const [action = '', a, b, c] = words;
  return runCommand(t.database.db, t.config, { command: 'dkim:keys', args: { action, ...(a ? { a } : {}), ...(b ? { b } : {}), ...(c ? { c } : {}) } });
};
const keyOf = (who: TestModerator, domain: string, selector: string) => call(t.app, who, 'GET', `/mod/api/evidence/dkim-key?domain=${domain}&selector=${selector}`);

describe('keys without a third party', () => {
  it('DNS through the server, cached; the moderator learns whether the key was live, pinned or unavailable', async () => {
    zone.set('mail2026._domainkey.mercor.example', [[rsa.record.slice(0, 100), rsa.record.slice(100)]]);
    const live = await keyOf(author, 'mercor.example', 'mail2026');
    expect(live.statusCode, live.body).toBe(200);
    expect(live.json()).toMatchObject({ source: 'live', record: rsa.record });
    // Cached: a second moderator's request does not go to DNS again.
    expect((await keyOf(reviewer, 'mercor.example', 'mail2026')).json()).toMatchObject({ source: 'live', record: rsa.record });
    expect(asked.filter((name) => name === 'mail2026._domainkey.mercor.example')).toHaveLength(1);

    expect((await keyOf(author, 'outlier.example', 'old2024')).json()).toEqual({ source: 'unavailable' });

    // Pinned by the operator: answered without any DNS query.
    const pinned = await dkimKeys('add', 'outlier.example', 'mail2026', ed.record.slice(ed.record.indexOf('p=') + 2));
    expect(pinned.exitCode, pinned.lines.join('\n')).toBe(0);
    const before = asked.length;
    expect((await keyOf(author, 'outlier.example', 'mail2026')).json()).toMatchObject({ source: 'pinned', record: ed.record });
    expect(asked).toHaveLength(before);
  });

  it('only for a logged-in moderator, and only for a well-formed domain and selector', async () => {
    const anonymous = await t.app.inject({ url: '/mod/api/evidence/dkim-key?domain=outlier.example&selector=mail2026', headers: { accept: 'application/json' } });
    expect(anonymous.statusCode).toBe(401);
    for (const [domain, selector] of [
      ['outlier.example%0a', 'mail2026'],
      ['localhost', 'mail2026'],
      ['outlier.example', 'a b'],
      ['outlier.example', '../x'],
    ]) {
      const refused = await keyOf(author, domain!, selector!);
      expect(refused.statusCode, `${domain} ${selector}`).toBe(400);
    }
  });

  it("npm run dkim:keys: add, list, remove; the platforms' domains", async () => {
    expect((await dkimKeys('add', 'turing.example', 'k1', 'not base64!')).exitCode).toBe(1);
    expect((await dkimKeys('add', 'turing.example', 'k1', rsa.record)).exitCode).toBe(0);
    const listed = await dkimKeys('list');
    expect(listed.lines.join('\n')).toMatch(/pinned k1\._domainkey\.turing\.example/);
    expect(listed.lines.join('\n')).toMatch(/live {3}mail2026\._domainkey\.mercor\.example/);
    expect((await dkimKeys('remove', 'turing.example', 'k1')).exitCode).toBe(0);
    expect((await dkimKeys('remove', 'turing.example', 'k1')).exitCode).toBe(1);
    expect((await dkimKeys('domains')).lines).toContain('Outlier (outlier): outlier.ai');
    expect((await dkimKeys('domain-add', 'nowhere', 'x.example')).exitCode).toBe(1);
    expect((await dkimKeys('domain-add', 'outlier', 'outlier.example')).exitCode).toBe(0);
    expect((await dkimKeys('domain-add', 'mercor', 'mercor.example')).exitCode).toBe(0);
    expect((await call(t.app, author, 'GET', '/mod/api/evidence/platform-domains')).json<{ domains: unknown[] }>().domains).toContainEqual({
      domain: 'outlier.example',
      platform: 'outlier',
    });
    expect((await dkimKeys('frobnicate')).exitCode).toBe(1);
  });

  it("administrators edit the platforms' domains from the console too, each change in the audit log; moderators cannot", async () => {
    const added = await call(t.app, author, 'POST', '/mod/api/evidence/platform-domains', { platform: 'turing', domain: 'mail.turing.example' });
    expect(added.statusCode, added.body).toBe(200);
    expect(added.json<{ domains: unknown[] }>().domains).toContainEqual({ domain: 'mail.turing.example', platform: 'turing' });
    expect((await call(t.app, author, 'POST', '/mod/api/evidence/platform-domains', { platform: 'nowhere', domain: 'x.example' })).statusCode).toBe(400);
    const removed = await call(t.app, author, 'POST', '/mod/api/evidence/platform-domains/remove', { domain: 'mail.turing.example' });
    expect(removed.json<{ domains: unknown[] }>().domains).not.toContainEqual({ domain: 'mail.turing.example', platform: 'turing' });
    const refused = await call(t.app, reviewer, 'POST', '/mod/api/evidence/platform-domains', { platform: 'turing', domain: 'turing.example' });
    expect(refused.statusCode).toBe(403);
    const audit = (await call(t.app, author, 'GET', '/mod/api/audit')).json<{ entries: Array<{ action: string; details?: unknown }> }>().entries;
    expect(audit.filter((e) => e.action.startsWith('evidence.')).map((e) => [e.action, e.details])).toEqual(
      expect.arrayContaining([
        ['evidence.platform_domain_added', { platform: 'turing', domain: 'mail.turing.example' }],
        ['evidence.platform_domain_removed', { domain: 'mail.turing.example' }],
      ]),
    );
  });
});

describe('counted once, linked to no one', () => {
  let signed: string;
  let marker: string;
  let signature: string;

  /** A submission whose account carries the signed email as a sealed attachment; returns its id. */
  async function submitEmail(email: string): Promise<string> {
    return submitWithFiles(t.app, t.database.db, [sealAttachment(await loadSodium(), 'message/rfc822', new TextEncoder().encode(email))]);
  }

  const accept = (id: string, signedEmail: unknown, platforms = ['outlier'], title = 'Onboarded and dropped') =>
    call(t.app, author, 'POST', `/mod/api/submissions/${id}/accept`, {
      facets: { ...BASE_FACETS, platforms, consent: 'quote' },
      story: { title, body: `${title}: the body.`, pullQuotes: [], attributionLabel: 'hollywood_writer', identifierMarks: { unresolved: 0, dismissed: 0 } },
      signedEmail,
    });
  const codeOf = (response: { json<T>(): T }) => response.json<{ error: { code: string } }>().error.code;

  beforeAll(async () => {
    signed = await signEmail(SAMPLE_EMAIL, ed);
    // What the moderator's browser does: verify with the key the server hands it, then make the marker.
    const [verdict] = await verifyDkim(new TextEncoder().encode(signed), async (domain, selector) => (await keyOf(author, domain, selector)).json());
    expect(verdict).toMatchObject({ status: 'pass', domain: 'outlier.example', keySource: 'pinned' });
    signature = verdict!.signature;
    marker = duplicateMarker(await loadSodium(), new Uint8Array(32).fill(9), signature);
  });

  it('marks only for the platform the signing domain belongs to, and only one the account names', async () => {
    const id = await submitEmail(signed);
    const choice = { platform: 'outlier', domain: 'outlier.example', halfYear: '2026-H1', marker };
    const otherDomain = await accept(id, { ...choice, domain: 'mailer.example' });
    expect(otherDomain.statusCode, otherDomain.body).toBe(409);
    expect(codeOf(otherDomain)).toBe('signed_email_not_platform_domain');
    const wrongPlatform = await accept(id, { ...choice, platform: 'mercor' });
    expect(codeOf(wrongPlatform)).toBe('signed_email_not_platform_domain');
    const notNamed = await accept(id, choice, ['mercor']);
    expect(codeOf(notNamed)).toBe('signed_email_platform_not_named');
    expect((await accept(id, { ...choice, halfYear: '2026-03-10' })).statusCode).toBe(400);
    expect((await accept(id, { ...choice, marker: createHash('sha256').update(signature).digest('base64') })).statusCode).toBe(400);

    const accepted = await accept(id, choice);
    expect(accepted.statusCode, accepted.body).toBe(200);
    const pending = await t.database.db
      .selectFrom('pending_accounts')
      .select(['signed_email_platform', 'signed_email_half_year', 'signed_email_marker'])
      .where('signed_email_platform', 'is not', null)
      .execute();
    expect(pending.map((row) => ({ ...row, signed_email_marker: Buffer.from(row.signed_email_marker!).toString('hex') }))).toEqual([
      { signed_email_platform: 'outlier', signed_email_half_year: '2026-H1', signed_email_marker: marker },
    ]);
    const storyId = accepted.json<{ storyId: string }>().storyId;
    expect((await call(t.app, reviewer, 'POST', `/mod/api/stories/${storyId}/approve`, {})).statusCode).toBe(200);
  });

  it('a second account with the same email is flagged and cannot be marked', async () => {
    expect((await call(t.app, author, 'POST', '/mod/api/evidence/duplicates', { marker })).json()).toEqual({ accounts: 1 });
    expect((await call(t.app, author, 'POST', '/mod/api/evidence/duplicates', { marker: 'a'.repeat(64) })).json()).toEqual({ accounts: 0 });
    const second = await submitEmail(signed);
    const refused = await accept(second, { platform: 'outlier', domain: 'outlier.example', halfYear: '2026-H1', marker }, ['outlier'], 'Same email again');
    expect(refused.statusCode).toBe(409);
    expect(codeOf(refused)).toBe('signed_email_already_counted');
    expect(refused.json<{ error: { message: string } }>().error.message).toContain('counted once');
  });

  it('is published as a tier: the story, /stats, the API and the CSV', async () => {
    const { db } = t.database;
    await insertStatisticsAccounts(db, 30, { platforms: ['outlier'] });
    // Ten more accounts verified by other emails (made directly: their markers differ), so that the tier's count can be shown.
    const verified = Array.from({ length: 12 }, (_, i) => ({ signed_email_platform: 'outlier', signed_email_half_year: '2026-H1', signed_email_marker: Buffer.alloc(32, i + 1) }));
    await insertStatisticsAccounts(db, 12, { platforms: ['outlier'] });
    const plain = await db.selectFrom('accounts').select('id').where('signed_email_platform', 'is', null).limit(12).execute();
    for (const [i, row] of plain.entries()) await db.updateTable('accounts').set(verified[i]!).where('id', '=', row.id).execute();
    const batch = await releaseDueBatch(db, { kMin: 11, batchMin: 1, batchDelayDays: 0, ...NOISELESS }, firstOfMonthAfter(todayUtc()));
    expect(batch).toMatchObject({ statisticsRefreshed: true });
    const tiers = await db.selectFrom('account_tallies').select(['a', 'n']).where('kind', '=', 'tier').where('n', '<>', 0).orderBy('a').execute();
    expect(tiers.map((r) => [r.a, Number(r.n)])).toEqual([
      ['none', 30],
      ['verified_email', 13],
    ]);

    const stats = (await t.app.inject({ url: '/api/v1/stats' })).json<{ statistics: PublishedStatistics }>().statistics;
    expect(stats.headline.verification).toMatchObject({ verifiedEmail: { count: 13, status: 'shown' }, accounts: { count: 43, status: 'shown' } });
    const page = (await t.app.inject({ url: '/stats' })).body;
    expect(page).toContain("about 43 accounts, of which about 13 are backed by a platform's signed email.");
    const csv = (await t.app.inject({ url: '/stats.csv?table=verification_tier' })).body;
    expect(csv).toContain('verification_tier,all,verified_email,13,shown');
    const release = (await t.app.inject({ url: `/releases/${batch!.sequence}/statistics.csv` })).body;
    expect(release).toContain('verification_tier,all,verified_email,13,shown');

    const story = (await t.app.inject({ url: '/api/v1/stories' }))
      .json<{ stories: Array<{ title: string; verification: unknown }> }>()
      .stories.find((x) => x.title === 'Onboarded and dropped');
    expect(story?.verification).toEqual({ tier: 'verified_email', documentKinds: [], statement: 'Backed by an email the platform signed (Outlier), checked by a moderator.' });
    const about = (await t.app.inject({ url: '/about' })).body;
    expect(about).toContain('What it does not prove: that the person who gave the account is the person the email was sent to');
  });

  it('the database holds no email byte, no unkeyed digest of the signature, no time finer than the half-year', async () => {
    const raw = Buffer.from(signature, 'base64');
    const forbidden = [
      'sam.writer@mail.example',
      'Welcome to the project',
      signature,
      raw.toString('hex'),
      createHash('sha256').update(raw).digest('hex'),
      createHash('sha256').update(raw).digest('base64'),
      createHash('sha256').update(signature).digest('hex'),
      createHash('sha256').update(signed).digest('hex'),
      '2026-03-10',
      String(Date.parse('2026-03-10T09:15:05Z') / 1000),
    ];
    const tables = await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`.execute(t.database.db);
    let text = '';
    for (const { table_name } of tables.rows) {
      const rows = await sql<{ row: string }>`select t::text as row from ${sql.table(table_name)} t`.execute(t.database.db);
      text += rows.rows.map((r) => r.row).join('\n');
    }
    expect(text.length).toBeGreaterThan(1000);
    for (const needle of forbidden) expect(text, needle).not.toContain(needle);
    // bytea columns print as \x…hex: the marker is there, keyed.
    expect(text).toContain(`\\\\x${marker}`);
    expect(halfYearOf(Date.parse('2026-03-10T09:15:05Z') / 1000)).toBe('2026-H1');
  });
});
