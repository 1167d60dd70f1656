// The press desk (/press, issue 32): journalists' enrolment and login (the moderators' machinery:
// passkey, keys made in the browser, only public keys stored; a cookie of its own, scoped to
// /press), their questions and private answers; and the source's side (/api/v1/press/…), which
// like every source route logs nothing per request.
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { Database } from '../db/schema.js';
import { serverSecret } from '../db/server-secret.js';
import { wantsJson } from '../error-handling.js';
import { SOURCE_ROUTE_LOG_LEVEL } from '../privacy/logging.js';
import { handleFailuresFor } from '../moderation/login-limits.js';
import { consoleOrigins, relyingPartyFor } from '../moderation/passkeys.js';
import { fromOwnSite, LOGOUT_CLEAR_SITE_DATA } from '../moderation/routes.js';
import * as moderationSchemas from '../moderation/schemas.js';
import { translate } from '../i18n/catalogue.js';
import { authenticate, issueLoginChallenge, loadLoginSecrets, logIn, logOutSession, verifyLoginPasskey } from '../moderation/session-service.js';
import { enrolModerator, enrolmentPasskeyOptions, openInvitation, type ModeratorIdentity } from '../moderation/team-service.js';
import { CodedError } from '../../common/errors.js';
import type { WebAuthnTypes } from '../../common/moderation/access-view.js';
import { askSchema, journalistQuestionsSchema, sourceAnswerSchema, sourceQuestionsSchema, QUESTION_MAX_CHARS } from '../../common/press/schemas.js';
import { JOURNALIST_ROLE, mayEnter } from '../../common/workflow.js';
import { answerQuestion, askQuestion, journalistQuestions, questionStatusWords, sourceQuestions } from './service.js';

/** Login and enrolment bodies carry WebAuthn objects: @simplewebauthn's types, as on the console's routes. */
type PressTypeProvider = JsonSchemaToTsProvider<{ ValidatorSchemaOptions: WebAuthnTypes; SerializerSchemaOptions: WebAuthnTypes }>;

export const PRESS_SESSION_COOKIE = 'offscript_press_session';
const PRESS_CSRF_COOKIE = 'offscript_press_csrf';

export interface PressRoutesOptions {
  db: Kysely<Database>;
  config: Config;
  redis?: Redis | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    journalist: ModeratorIdentity | null;
  }
}

export async function pressRoutes(app: FastifyInstance, { db, config, redis }: PressRoutesOptions): Promise<void> {
  const secure = config.publicOrigin.startsWith('https:');
  // Its own cookie secret and CSRF cookie, scoped to /press: a console session never reaches here, nor this one the console.
  await app.register(fastifyCookie, { secret: Buffer.from(await serverSecret(db, 'press-cookie-signing')) });
  await app.register(fastifyCsrf, {
    cookieKey: PRESS_CSRF_COOKIE,
    cookieOpts: { path: '/press', sameSite: 'strict', httpOnly: true, secure, signed: true },
    getToken: (request) => request.headers['x-csrf-token'] as string | undefined,
  });
  app.decorateRequest('journalist', null);
  const loginSecrets = await loadLoginSecrets(db);
  const handleFailures = handleFailuresFor(redis);
  const ownOrigins = consoleOrigins(config);
  const rpOf = (request: FastifyRequest) => relyingPartyFor(config, request.headers.host);

  const checkCsrf = (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    if (['GET', 'HEAD', 'OPTIONS'].includes(request.method)) return done();
    if (!fromOwnSite(request.headers, ownOrigins)) return done(new CodedError('cross_site_request'));
    return app.csrfProtection(request, reply, done);
  };

  const page = (reply: FastifyReply, view: string, data: Record<string, unknown>) =>
    reply.view(`pages/press/${view}`, { language: reply.request.language, csrfToken: reply.generateCsrf(), moderatorArea: true, ...data });

  // Open: enrolment from an administrator's invitation, and login.
  await app.register(async (plainOpen) => {
    const open = plainOpen.withTypeProvider<PressTypeProvider>();
    open.addHook('preHandler', checkCsrf);
    /** Only a press invitation enrols here; a moderator's link goes to /mod/enrol. */
    const pressInvitation = async (token: string) => {
      const invitation = await openInvitation(db, token);
      if (invitation.role !== JOURNALIST_ROLE) throw new CodedError('press_desk_journalists_only');
      return invitation;
    };
    open.get('/press/login', async (request, reply) => page(reply, 'login', { title: translate(request.language, 'press:titles.login'), script: 'press/login.js', page: 'press-login' }));
    open.get('/press/enrol/:token', { schema: moderationSchemas.enrolPageSchema }, async (request, reply) => {
      const invitation = await pressInvitation(request.params.token);
      // The moderators' enrolment bundle, pointed at /press/api: the same keys, passkey and wrapping.
      return page(reply, 'enrol', { title: translate(request.language, 'press:titles.enrol'), script: 'moderation/enrol.js', page: 'mod-enrol', invitation, token: request.params.token });
    });
    open.post('/press/api/enrol/passkey-options', { schema: moderationSchemas.enrolPasskeyOptionsSchema }, async (request) => {
      await pressInvitation(request.body.token);
      return enrolmentPasskeyOptions(db, request.body.token, rpOf(request));
    });
    open.post('/press/api/enrol', { schema: moderationSchemas.enrolSchema }, async (request, reply) => {
      const { token, passkey, ...enrolment } = request.body;
      await pressInvitation(token);
      if (enrolment.intakeKey) throw new CodedError('journalists_hold_no_keys');
      return reply.code(201).send(await enrolModerator(db, token, enrolment, { rp: rpOf(request), registration: passkey }));
    });
    open.post('/press/api/login/challenge', { schema: moderationSchemas.challengeSchema }, async (request) =>
      issueLoginChallenge(db, loginSecrets, request.body.handle, rpOf(request), request.body.work),
    );
    open.post('/press/api/login/passkey', { schema: moderationSchemas.loginPasskeySchema }, async (request) =>
      verifyLoginPasskey(db, loginSecrets, handleFailures, request.body, rpOf(request)),
    );
    open.post('/press/api/login', { schema: moderationSchemas.loginSchema }, async (request, reply) => {
      const { sessionId, moderator, passkeyNeeded } = await logIn(db, loginSecrets, handleFailures, request.body, rpOf(request).origin);
      if (!mayEnter(moderator.role, 'press')) {
        await logOutSession(db, sessionId);
        throw new CodedError('press_desk_journalists_only');
      }
      reply.setCookie(PRESS_SESSION_COOKIE, sessionId, { path: '/press', httpOnly: true, sameSite: 'strict', secure, maxAge: 12 * 3600 });
      delete request.cookies[PRESS_CSRF_COOKIE];
      return { handle: moderator.handle, role: moderator.role, passkeyNeeded, csrfToken: reply.generateCsrf() };
    });
  });

  // A journalist's session: the press desk only (common/workflow.ts mayEnter).
  await app.register(async (plainSession) => {
    const session = plainSession.withTypeProvider<JsonSchemaToTsProvider>();
    session.addHook('onRequest', async (request, reply) => {
      const sessionId = request.cookies[PRESS_SESSION_COOKIE];
      const who = (sessionId && (await authenticate(db, sessionId))) || null;
      if (who && !mayEnter(who.role, 'press')) throw new CodedError('press_desk_journalists_only');
      request.journalist = who;
      if (who) return;
      if (wantsJson(request)) throw new CodedError('not_logged_in');
      return reply.redirect('/press/login');
    });
    session.addHook('preHandler', checkCsrf);
    const me = (request: FastifyRequest): ModeratorIdentity => request.journalist!;

    session.get('/press', async (request, reply) =>
      page(reply, 'desk', {
        title: translate(request.language, 'press:titles.desk'),
        script: 'press/desk.js',
        page: 'press-desk',
        journalist: me(request),
        questionMaxChars: QUESTION_MAX_CHARS,
        statusWordsJson: questionStatusWords(request.language),
      }),
    );
    session.get('/press/api/questions', { schema: journalistQuestionsSchema }, async (request) => ({ questions: await journalistQuestions(db, me(request).id) }));
    session.post('/press/api/questions', { schema: askSchema, config: { rateLimit: {} } }, async (request, reply) => reply.code(201).send(await askQuestion(db, me(request), request.body)));
    session.post('/press/api/logout', { schema: moderationSchemas.emptyBodySchema }, async (request, reply) => {
      await logOutSession(db, request.cookies[PRESS_SESSION_COOKIE]);
      reply.clearCookie(PRESS_SESSION_COOKIE, { path: '/press' });
      reply.header('clear-site-data', LOGOUT_CLEAR_SITE_DATA);
      return { ok: true };
    });
  });

  // The source's side: the receipt's token and tag in a JSON body, never in a URL; nothing logged.
  await app.register(async (plainApi) => {
    const api = plainApi.withTypeProvider<JsonSchemaToTsProvider>();
    api.removeAllContentTypeParsers();
    api.addContentTypeParser('application/json', { parseAs: 'string' }, api.getDefaultJsonParser('error', 'error'));
    const quiet = { logLevel: SOURCE_ROUTE_LOG_LEVEL, config: { rateLimit: {} } } as const;
    api.post('/api/v1/press/questions', { ...quiet, schema: sourceQuestionsSchema }, async (request) => ({ questions: await sourceQuestions(db, request.body) }));
    api.post('/api/v1/press/answers', { ...quiet, schema: sourceAnswerSchema }, async (request) => answerQuestion(db, request.body));
  });
}
