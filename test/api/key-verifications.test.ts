// The server side of fingerprint pinning: it stores an administrator's verification only when the
// signature covers the moderator's current keys, lists them for browsers, and lets no one else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSodiumSumo } from '../../common/protocol/sodium-sumo.js';
import { toBase64 } from '../../common/protocol/encoding.js';
import { signVerification } from '../../common/protocol/key-verification.js';
import { startTestApp, type TestApp, TEST_ORIGIN as ORIGIN } from '../support/app.js';
import { call, enrolAdminAndModerator, s, type TestModerator } from '../support/moderation.js';

let t: TestApp;
let admin: TestModerator;
let mod: TestModerator;
const sodium = await loadSodiumSumo();

beforeAll(async () => {
  t = await startTestApp({ PUBLIC_ORIGIN: ORIGIN });
  ({ admin, mod } = await enrolAdminAndModerator(t.app, t.database.db, ORIGIN));
});
afterAll(async () => t?.close());

const keysOf = (who: TestModerator) => ({ boxPublicKey: who.keys.boxKeyPair.publicKey, signPublicKey: who.keys.signKeyPair.publicKey });

describe('key verifications', () => {
  it('are stored when they cover the current keys, listed with the team, and audited', async () => {
    const signature = toBase64(s, signVerification(sodium, mod.id, keysOf(mod), admin.keys.signKeyPair.privateKey));
    const stored = await call(t.app, admin, 'POST', `/mod/api/team/${mod.id}/verification`, { signature });
    expect(stored.statusCode, stored.body).toBe(200);
    const team = (await call(t.app, admin, 'GET', '/mod/api/team')).json() as { verifications: unknown[]; members: { handle: string; signPublicKey: string }[] };
    expect(team.verifications).toEqual([{ verifierId: admin.id, subjectId: mod.id, signature }]);
    expect(team.members.find((m) => m.handle === 'mod')?.signPublicKey).toBe(toBase64(s, mod.keys.signKeyPair.publicKey));
    const audit = (await call(t.app, admin, 'GET', '/mod/api/audit')).json() as { entries: { action: string }[] };
    expect(audit.entries.map((e) => e.action)).toContain('moderator.key_verified');
  });

  it('are refused (400) over other keys or another subject, and changes nothing', async () => {
    const before = await t.database.db.selectFrom('key_verifications').selectAll().execute();
    const stranger = { boxPublicKey: sodium.crypto_box_keypair().publicKey, signPublicKey: mod.keys.signKeyPair.publicKey };
    for (const signature of [
      signVerification(sodium, mod.id, stranger, admin.keys.signKeyPair.privateKey),
      signVerification(sodium, admin.id, keysOf(mod), admin.keys.signKeyPair.privateKey),
      signVerification(sodium, mod.id, keysOf(mod), mod.keys.signKeyPair.privateKey),
    ]) {
      const response = await call(t.app, admin, 'POST', `/mod/api/team/${mod.id}/verification`, { signature: toBase64(s, signature) });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ error: { code: 'bad_verification' } });
    }
    expect(await t.database.db.selectFrom('key_verifications').selectAll().execute()).toEqual(before);
  });

  it('are for administrators only', async () => {
    const signature = toBase64(s, signVerification(sodium, admin.id, keysOf(admin), mod.keys.signKeyPair.privateKey));
    expect((await call(t.app, mod, 'POST', `/mod/api/team/${admin.id}/verification`, { signature })).statusCode).toBe(403);
  });
});
