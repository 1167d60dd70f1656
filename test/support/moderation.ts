// Moderators for API tests: enrolled and logged in through the real endpoints, with the
// browser's cryptography done here in Node (libsodium sumo).
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database, ModeratorRole } from '../../server/db/schema.js';
import { loadSodiumSumo } from '../../common/protocol/sodium-sumo.js';
import { fromBase64, toBase64 } from '../../common/protocol/encoding.js';
import type { BoxKeyPair } from '../../common/protocol/envelope.js';
import { generateIntakeKeyPair } from '../../common/protocol/intake-key.js';
import { MODERATOR_SALT_BYTES, moderatorKeysFromSeed, passphraseSeed, randomBytes, signLogin, wrapIntakeSecretKey, type ModeratorKeys } from '../../common/protocol/moderator-keys.js';
import { passkeyWrappingKey, unwrapSeed, wrapSeed } from '../../common/protocol/passkey-prf.js';
import { solveLoginPuzzle } from '../../common/protocol/login-work.js';
import type { Sodium } from '../../common/protocol/sodium.js';
import { TEST_ORIGIN } from './app.js';
import { inviteModerator } from '../../server/moderation/team-service.js';
import type { LoginChallengeView, PasskeyOptionsView as PasskeyOptions } from '../../common/moderation/access-view.js';
import { SoftwarePasskey } from './passkey.js';

export interface Browserless {
  cookies: Record<string, string>;
  csrf: string;
}

export interface TestModerator extends Browserless {
  handle: string;
  id: string;
  keys: ModeratorKeys;
  passphrase: string;
}

const sumo = await loadSodiumSumo();
export const s = sumo as unknown as Sodium;

function collectCookies(response: LightMyRequestResponse, jar: Record<string, string>) {
  for (const cookie of response.cookies) {
    if (cookie.value === '' || (cookie.maxAge !== undefined && cookie.maxAge <= 0)) delete jar[cookie.name];
    else jar[cookie.name] = cookie.value;
  }
}

/** A fresh CSRF token and cookie, as a console page hands them out. */
export async function visit(app: FastifyInstance, jar: Record<string, string> = {}, loginPage = '/mod/login'): Promise<Browserless> {
  const page = await app.inject({ url: loginPage, cookies: jar });
  collectCookies(page, jar);
  const csrf = /name="csrf-token" content="([^"]+)"/.exec(page.body)?.[1];
  if (!csrf) throw new Error(`no CSRF token on ${loginPage}`);
  return { cookies: jar, csrf };
}

export async function call(
  app: FastifyInstance,
  who: Browserless,
  method: 'GET' | 'POST' | 'PUT',
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  const response = await app.inject({
    method,
    url,
    cookies: who.cookies,
    headers: { 'x-csrf-token': who.csrf, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
  collectCookies(response, who.cookies);
  return response;
}

const derived = new Map<string, Uint8Array>();
/** Argon2id of a passphrase and salt, once per test file: it is slow on purpose. */
function argonFor(passphrase: string, salt: Uint8Array): Uint8Array {
  const cacheKey = `${passphrase}\u0000${toBase64(s, salt)}`;
  let seed = derived.get(cacheKey);
  if (!seed) {
    seed = passphraseSeed(sumo, passphrase, salt);
    derived.set(cacheKey, seed);
  }
  return seed;
}

/** Each enrolled handle's software passkeys (the newest first), as the moderator's authenticators. */
const passkeys = new Map<string, SoftwarePasskey[]>();

export function passkeysOf(handle: string): SoftwarePasskey[] {
  return passkeys.get(handle) ?? [];
}

/** The origin an app's PUBLIC_ORIGIN is in these tests: startListeningTestApp's, or the default. */
function originOf(app: FastifyInstance): string {
  const address = app.server.address();
  return address && typeof address === 'object' ? `http://localhost:${address.port}` : TEST_ORIGIN;
}

/** A passkey registration as the enrolment and passkeys pages make it; with PRF, wrapping `seed`. */
export function registerPasskey(app: FastifyInstance, { options, prfSalt }: PasskeyOptions, prf?: { argon: Uint8Array; seed: Uint8Array }, origin = originOf(app)) {
  const passkey = new SoftwarePasskey(options.rp.id ?? new URL(origin).hostname, origin);
  const response = passkey.register(options);
  const wrappedSeed = prf && toBase64(s, wrapSeed(prf.seed, passkeyWrappingKey(sumo, prf.argon, passkey.prf(fromBase64(s, prfSalt)))));
  return { passkey, registration: { response, ...(wrappedSeed ? { wrappedSeed } : {}) } };
}

export async function enrolViaApi(
  app: FastifyInstance,
  db: Kysely<Database>,
  handle: string,
  role: ModeratorRole,
  options: { createIntakeKey?: boolean; passphrase?: string; prf?: boolean; invitationUrl?: string; area?: 'mod' | 'press' } = {},
): Promise<{ keys: ModeratorKeys; passphrase: string; intake?: BoxKeyPair; token: string; passkey: SoftwarePasskey }> {
  const passphrase = options.passphrase ?? `${handle} lantern orbit meadow`;
  // From an invitation an administrator made (its link), or one the operator makes now.
  const token = options.invitationUrl ? /\/(?:mod|press)\/enrol\/([^/?#\s]+)$/.exec(options.invitationUrl)![1]! : (await inviteModerator(db, { handle, role }, 'operator')).token;
  // A journalist enrols at the press desk (/press/api), a moderator at the console's.
  const area = options.area ?? 'mod';
  const salt = randomBytes(sumo, MODERATOR_SALT_BYTES);
  const argon = argonFor(passphrase, salt);
  // With PRF the seed is random and each passkey wraps it; without, Argon2id's output is the seed.
  const seed = options.prf ? randomBytes(sumo, 32) : argon;
  const keys = moderatorKeysFromSeed(sumo, seed);
  const who = await visit(app, {}, `/${area}/login`);
  const passkeyOptions = await call(app, who, 'POST', `/${area}/api/enrol/passkey-options`, { token });
  if (passkeyOptions.statusCode !== 200) throw new Error(`passkey options failed: ${passkeyOptions.body}`);
  const { passkey, registration } = registerPasskey(app, passkeyOptions.json() as PasskeyOptions, options.prf ? { argon, seed } : undefined);
  const body: Record<string, unknown> = {
    token,
    salt: toBase64(s, salt),
    signPublicKey: toBase64(s, keys.signKeyPair.publicKey),
    boxPublicKey: toBase64(s, keys.boxKeyPair.publicKey),
    passkey: registration,
  };
  let intake: BoxKeyPair | undefined;
  if (options.createIntakeKey) {
    intake = generateIntakeKeyPair(s);
    body.intakeKey = { publicKey: toBase64(s, intake.publicKey), wrappedSecretKey: toBase64(s, wrapIntakeSecretKey(sumo, intake.privateKey, keys.boxKeyPair.publicKey)) };
  }
  const response = await call(app, who, 'POST', `/${area}/api/enrol`, body);
  if (response.statusCode !== 201) throw new Error(`enrolment failed: ${response.body}`);
  passkeys.set(handle, [passkey]);
  return { keys, passphrase, token, passkey, ...(intake ? { intake } : {}) };
}

/**
 * A login challenge as the console asks for one: while challenges pile up (issue 25) the server
 * answers a puzzle first, which is solved here as the browser solves it.
 */
export async function requestLoginChallenge(app: FastifyInstance, who: Browserless, handle: string, area: 'mod' | 'press' = 'mod'): Promise<LoginChallengeView> {
  let work: { puzzle: string; nonce: string } | undefined;
  for (let round = 0; round < 12; round++) {
    const response = await call(app, who, 'POST', `/${area}/api/login/challenge`, { handle, ...(work ? { work } : {}) });
    if (response.statusCode === 200) return response.json() as LoginChallengeView;
    const { error } = response.json() as { error: { code: string; details?: { puzzle: string; bits: number } } };
    if (error.code !== 'login_work_needed' || !error.details) throw new Error(`login challenge refused: ${response.body}`);
    work = { puzzle: error.details.puzzle, nonce: toBase64(s, solveLoginPuzzle(s, fromBase64(s, error.details.puzzle), error.details.bits)) };
  }
  throw new Error('login challenge: the work asked kept rising');
}

/**
 * A login as the login page does it, up to the signature: the challenge, the passkey step with
 * `passkey` (by default the handle's newest; none when it has none, or when `null`), and the
 * signature over the challenge for `origin`. The passkey answers for the origin it was registered on.
 */
export async function signedLogin(
  app: FastifyInstance,
  who: Browserless,
  handle: string,
  passphrase: string,
  origin: string,
  passkey: SoftwarePasskey | null = passkeysOf(handle)[0] ?? null,
  area: 'mod' | 'press' = 'mod',
) {
  const { salt, challenge, prfSalt, passkey: options } = await requestLoginChallenge(app, who, handle, area);
  const argon = argonFor(passphrase, fromBase64(s, salt));
  let seed = argon;
  let passkeyStatus: number | undefined;
  if (passkey) {
    const step = await call(app, who, 'POST', `/${area}/api/login/passkey`, { handle, challenge, assertion: passkey.assert(options.challenge) });
    passkeyStatus = step.statusCode;
    const wrapped = step.statusCode === 200 ? (step.json() as { wrappedSeed: string | null }).wrappedSeed : null;
    if (wrapped) seed = unwrapSeed(fromBase64(s, wrapped), passkeyWrappingKey(sumo, argon, passkey.prf(fromBase64(s, prfSalt))));
  }
  const keys = moderatorKeysFromSeed(sumo, seed);
  const signature = signLogin(sumo, fromBase64(s, challenge), origin, keys.signKeyPair.privateKey);
  return { challenge, signature: toBase64(s, signature), keys, salt, passkeyStatus };
}

export async function logInViaApi(app: FastifyInstance, handle: string, passphrase: string, origin: string): Promise<TestModerator> {
  const who = await visit(app);
  const { challenge, signature, keys } = await signedLogin(app, who, handle, passphrase, origin);
  const response = await call(app, who, 'POST', '/mod/api/login', { handle, challenge, signature });
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.body}`);
  const fresh = await visit(app, who.cookies);
  // Not /mod/api/keys: a moderator still without a passkey has a session but may not open submissions.
  const row = await app.inject({ url: '/mod/api/passkeys', cookies: fresh.cookies });
  if (row.statusCode !== 200) throw new Error(`session not usable: ${row.body}`);
  const audit = (await app.inject({ url: '/mod/api/audit', cookies: fresh.cookies })).json() as { entries: { action: string; actor: { id: string; handle: string } | 'system' }[] };
  const id = audit.entries.map((e) => e.actor).find((a) => a !== 'system' && a.handle === handle);
  if (!id || id === 'system') throw new Error(`no audit entry by ${handle}`);
  return { ...fresh, handle, id: id.id, keys, passphrase };
}

/**
 * The usual team of an API test: an administrator who created the intake key and a moderator, both
 * logged in (as `handles` name them: publishing tests call them author and reviewer).
 */
export async function enrolAdminAndModerator(
  app: FastifyInstance,
  db: Kysely<Database>,
  origin: string,
  handles: { admin: string; mod: string } = { admin: 'admin', mod: 'mod' },
): Promise<{ admin: TestModerator; mod: TestModerator }> {
  await enrolViaApi(app, db, handles.admin, 'administrator', { createIntakeKey: true });
  const admin = await logInViaApi(app, handles.admin, `${handles.admin} lantern orbit meadow`, origin);
  await enrolViaApi(app, db, handles.mod, 'moderator');
  const mod = await logInViaApi(app, handles.mod, `${handles.mod} lantern orbit meadow`, origin);
  return { admin, mod };
}

/** The four-eyes pair of the publishing tests: author (administrator, intake key) and reviewer. */
export async function enrolAuthorAndReviewer(app: FastifyInstance, db: Kysely<Database>, origin: string): Promise<{ author: TestModerator; reviewer: TestModerator }> {
  const { admin, mod } = await enrolAdminAndModerator(app, db, origin, { admin: 'author', mod: 'reviewer' });
  return { author: admin, reviewer: mod };
}

/** A fresh passkey assertion (issue 26), as the console makes one before a sensitive change: on a challenge issued to this session. */
export async function freshAssertion(app: FastifyInstance, who: Browserless & { handle: string }, passkey: SoftwarePasskey | undefined = passkeysOf(who.handle)[0]) {
  const response = await call(app, who, 'POST', '/mod/api/assertions/options', {});
  if (response.statusCode !== 200) throw new Error(`assertion options failed: ${response.body}`);
  if (!passkey) throw new Error(`${who.handle} has no passkey`);
  return passkey.assert((response.json() as { challenge: string }).challenge);
}
