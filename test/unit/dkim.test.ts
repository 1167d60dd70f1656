// DKIM verification of saved emails (issue 33): emails signed here by mailauth's signer, RSA and
// Ed25519, relaxed and simple, with and without l=; tampering fails with its reason.
import { createHash, createPublicKey } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { canonicalBody, duplicateMarker, halfYearOf, verifyDkim, type DkimKeyFetcher } from '../../common/protocol/dkim.js';
import { loadSodium, type Sodium } from '../../common/protocol/sodium.js';
import { ed25519Key, rsaKey, SAMPLE_EMAIL, signEmail, type TestSigningKey } from '../support/signed-email.js';

let rsa: TestSigningKey;
let ed: TestSigningKey;
let sodium: Sodium;
beforeAll(async () => {
  rsa = rsaKey();
  ed = ed25519Key();
  sodium = await loadSodium();
});

const bytes = (text: string) => Buffer.from(text, 'latin1');
const pinned =
  (key: TestSigningKey, asked: string[] = []): DkimKeyFetcher =>
  async (domain, selector) => {
    asked.push(`${selector}._domainkey.${domain}`);
    return { source: 'pinned', record: key.record };
  };

describe('signed emails verify', () => {
  const cases = [
    ['RSA', 'relaxed/relaxed', undefined],
    ['RSA', 'simple/simple', undefined],
    ['RSA', 'relaxed/relaxed', 40],
    ['RSA', 'simple/simple', 40],
    ['Ed25519', 'relaxed/relaxed', undefined],
    ['Ed25519', 'simple/simple', undefined],
    ['Ed25519', 'relaxed/relaxed', 40],
    ['Ed25519', 'simple/simple', 40],
  ] as const;
  it.each(cases)('%s, %s, l=%s', async (kind, canonicalization, maxBodyLength) => {
    const key = kind === 'RSA' ? rsa : ed;
    const signed = await signEmail(SAMPLE_EMAIL, key, { canonicalization, ...(maxBodyLength ? { maxBodyLength } : {}) });
    const asked: string[] = [];
    const [verdict, ...others] = await verifyDkim(bytes(signed), pinned(key, asked));
    expect(others).toEqual([]);
    expect(verdict).toMatchObject({ status: 'pass', domain: 'outlier.example', selector: 'mail2026', algorithm: key.algorithm, canonicalization, keySource: 'pinned' });
    expect(verdict!.failure).toBeUndefined();
    expect(asked).toEqual(['mail2026._domainkey.outlier.example']);
    expect(verdict!.signedAt).toBe(Date.parse('2026-03-10T09:15:05Z') / 1000);
    expect(verdict!.signedHeaders).toContain('from');
    expect(verdict!.signedHeaders).toContain('subject');
    if (maxBodyLength) expect(verdict!.bodyBytesSigned).toBe(maxBodyLength);
    else expect(verdict!.bodyBytesSigned).toBe(verdict!.bodyBytes);
    expect(verdict!.bodyBytesSigned < verdict!.bodyBytes).toBe(maxBodyLength !== undefined);
  });

  it('with an RSA key published as a bare PKCS#1 RSAPublicKey (older records)', async () => {
    const signed = await signEmail(SAMPLE_EMAIL, rsa);
    const pkcs1 = createPublicKey(rsa.privateKey).export({ type: 'pkcs1', format: 'der' }).toString('base64');
    const [verdict] = await verifyDkim(bytes(signed), async () => ({ source: 'pinned', record: `v=DKIM1; k=rsa; p=${pkcs1}` }));
    expect(verdict!.status).toBe('pass');
  });

  it('each signature of an email with two (the platform and its mail provider) has its own verdict', async () => {
    const provider = ed25519Key();
    const twice = await signEmail(await signEmail(SAMPLE_EMAIL, rsa), provider, { domain: 'mailprovider.example', selector: 's1' });
    const verdicts = await verifyDkim(bytes(twice), async (domain) => ({ source: 'live', record: domain === 'outlier.example' ? rsa.record : provider.record }));
    expect(verdicts.map((v) => [v.domain, v.status])).toEqual([
      ['mailprovider.example', 'pass'],
      ['outlier.example', 'pass'],
    ]);
  });

  it('also when the mail client saved it with bare LF line ends', async () => {
    const signed = await signEmail(SAMPLE_EMAIL, rsa);
    const [verdict] = await verifyDkim(bytes(signed.replace(/\r\n/g, '\n')), pinned(rsa));
    expect(verdict!.status).toBe('pass');
  });

  it('lists headers present that the signature does not cover', async () => {
    const signed = await signEmail(SAMPLE_EMAIL, ed, { headerList: ['from', 'subject', 'date'] });
    const [verdict] = await verifyDkim(bytes(signed), pinned(ed));
    expect(verdict!.status).toBe('pass');
    expect(verdict!.unsignedHeaders).toEqual(expect.arrayContaining(['to', 'message-id', 'content-type']));
  });
});

describe('tampering fails with the reason', () => {
  const change = (signed: string, from: string, to: string) => {
    expect(signed).toContain(from);
    return signed.replace(from, to);
  };
  it.each([
    ['RSA', 'relaxed/relaxed'],
    ['RSA', 'simple/simple'],
    ['Ed25519', 'relaxed/relaxed'],
    ['Ed25519', 'simple/simple'],
  ] as const)('%s %s: one byte of a signed header, one byte of the body', async (kind, canonicalization) => {
    const key = kind === 'RSA' ? rsa : ed;
    const signed = await signEmail(SAMPLE_EMAIL, key, { canonicalization });
    const [header] = await verifyDkim(bytes(change(signed, 'Subject: Welcome', 'Subject: Welcomf')), pinned(key));
    expect(header).toMatchObject({ status: 'fail', failure: 'signature_mismatch' });
    const [body] = await verifyDkim(bytes(change(signed, '$45 per hour', '$95 per hour')), pinned(key));
    expect(body).toMatchObject({ status: 'fail', failure: 'body_hash_mismatch' });
  });

  it('a changed byte past l= is not covered, and says so', async () => {
    const signed = await signEmail(SAMPLE_EMAIL, rsa, { maxBodyLength: 10 });
    const [verdict] = await verifyDkim(bytes(change(signed, '$45 per hour', '$95 per hour')), pinned(rsa));
    expect(verdict!.status).toBe('pass');
    expect(verdict!.bodyBytesSigned).toBe(10);
    expect(verdict!.bodyBytes).toBeGreaterThan(10);
  });

  it('whitespace changes pass under relaxed and fail under simple', async () => {
    const relaxed = await signEmail(SAMPLE_EMAIL, rsa, { canonicalization: 'relaxed/relaxed' });
    const simple = await signEmail(SAMPLE_EMAIL, rsa, { canonicalization: 'simple/simple' });
    const respace = (s: string) => s.replace('Subject: Welcome to the project,  Sam', 'Subject:  Welcome to the project, Sam ').replace('$45 per hour.  Tasks', '$45 per hour. Tasks');
    expect((await verifyDkim(bytes(respace(relaxed)), pinned(rsa)))[0]!.status).toBe('pass');
    expect((await verifyDkim(bytes(respace(simple)), pinned(rsa)))[0]!.status).toBe('fail');
  });

  it('an unsigned From added above the signed one is caught', async () => {
    const signed = await signEmail(SAMPLE_EMAIL, ed);
    const forged = signed.replace('From: Outlier', 'From: Payroll <payroll@outlier.example>\r\nFrom: Outlier');
    expect((await verifyDkim(bytes(forged), pinned(ed)))[0]).toMatchObject({ status: 'fail', failure: 'unsigned_from_added' });
  });

  it('a From rewritten breaks the signature, and a signature that never covered From is refused', async () => {
    const signed = await signEmail(SAMPLE_EMAIL, ed);
    const rewritten = signed.replace('onboarding@outlier.example', 'onboarding@0utlier.example');
    expect((await verifyDkim(bytes(rewritten), pinned(ed)))[0]).toMatchObject({ status: 'fail', failure: 'signature_mismatch' });
    const noFrom = await signEmail(SAMPLE_EMAIL, ed);
    const stripped = noFrom.replace(/h=[^;]*;/, (h) => h.replace(/from:?/i, ''));
    expect((await verifyDkim(bytes(stripped), pinned(ed)))[0]).toMatchObject({ status: 'fail', failure: 'from_not_signed' });
  });

  it('the wrong key, a revoked key, a key of the other type, no key', async () => {
    const signed = await signEmail(SAMPLE_EMAIL, rsa);
    expect((await verifyDkim(bytes(signed), pinned(rsaKey())))[0]).toMatchObject({ failure: 'signature_mismatch' });
    expect((await verifyDkim(bytes(signed), async () => ({ source: 'live', record: 'v=DKIM1; k=rsa; p=' })))[0]).toMatchObject({ failure: 'key_revoked', keySource: 'live' });
    expect((await verifyDkim(bytes(signed), pinned(ed)))[0]).toMatchObject({ failure: 'key_type_mismatch' });
    expect((await verifyDkim(bytes(signed), async () => ({ source: 'unavailable' })))[0]).toMatchObject({ failure: 'key_unavailable', keySource: 'unavailable' });
    // A key restricted to other hashes or services is not used (RFC 6376 §3.6.1).
    expect((await verifyDkim(bytes(signed), async () => ({ source: 'live', record: `${rsa.record}; h=sha1` })))[0]).toMatchObject({ failure: 'key_type_mismatch' });
    expect((await verifyDkim(bytes(signed), async () => ({ source: 'live', record: `${rsa.record}; s=web` })))[0]).toMatchObject({ failure: 'key_type_mismatch' });
    expect((await verifyDkim(bytes(signed), async () => ({ source: 'live', record: `v=DKIM1; h=sha1:sha256; s=email; p=${rsa.record.split('p=')[1]}` })))[0]).toMatchObject({
      status: 'pass',
    });
  });

  it('an email without a signature gives no verdict; a malformed one says so', async () => {
    expect(await verifyDkim(bytes(SAMPLE_EMAIL), pinned(rsa))).toEqual([]);
    const broken = `DKIM-Signature: v=1; a=rsa-sha256; d=outlier.example\r\n${SAMPLE_EMAIL}`;
    expect((await verifyDkim(bytes(broken), pinned(rsa)))[0]).toMatchObject({ failure: 'malformed_signature' });
  });

  it('a signature by another domain verifies as that domain', async () => {
    const signed = await signEmail(SAMPLE_EMAIL, ed, { domain: 'mailer.example' });
    expect((await verifyDkim(bytes(signed), pinned(ed)))[0]).toMatchObject({ status: 'pass', domain: 'mailer.example' });
  });
});

describe('what the account keeps', () => {
  it('the half-year only', () => {
    expect(halfYearOf(Date.parse('2026-03-10T09:15:05Z') / 1000)).toBe('2026-H1');
    expect(halfYearOf(Date.parse('2026-07-01T00:00:00Z') / 1000)).toBe('2026-H2');
  });

  it('a keyed marker: the same for the same signature, unlike any unkeyed digest, different under another key', async () => {
    const signed = await signEmail(SAMPLE_EMAIL, rsa);
    const [verdict] = await verifyDkim(bytes(signed), pinned(rsa));
    const intakeKey = sodium.crypto_box_keypair().privateKey;
    const marker = duplicateMarker(sodium, intakeKey, verdict!.signature);
    expect(marker).toMatch(/^[0-9a-f]{64}$/);
    expect(duplicateMarker(sodium, intakeKey, verdict!.signature)).toBe(marker);
    expect(duplicateMarker(sodium, sodium.crypto_box_keypair().privateKey, verdict!.signature)).not.toBe(marker);
    const raw = Buffer.from(verdict!.signature, 'base64');
    const unkeyed = [
      createHash('sha256').update(raw).digest('hex'),
      createHash('sha256').update(verdict!.signature).digest('hex'),
      createHash('sha512').update(raw).digest('hex').slice(0, 64),
      Buffer.from(sodium.crypto_generichash(32, raw, null)).toString('hex'),
      Buffer.from(sodium.crypto_generichash(32, verdict!.signature, null)).toString('hex'),
      createHash('sha256').update(signed).digest('hex'),
    ];
    expect(unkeyed).not.toContain(marker);
  });
});

describe('canonical body (RFC 6376 §3.4.3–3.4.4)', () => {
  it('empty bodies and trailing lines', () => {
    expect(canonicalBody('', 'simple')).toBe('\r\n');
    expect(canonicalBody('', 'relaxed')).toBe('');
    expect(canonicalBody('a \t b \r\n\r\n\r\n', 'relaxed')).toBe('a b\r\n');
    expect(canonicalBody('a \t b \r\n\r\n', 'simple')).toBe('a \t b \r\n');
  });
});
