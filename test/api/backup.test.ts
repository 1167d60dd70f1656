// Issue 23 acceptance 2 (docs/threat-model-storage.md): a backup is a logical dump of live rows,
// sealed to the operator's key; restored into a fresh database (a new DATA_DIR on PGlite, a new
// database on Postgres), every acknowledged submission opens with a moderator's key again.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CodedError } from '../../common/errors.js';
import { generateBackupKeyPair, openBackup } from '../../common/protocol/backup.js';
import { fromBase64 } from '../../common/protocol/encoding.js';
import { openAccount, type BoxKeyPair } from '../../common/protocol/envelope.js';
import { unwrapIntakeKeyPair } from '../../common/protocol/moderator-keys.js';
import { loadSodium } from '../../common/protocol/sodium.js';
import { loadSodiumSumo } from '../../common/protocol/sodium-sumo.js';
import { restoreSealedBackup, sealedBackup } from '../../server/db/backup.js';
import { openDatabase } from '../../server/db/database.js';
import { currentIntakeKey } from '../../server/intake/service.js';
import { startTestApp, startTestAppOn, type TestApp } from '../support/app.js';
import { openTestDatabase, testDatabaseUrl, type TestDatabase } from '../support/database.js';
import { postJson, submitAsSource, type TestSource } from '../support/followup.js';
import { call, enrolViaApi, logInViaApi } from '../support/moderation.js';
import { sampleAccount } from '../support/intake.js';

const ORIGIN = 'http://127.0.0.1:3000';
const sodium = await loadSodium();
const sumo = await loadSodiumSumo();
let t: TestApp;
let restored: TestApp | undefined;
let dataDir: string | undefined;

beforeAll(async () => {
  t = await startTestApp({ PUBLIC_ORIGIN: ORIGIN });
  await enrolViaApi(t.app, t.database.db, 'ada', 'administrator', { createIntakeKey: true });
});
afterAll(async () => {
  await restored?.close();
  await t?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** A fresh, empty database of the kind under test: a new DATA_DIR, or a new Postgres database. */
async function freshDatabase(): Promise<TestDatabase> {
  if (testDatabaseUrl) return openTestDatabase();
  dataDir = await mkdtemp(path.join(tmpdir(), 'offscript-restore-'));
  const { db, kind } = await openDatabase({ dataDir, databaseUrl: undefined });
  return { db, kind, url: undefined, close: () => db.destroy() };
}

describe(`npm run backup / npm run restore (${testDatabaseUrl ? 'Postgres' : 'PGlite'})`, () => {
  it("restores into a fresh database where every acknowledged submission opens with a moderator's key; the file holds no dead row", async () => {
    const key = (await currentIntakeKey(t.database.db))!;
    const sources: TestSource[] = [];
    for (let i = 0; i < 3; i++) sources.push(await submitAsSource(t.app, t.database.db, key, sampleAccount({ narrative: `Backed-up account ${i}` })));
    const withdrawn = await submitAsSource(t.app, t.database.db, key, sampleAccount({ narrative: 'Withdrawn before the backup' }));
    const withdrawnEnvelope = (await t.database.db.selectFrom('submissions').select('envelope').where('id', '=', withdrawn.submissionId).executeTakeFirstOrThrow()).envelope!;
    expect((await postJson(t.app, '/api/v1/withdraw', { lookupToken: withdrawn.lookupToken })).statusCode).toBe(200);

    const operator = generateBackupKeyPair(sodium);
    const backup = await sealedBackup(t.database.db, operator.publicKey);
    // Sealed: no clear text of the dump, and only the operator's key opens it.
    expect(Buffer.from(backup).includes(Buffer.from('"moderators"'))).toBe(false);
    const other: BoxKeyPair = generateBackupKeyPair(sodium);
    expect(() => openBackup(sodium, backup, other)).toThrow(CodedError);
    const altered = new Uint8Array(backup);
    altered[altered.length - 5]! ^= 1;
    expect(() => openBackup(sodium, altered, operator)).toThrow(CodedError);
    // A logical dump: live rows only. The withdrawn envelope, deleted before, is in no form.
    const dump = Buffer.from(openBackup(sodium, backup, operator));
    expect(dump.subarray(0, 40).toString()).toContain('offscript-logical-dump');
    expect(dump.includes(Buffer.from(withdrawnEnvelope).toString('hex').slice(200, 296))).toBe(false);
    expect(dump.includes(Buffer.from(withdrawnEnvelope).subarray(100, 148))).toBe(false);

    const fresh = await freshDatabase();
    await restoreSealedBackup(fresh.db, backup, operator);
    // A second restore into a database that now holds data is refused.
    await expect(restoreSealedBackup(fresh.db, backup, operator)).rejects.toMatchObject({ code: 'restore_target_not_empty' });
    if (dataDir) {
      // The restored DATA_DIR is the new database's own: no lock inherited, and it opens again after closing.
      await fresh.close();
      expect((await readdir(dataDir)).filter((f) => f.includes('lock'))).toEqual([]);
      const reopened = await openDatabase({ dataDir, databaseUrl: undefined });
      restored = await startTestAppOn({ db: reopened.db, kind: reopened.kind, url: undefined, close: () => reopened.db.destroy() }, { PUBLIC_ORIGIN: ORIGIN });
    } else {
      restored = await startTestAppOn(fresh, { PUBLIC_ORIGIN: ORIGIN });
    }

    // The moderator logs in to the restored service with the same passphrase and opens every account.
    const ada = await logInViaApi(restored.app, 'ada', 'ada lantern orbit meadow', ORIGIN);
    const { keys } = (await call(restored.app, ada, 'GET', '/mod/api/keys')).json<{ keys: { intakeKeyId: string; wrappedSecretKey: string }[] }>();
    const ring = new Map(keys.map((k) => [k.intakeKeyId, unwrapIntakeKeyPair(sumo, fromBase64(sodium, k.wrappedSecretKey), ada.keys.boxKeyPair)]));
    for (const [i, source] of sources.entries()) {
      const view = (await call(restored.app, ada, 'GET', `/mod/api/submissions/${source.submissionId}`)).json<{ intakeKeyId: string; envelope: string }>();
      expect(openAccount(sodium, fromBase64(sodium, view.envelope), ring.get(view.intakeKeyId)!)).toMatchObject({ narrative: `Backed-up account ${i}` });
      // The source's words still lead to the account.
      expect((await postJson(restored.app, '/api/v1/status', { lookupToken: source.lookupToken })).statusCode).toBe(200);
    }
    expect((await postJson(restored.app, '/api/v1/status', { lookupToken: withdrawn.lookupToken })).statusCode).toBe(404);
  }, 120_000);
});
