// Journalists for tests (issue 32): invited by an administrator through the console's API, enrolled
// and logged in at the press desk's API, with the browser's cryptography done here in Node.
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../server/db/schema.js';
import { call, enrolViaApi, signedLogin, visit, type TestModerator } from './moderation.js';

export async function inviteJournalist(app: FastifyInstance, admin: TestModerator, journalist: { handle: string; name: string; outlet: string }): Promise<string> {
  const response = await call(app, admin, 'POST', '/mod/api/press/invitations', journalist);
  if (response.statusCode !== 201) throw new Error(`press invitation failed: ${response.body}`);
  return (response.json() as { url: string }).url;
}

/** An administrator invites, the journalist enrols and logs in at /press: a session of the press desk and their keys. */
export async function journalistViaApi(
  app: FastifyInstance,
  db: Kysely<Database>,
  admin: TestModerator,
  journalist: { handle: string; name: string; outlet: string },
  origin: string,
): Promise<TestModerator> {
  const invitationUrl = await inviteJournalist(app, admin, journalist);
  const passphrase = `${journalist.handle} lantern orbit meadow`;
  await enrolViaApi(app, db, journalist.handle, 'moderator', { invitationUrl, passphrase, prf: true, area: 'press' });
  const who = await visit(app, {}, '/press/login');
  const { challenge, signature, keys } = await signedLogin(app, who, journalist.handle, passphrase, origin, undefined, 'press');
  const response = await call(app, who, 'POST', '/press/api/login', { handle: journalist.handle, challenge, signature });
  if (response.statusCode !== 200) throw new Error(`press login failed: ${response.body}`);
  const fresh = await visit(app, who.cookies, '/press/login');
  const row = await db.selectFrom('moderators').select('id').where('handle', '=', journalist.handle).executeTakeFirstOrThrow();
  return { ...fresh, handle: journalist.handle, id: row.id, keys, passphrase };
}
