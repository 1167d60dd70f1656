// The moderation console: /mod pages (server-rendered shells; crypto in the browser bundle)
// and /mod/api JSON. Login and enrolment are open; everything else needs a session, and
// team actions need an administrator. Every state-changing request carries a CSRF token.
import { moderatorAttachmentRoutes } from '../attachments/routes.js';
import { administratorEvidenceRoutes, moderatorEvidenceRoutes } from '../evidence/routes.js';
import { evidenceWords } from '../evidence/words.js';
import { systemTxtResolver, type TxtResolver } from '../evidence/dkim-keys.js';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { Database } from '../db/schema.js';
import { CodedError } from '../../common/errors.js';
import { wantsJson } from '../error-handling.js';
import { BACKGROUND_REQUEST_HEADER } from '../../common/moderation/background-request.js';
import {
  attributionLabels,
  documentKinds,
  verificationTiers,
  claimFilters,
  conditionAnswers,
  conditions,
  consents,
  defaultAttributionFor,
  factQuestions,
  hoursBands,
  payBands,
  platforms,
  moderatorRoles,
  roles,
  taskTypes,
} from '../../common/vocabulary.js';
import { mayEnter, storyReviewRefusal, storyRevisionRefusal } from '../../common/workflow.js';
import { pressModerationRoutes } from '../press/moderation-routes.js';
import { describeAuditEntry, listAuditEntries, verifyAuditChainFromCheckpoint } from '../audit/log.js';
import { previewPublication } from './publication-preview.js';
import {
  askSource,
  acceptSubmission,
  claimSubmission,
  listQueue,
  openSubmission,
  queueCounts,
  rejectSubmission,
  releaseClaim,
  validateAttributionLabel,
  validateFacets,
} from './queue-service.js';
import { purgeSchedule } from './retention.js';
import * as schemas from './schemas.js';
import { serverSecret } from '../db/server-secret.js';
import { handleFailuresFor } from './login-limits.js';
import { refusedLoginSummary } from './refused-logins.js';
import type { Redis } from 'ioredis';
import { consoleOrigins, PASSKEY_REQUIRED, passkeyStanding, relyingPartyFor } from './passkeys.js';
import { authenticate, type SessionModerator, issueLoginChallenge, loadLoginSecrets, logIn, logOutSession, verifyLoginPasskey } from './session-service.js';
import { issueAssertionChallenge, requireFreshAssertion, type FreshAssertion } from './fresh-assertion.js';
import { teamNewsFor } from './team-news.js';
import { addPasskeyByOriginLink, makeOriginLink, openOriginLink, originLinkPasskeyOptions } from './origin-links.js';
import { auditLabelsIn, CONSOLE_LANGUAGES, consoleLabel, consoleScriptWords, consoleLanguageOf, saveConsoleLanguage, type ConsoleVocabulary } from './console-language.js';
import { translate } from '../i18n/catalogue.js';
import { decideTeamChange, listProposals, proposeOrApply, type TeamChangeOutcome, type TeamChangeRequest } from './team-changes.js';
import { approveStory, getStory, listStories, returnStory, reviseStory, storyPublicationPreview } from './stories-service.js';
import type { WebAuthnTypes } from '../../common/moderation/access-view.js';
import { queueRowWords } from '../../common/moderation/queue-view.js';
import {
  addPasskey,
  addPasskeyOptions,
  administratorEnrolled,
  confirmInvitation,
  currentKeyHolders,
  invitationsToConfirm,
  currentWatchList,
  enrolModerator,
  enrolmentPasskeyOptions,
  listKeyVerifications,
  listPasskeys,
  listTeam,
  openInvitation,
  recordKeyVerification,
  removePasskey,
  saveWatchList,
  wrappedKeysFor,
  type ModeratorIdentity,
} from './team-service.js';

declare module 'fastify' {
  interface FastifyRequest {
    moderator: SessionModerator | null;
  }
}

export const SESSION_COOKIE = 'offscript_session';
/** What a logout clears in the browser: its cached pages, its cookies, and every tab's stored keys. */
export const LOGOUT_CLEAR_SITE_DATA = '"cache", "cookies", "storage"';
export const CSRF_COOKIE = 'offscript_csrf';

/** The moderator pages that run code, each its own bundle (MODERATION_PAGES in scripts/build.mjs). */
const MODERATION_PAGES_WITH_CODE = new Set(['login', 'enrol', 'queue', 'submission', 'team', 'story', 'stories', 'audit', 'passkeys', 'passkey-link']);

/** Every moderation route infers its params, query, body and reply from its schema; WebAuthn objects get @simplewebauthn's types. */
type ModerationTypeProvider = JsonSchemaToTsProvider<{ ValidatorSchemaOptions: WebAuthnTypes; SerializerSchemaOptions: WebAuthnTypes }>;

export interface ModerationRoutesOptions {
  db: Kysely<Database>;
  config: Config;
  /** The Redis shared by every instance (REDIS_URL): handles' login failures are counted there. */
  redis?: Redis | undefined;
  /** DNS TXT lookups for DKIM keys (server/evidence/dkim-keys.ts); the system resolver when absent. */
  resolveTxt?: TxtResolver | undefined;
}

const vocabularies = {
  roles: roles.terms,
  platforms: platforms.terms,
  taskTypes: taskTypes.terms,
  payBands: payBands.terms,
  hoursBands: hoursBands.terms,
  conditions: conditions.terms,
  conditionAnswers: conditionAnswers.terms,
  consents: consents.terms,
  attributionLabels: attributionLabels.terms,
  verificationTier: verificationTiers.labelOf('documents_seen'),
  documentKinds: documentKinds.terms,
  // Account versions 2 and 3: one select per question (marked with the version that first asked it), generated from the one definition.
  factQuestions: factQuestions.map((q) => ({ key: q.key, since: q.since, label: q.label, answers: q.answers.terms })),
};

/**
 * Whether a state-changing request says it comes from our own pages. Sec-Fetch-Site, where sent,
 * decides; Origin must be one of ours (the public origin, the onion origin) when it is a real origin. Under our Referrer-Policy: no-referrer a
 * browser sends "Origin: null" even for our own POSTs, so null counts only with Sec-Fetch-Site.
 * A client that sends neither (no browser) still needs the CSRF token.
 */
export function fromOwnSite(headers: FastifyRequest['headers'], ownOrigins: string | readonly string[]): boolean {
  const site = headers['sec-fetch-site'];
  const origin = headers.origin;
  if (site !== undefined && site !== 'same-origin') return false;
  if (origin === undefined) return true;
  if (origin === 'null') return site === 'same-origin';
  return typeof ownOrigins === 'string' ? origin === ownOrigins : ownOrigins.includes(origin);
}

export async function moderationRoutes(app: FastifyInstance, { db, config, redis, resolveTxt }: ModerationRoutesOptions): Promise<void> {
  const secure = config.publicOrigin.startsWith('https:');
  await app.register(fastifyCookie, { secret: Buffer.from(await serverSecret(db, 'cookie-signing')) });
  await app.register(fastifyCsrf, {
    cookieKey: CSRF_COOKIE,
    cookieOpts: { path: '/mod', sameSite: 'strict', httpOnly: true, secure, signed: true },
    getToken: (request) => (request.headers['x-csrf-token'] as string | undefined) ?? (request.body as { _csrf?: string } | undefined)?._csrf,
  });
  app.decorateRequest('moderator', null);

  const loginSecrets = await loadLoginSecrets(db);
  const handleFailures = handleFailuresFor(redis);
  const ownOrigins = consoleOrigins(config);

  const safeMethod = (request: FastifyRequest) => ['GET', 'HEAD', 'OPTIONS'].includes(request.method);
  // CSRF runs in preHandler, after the rate limit (onRequest) and after the session check. A
  // browser says where a request comes from: another site is refused even with a stolen token.
  const checkCsrf = (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    if (safeMethod(request)) return done();
    if (!fromOwnSite(request.headers, ownOrigins)) {
      return done(new CodedError('cross_site_request'));
    }
    return app.csrfProtection(request, reply, done);
  };

  const rpOf = (request: FastifyRequest) => relyingPartyFor(config, request.headers.host);
  const standingOf = (moderatorId: string) => passkeyStanding(db, moderatorId, config.passkeyGraceDays);

  const page = async (reply: FastifyReply, view: string, data: Record<string, unknown>) => {
    const moderator = reply.request.moderator;
    // Every console page says plainly when keys rest on the passphrase alone, or a passkey is missing.
    const standing = moderator ? await standingOf(moderator.id) : undefined;
    const language = reply.request.language;
    return reply.view(`pages/mod/${view}`, {
      language,
      title: translate(language, `moderation:titles.${view}`),
      consoleLanguages: CONSOLE_LANGUAGES,
      consoleWords: consoleScriptWords(language),
      chosenLanguage: moderator?.consoleLanguage ?? '',
      script: MODERATION_PAGES_WITH_CODE.has(view) ? `moderation/${view}.js` : undefined,
      page: `mod-${view}`,
      moderatorArea: true,
      csrfToken: reply.generateCsrf(),
      moderator,
      isAdministrator: moderator?.role === 'administrator',
      passkeyMissing: standing?.passkeys === 0,
      passkeyGrace: standing?.passkeys === 0 && standing.mayOpenSubmissions,
      keysOnPassphraseAlone: standing !== undefined && standing.passkeys > 0 && !standing.keysBoundToPasskey,
      teamNews: moderator ? await teamNewsFor(db, reply.request.cookies[SESSION_COOKIE]!, moderator, auditLabelsIn(language)) : [],
      ...data,
    });
  };

  const setSessionCookie = (reply: FastifyReply, sessionId: string) =>
    reply.setCookie(SESSION_COOKIE, sessionId, { path: '/mod', httpOnly: true, sameSite: 'strict', secure, maxAge: 12 * 3600 });

  // Open to everyone: login and enrolment.
  await app.register(async (plainOpen) => {
    const open = plainOpen.withTypeProvider<ModerationTypeProvider>();
    // Before a session: ?lang= or the browser's languages.
    open.addHook('onRequest', async (request) => {
      request.language = consoleLanguageOf(request);
    });
    open.addHook('preHandler', checkCsrf);

    open.get('/mod/login', async (_request, reply) => page(reply, 'login', { awaitingAdministrator: !(await administratorEnrolled(db)) }));

    open.get('/mod/enrol/:token', { schema: schemas.enrolPageSchema }, async (request, reply) => {
      const invitation = await openInvitation(db, request.params.token);
      // A journalist's invitation enrols at the press desk (issue 32).
      if (!mayEnter(invitation.role, 'console')) return reply.redirect(`/press/enrol/${encodeURIComponent(request.params.token)}`);
      return page(reply, 'enrol', { invitation, token: request.params.token });
    });

    open.post('/mod/api/enrol/passkey-options', { schema: schemas.enrolPasskeyOptionsSchema }, async (request) => enrolmentPasskeyOptions(db, request.body.token, rpOf(request)));

    open.post('/mod/api/enrol', { schema: schemas.enrolSchema }, async (request, reply) => {
      const { token, passkey, ...enrolment } = request.body;
      return reply.code(201).send(await enrolModerator(db, token, enrolment, { rp: rpOf(request), registration: passkey }));
    });

    // A passkey at this origin from a one-time link made at another (issue 25, origin-links.ts).
    open.get('/mod/passkeys/link/:token', { schema: schemas.enrolPageSchema }, async (request, reply) => {
      const { handle } = await openOriginLink(db, request.params.token, rpOf(request));
      return page(reply, 'passkey-link', { title: translate(request.language, 'onion:link.title'), handle, site: rpOf(request).id, language: request.language });
    });
    open.post('/mod/api/passkeys/link/options', { schema: schemas.originLinkOptionsSchema }, async (request) => originLinkPasskeyOptions(db, request.body.token, rpOf(request)));
    open.post('/mod/api/passkeys/link', { schema: schemas.originLinkPasskeySchema }, async (request, reply) => {
      const { token, ...registration } = request.body;
      return reply.code(201).send(await addPasskeyByOriginLink(db, token, rpOf(request), registration));
    });

    // No limit per client address on the login steps (DESIGN §7): behind a proxy or an onion every
    // client shares one, and a stranger's junk would lock the moderators out. Junk that fails the
    // CSRF, origin or schema check costs one cheap refusal; each challenge serves one attempt; only
    // wrong answers on challenges issued for a handle count, per handle, in the services.
    open.post('/mod/api/login/challenge', { schema: schemas.challengeSchema }, async (request) =>
      issueLoginChallenge(db, loginSecrets, request.body.handle, rpOf(request), request.body.work),
    );

    open.post('/mod/api/login/passkey', { schema: schemas.loginPasskeySchema }, async (request) => verifyLoginPasskey(db, loginSecrets, handleFailures, request.body, rpOf(request)));

    open.post('/mod/api/login', { schema: schemas.loginSchema }, async (request, reply) => {
      const { sessionId, moderator, passkeyNeeded } = await logIn(db, loginSecrets, handleFailures, request.body, rpOf(request).origin);
      setSessionCookie(reply, sessionId);
      // A new CSRF secret with the new session (issue 26): a token seen before login is worth nothing after it.
      delete request.cookies[CSRF_COOKIE];
      const csrfToken = reply.generateCsrf();
      return { handle: moderator.handle, role: moderator.role, passkeyNeeded, csrfToken };
    });
  });

  /** Ends the session behind the cookie, if it is still live, and clears this browser either way. */
  const endSession = async (request: FastifyRequest, reply: FastifyReply) => {
    await logOutSession(db, request.cookies[SESSION_COOKIE]);
    reply.clearCookie(SESSION_COOKIE, { path: '/mod' });
    // Also wipes the unwrapped keys this browser kept in sessionStorage, in every tab.
    reply.header('clear-site-data', LOGOUT_CLEAR_SITE_DATA);
  };

  // The navigation's Log out form: open to a session that has already ended too, so that the
  // button always clears this browser. It posts form-encoded (it works without JavaScript): the
  // parser lives in this scope only, and the CSRF token it carries is checked like every other.
  await app.register(async (plainLogout) => {
    const logout = plainLogout.withTypeProvider<ModerationTypeProvider>();
    await logout.register(formbody);
    logout.addHook('preHandler', checkCsrf);
    logout.post('/mod/logout', { schema: schemas.logoutFormSchema }, async (request, reply) => {
      await endSession(request, reply);
      return reply.redirect('/mod/login', 303);
    });
  });

  // Everything else needs a live session.
  await app.register(async (plainSession) => {
    const session = plainSession.withTypeProvider<ModerationTypeProvider>();
    // onRequest: a request without a session is turned away before its body is even validated.
    session.addHook('onRequest', async (request, reply) => {
      const sessionId = request.cookies[SESSION_COOKIE];
      const activity = request.headers[BACKGROUND_REQUEST_HEADER] === undefined;
      const moderator = (sessionId && (await authenticate(db, sessionId, { activity }))) || null;
      request.moderator = moderator;
      request.language = consoleLanguageOf(request, moderator?.consoleLanguage);
      // A journalist's press account never enters the console (common/workflow.ts mayEnter).
      if (moderator && !mayEnter(moderator.role, 'console')) throw new CodedError('console_not_for_journalists');
      if (moderator) return;
      if (wantsJson(request)) throw new CodedError('not_logged_in');
      return reply.redirect('/mod/login');
    });
    session.addHook('preHandler', checkCsrf);
    const me = (request: FastifyRequest): ModeratorIdentity => request.moderator!;

    // The console sends this while the moderator types: the session hook has already counted it as activity.
    session.post('/mod/api/keep-alive', { schema: schemas.emptyBodySchema }, async () => ({ ok: true }));

    session.post('/mod/api/logout', { schema: schemas.emptyBodySchema }, async (request, reply) => {
      await endSession(request, reply);
      return { ok: true };
    });

    session.get('/mod', { schema: { querystring: schemas.queueQuerySchema } }, async (request, reply) => {
      const { status = 'undecided', claim = 'any' } = request.query;
      const label = (vocabulary: ConsoleVocabulary, key: string) => consoleLabel(request.language, vocabulary, key);
      const { undecided, ...counts } = await queueCounts(db);
      const statusTabs = [
        { key: 'undecided', text: translate(request.language, 'moderation:queue.toDecide'), count: undecided },
        ...Object.entries(counts).map(([key, count]) => ({ key, text: label('submissionStatusLabels', key), count })),
      ];
      const statusText = statusTabs.find((tab) => tab.key === status)!.text;
      return page(reply, 'queue', {
        status,
        statusText,
        claim,
        tabs: statusTabs.map((tab) => ({ ...tab, current: tab.key === status })),
        claimOptions: claimFilters.terms.map((term) => ({ key: term.key, label: label('claimFilters', term.key), selected: term.key === claim })),
        items: (await listQueue(db, me(request), { status, claim })).map((item) => ({ ...item, ...queueRowWords(item), statusText: label('submissionStatusLabels', item.status) })),
        emptyText: `${label('emptyQueuePhrases', status)}${claim === 'any' ? '' : ` (${label('claimFilters', claim).toLowerCase()})`}`,
        purges: (await purgeSchedule(db, { retentionDays: config.retentionDays })).map((p) => ({ ...p, statusText: label('submissionStatusLabels', p.status) })),
        retentionDays: config.retentionDays,
      });
    });

    session.get('/mod/submissions/:id', { schema: { params: schemas.idParamsSchema } }, async (request, reply) =>
      page(reply, 'submission', {
        submissionId: request.params.id,
        language: request.language,
        evidenceWords: evidenceWords(request.language),
        vocabularies,
        defaultAttributions: JSON.stringify(Object.fromEntries(roles.keys.map((role) => [role, defaultAttributionFor(role)]))),
      }),
    );

    session.get('/mod/stories', async (request, reply) =>
      page(reply, 'stories', {
        awaiting: (await listStories(db, ['awaiting_second_review'])).map((s) => ({ ...s, mine: s.authorId === me(request).id })),
        drafts: (await listStories(db, ['draft'])).filter((s) => s.authorId === me(request).id),
        approved: await listStories(db, ['approved']),
      }),
    );

    session.get('/mod/stories/:id', { schema: { params: schemas.idParamsSchema } }, async (request, reply) => {
      const story = await getStory(db, request.params.id);
      const publication = await storyPublicationPreview(db, config.kMin, story.id);
      return page(reply, 'story', {
        title: story.title,
        story: { ...story, statusText: consoleLabel(request.language, 'storyStatusLabels', story.status) },
        publication,
        publicationJson: JSON.stringify(publication.publication),
        canReview: storyReviewRefusal(story, me(request).id) === undefined,
        canRevise: storyRevisionRefusal(story, me(request).id) === undefined,
        attributionLabels: attributionLabels.terms.map((t) => ({ ...t, selected: t.key === story.attributionLabel })),
        pullQuotesText: story.pullQuotes.join('\n'),
      });
    });

    session.get('/mod/audit', async (request, reply) =>
      page(reply, 'audit', {
        entries: (await listAuditEntries(db, { limit: 200 })).map((entry) => describeAuditEntry(entry, auditLabelsIn(request.language))),
        verification: await verifyAuditChainFromCheckpoint(db),
        refusedLogins: await refusedLoginSummary(db, loginSecrets.handleHash),
      }),
    );

    // Submissions open only for moderators with a passkey (or within the operator's grace period).
    const requirePasskey = async (request: FastifyRequest) => {
      if (!(await standingOf(me(request).id)).mayOpenSubmissions) throw PASSKEY_REQUIRED();
    };

    session.get('/mod/passkeys', async (request, reply) => {
      const passkeys = await listPasskeys(db, me(request).id);
      // Numbered, so that two passkeys registered the same day have buttons with different names.
      const numbered = passkeys.map((passkey, index) => ({ ...passkey, number: index + 1 }));
      // The console's other origins (onion, the console's own onion): each a relying party that needs its own passkey.
      const here = rpOf(request).origin;
      const otherOrigins = ownOrigins.filter((origin) => origin !== here).map((origin) => ({ origin, host: new URL(origin).host }));
      return page(reply, 'passkeys', { passkeys: numbered, onePasskey: passkeys.length === 1, removable: passkeys.length > 1, otherOrigins });
    });
    session.post('/mod/api/language', { schema: schemas.consoleLanguageSchema }, async (request) => {
      await saveConsoleLanguage(db, me(request).id, request.body.language);
      return { language: request.body.language };
    });
    session.get('/mod/api/passkeys', { schema: schemas.passkeysSchema }, async (request) => ({
      passkeys: await listPasskeys(db, me(request).id),
      standing: await standingOf(me(request).id),
    }));
    // A fresh passkey assertion (issue 26): the session alone adds no passkey, removes none, grants and approves nothing.
    const fresh = (request: FastifyRequest, assertion: FreshAssertion | undefined) =>
      requireFreshAssertion(db, rpOf(request), { sessionId: request.cookies[SESSION_COOKIE]!, moderatorId: me(request).id }, assertion);
    session.post('/mod/api/assertions/options', { schema: schemas.assertionOptionsSchema }, async (request) =>
      issueAssertionChallenge(db, request.cookies[SESSION_COOKIE]!, me(request).id, rpOf(request)),
    );

    session.post('/mod/api/passkeys/options', { schema: schemas.passkeyOptionsSchema }, async (request) => addPasskeyOptions(db, rpOf(request), me(request)));
    session.post('/mod/api/passkeys', { schema: schemas.addPasskeySchema }, async (request, reply) => {
      const { assertion, ...registration } = request.body;
      if ((await standingOf(me(request).id)).passkeys > 0) await fresh(request, assertion);
      // A first passkey has nothing to assert with: from a passphrase-only session it may not come to unlock wrapped keys.
      else if ((await wrappedKeysFor(db, me(request).id)).length > 0) throw new CodedError('passkey_needs_approval');
      return reply.code(201).send(await addPasskey(db, rpOf(request), me(request), registration));
    });
    // A one-time link to add a passkey at another origin of the console; a fresh assertion, as adding one here needs.
    session.post('/mod/api/passkeys/origin-links', { schema: schemas.originLinkSchema }, async (request, reply) => {
      await fresh(request, request.body.assertion);
      return reply.code(201).send(await makeOriginLink(db, me(request), rpOf(request), ownOrigins, request.body.origin));
    });
    session.post('/mod/api/passkeys/:id/remove', { schema: schemas.removePasskeySchema }, async (request) => {
      await fresh(request, request.body?.assertion);
      await removePasskey(db, me(request), request.params.id);
      return { ok: true };
    });

    session.get('/mod/api/keys', { schema: schemas.wrappedKeysSchema, preHandler: requirePasskey }, async (request) => ({ keys: await wrappedKeysFor(db, me(request).id) }));
    session.get('/mod/api/watch-list', { schema: schemas.sealedWatchListSchema }, async () => (await currentWatchList(db)) ?? { intakeKeyId: null, ciphertext: null });

    session.get('/mod/api/submissions', { schema: schemas.queueSchema }, async (request) => ({
      items: (await listQueue(db, me(request), request.query)).map((item) => ({ ...item, statusText: consoleLabel(request.language, 'submissionStatusLabels', item.status) })),
      counts: await queueCounts(db),
    }));
    moderatorAttachmentRoutes(session, db);
    moderatorEvidenceRoutes(session, db, resolveTxt ?? systemTxtResolver);
    // Read-only: opening shows the account; only "Start review" claims it.
    // The submission as the console shows it, its status in the console's language.
    const submissionFor = async (request: FastifyRequest, id: string) => {
      const view = await openSubmission(db, id);
      return { ...view, statusText: consoleLabel(request.language, 'submissionStatusLabels', view.status) };
    };
    session.get('/mod/api/submissions/:id', { schema: schemas.openSubmissionSchema, preHandler: requirePasskey }, async (request) => submissionFor(request, request.params.id));
    session.post('/mod/api/submissions/:id/claim', { schema: schemas.claimSchema, preHandler: requirePasskey }, async (request) => {
      await claimSubmission(db, me(request), request.params.id, request.body?.takeOver === true);
      return submissionFor(request, request.params.id);
    });
    session.post('/mod/api/submissions/:id/release', { schema: schemas.releaseClaimSchema }, async (request) => {
      await releaseClaim(db, me(request), request.params.id);
      return submissionFor(request, request.params.id);
    });
    // What a draft would publish now, before it is sent: the release's own computation, this account counted.
    session.post('/mod/api/publication-preview', { schema: schemas.publicationPreviewRequestSchema }, async (request) => {
      const { facets, attributionLabel } = request.body;
      validateFacets(facets);
      validateAttributionLabel(attributionLabel);
      const account = { role: facets.role ?? null, platforms: facets.platforms, task_types: facets.taskTypes, conditions: facets.conditions };
      return previewPublication(db, config.kMin, account, attributionLabel);
    });
    session.get('/mod/api/stories/:id/state', { schema: schemas.storyStateSchema }, async (request) => {
      const story = await getStory(db, request.params.id);
      return {
        status: story.status,
        statusText: consoleLabel(request.language, 'storyStatusLabels', story.status),
        reviewNote: story.reviewNote,
        canReview: storyReviewRefusal(story, me(request).id) === undefined,
        canRevise: storyRevisionRefusal(story, me(request).id) === undefined,
        publication: await storyPublicationPreview(db, config.kMin, story.id),
      };
    });
    // A passphrase-only session (grace period) may read, not decide (issue 26).
    const requirePasskeyToDecide = async (request: FastifyRequest) => {
      if ((await standingOf(me(request).id)).passkeys === 0) throw PASSKEY_REQUIRED();
    };
    session.post('/mod/api/submissions/:id/accept', { schema: schemas.acceptSchema, preHandler: requirePasskeyToDecide }, async (request) =>
      acceptSubmission(db, me(request), request.params.id, request.body),
    );
    session.post('/mod/api/submissions/:id/reject', { schema: schemas.rejectSchema, preHandler: requirePasskeyToDecide }, async (request) => {
      await rejectSubmission(db, me(request), request.params.id, request.body.reason);
      return { ok: true };
    });
    session.post('/mod/api/submissions/:id/question', { schema: schemas.questionSchema, preHandler: requirePasskeyToDecide }, async (request) => {
      await askSource(db, me(request), request.params.id, request.body);
      return { ok: true };
    });

    session.post('/mod/api/stories/:id/approve', { schema: schemas.approveSchema }, async (request) => {
      await approveStory(db, config, me(request), request.params.id, request.body?.seen);
      return { ok: true };
    });
    session.post('/mod/api/stories/:id/return', { schema: schemas.returnStorySchema }, async (request) => {
      await returnStory(db, me(request), request.params.id, request.body.note);
      return { ok: true };
    });
    session.post('/mod/api/stories/:id/revise', { schema: schemas.reviseStorySchema }, async (request) => {
      await reviseStory(db, me(request), request.params.id, request.body);
      return { ok: true };
    });

    session.get('/mod/api/audit', { schema: schemas.auditListSchema }, async () => ({
      entries: await listAuditEntries(db, { limit: 1000 }),
      verification: await verifyAuditChainFromCheckpoint(db),
    }));

    // Questions from journalists (issue 32): relayed, declined, answers prepared and approved.
    await session.register(pressModerationRoutes, { db });

    // Administrators only.
    await session.register(async (plainAdmin) => {
      const admin = plainAdmin.withTypeProvider<ModerationTypeProvider>();
      admin.addHook('preHandler', async (request) => {
        if (me(request).role !== 'administrator') throw new CodedError('administrators_only');
      });
      administratorEvidenceRoutes(admin, db, me);

      admin.get('/mod/team', async (request, reply) => {
        const toConfirm = await invitationsToConfirm(db, me(request).id);
        const members = (await listTeam(db)).map((m) => ({ ...m, needsConfirmation: toConfirm.has(m.id) }));
        // An administrator without the intake key has nothing to grant: the page says who has (issue 28).
        const holdsKey = members.some((m) => m.id === me(request).id && m.holdsCurrentKey);
        // A standing warning while the operator lets the intake key go to moderators without PRF (issue 23).
        const keysWithoutPrf = members.filter((m) => m.holdsCurrentKey && !m.keysBoundToPasskey).map((m) => m.handle);
        return page(reply, 'team', {
          members,
          roles: moderatorRoles.keys.map((key) => ({ key, label: consoleLabel(request.language, 'moderatorRoles', key) })),
          proposals: await listProposals(db),
          allowKeysWithoutPrf: config.allowKeysWithoutPrf,
          keysWithoutPrf: keysWithoutPrf.join(', '),
          holdsKey,
          keyHolders: members
            .filter((m) => m.holdsCurrentKey && m.status === 'active')
            .map((m) => m.handle)
            .join(', '),
        });
      });
      admin.get('/mod/api/team', { schema: schemas.teamSchema }, async () => ({ members: await listTeam(db), verifications: await listKeyVerifications(db) }));

      // Team changes (issue 26): applied at once by a lone administrator, otherwise proposals (202) another approves.
      const change = async <T>(
        request: FastifyRequest,
        reply: FastifyReply,
        teamChange: TeamChangeRequest,
        applied: (outcome: TeamChangeOutcome & { state: 'applied' }) => T,
      ): Promise<T | FastifyReply> => {
        const outcome = await proposeOrApply(db, config, me(request), teamChange);
        return outcome.state === 'proposed' ? reply.code(202).send(outcome.view) : applied(outcome);
      };
      admin.post('/mod/api/team/invitations', { schema: schemas.inviteSchema }, async (request, reply) =>
        change(request, reply, { kind: 'invite', payload: request.body }, ({ outcome }) => reply.code(201).send({ url: outcome.url! })),
      );
      admin.post('/mod/api/team/:id/grants', { schema: schemas.grantsSchema }, async (request, reply) => {
        const { grants, assertion } = request.body;
        // An administrator without the intake key has nothing to seal: say who can grant it (issue 28).
        if (grants.length === 0) throw new CodedError('no_intake_key_to_grant', { holders: await currentKeyHolders(db) });
        await fresh(request, assertion);
        return change(request, reply, { kind: 'grant', subjectId: request.params.id, payload: { grants } }, () => ({ ok: true }));
      });
      admin.post('/mod/api/team/:id/verification', { schema: schemas.verificationSchema }, async (request) => {
        await recordKeyVerification(db, me(request), request.params.id, request.body.signature);
        return { ok: true };
      });
      admin.post('/mod/api/team/:id/reenrol', { schema: schemas.reenrolSchema }, async (request, reply) =>
        change(request, reply, { kind: 'reenrol', subjectId: request.params.id, payload: {} }, ({ outcome }) => ({ url: outcome.url! })),
      );
      admin.post('/mod/api/team/:id/disable', { schema: schemas.disableSchema }, async (request, reply) =>
        change(request, reply, { kind: 'disable', subjectId: request.params.id, payload: {} }, () => ({ ok: true })),
      );
      admin.post('/mod/api/team/:id/role', { schema: schemas.roleSchema }, async (request, reply) => {
        await fresh(request, request.body.assertion);
        return change(request, reply, { kind: 'role', subjectId: request.params.id, payload: { role: request.body.role } }, () => ({ ok: true }));
      });
      admin.post('/mod/api/team/:id/confirm', { schema: schemas.confirmInvitationSchema }, async (request) => {
        await fresh(request, request.body.assertion);
        await confirmInvitation(db, me(request), request.params.id);
        return { ok: true };
      });
      admin.post('/mod/api/intake-keys', { schema: schemas.rotationSchema }, async (request, reply) =>
        change(request, reply, { kind: 'rotate', payload: request.body }, ({ outcome }) => reply.code(201).send({ intakeKeyId: outcome.intakeKeyId!, fingerprint: outcome.fingerprint! })),
      );
      admin.get('/mod/api/team-changes', { schema: schemas.teamChangesSchema }, async () => ({ changes: await listProposals(db) }));
      admin.post('/mod/api/team-changes/:id/approve', { schema: schemas.approveTeamChangeSchema }, async (request) => {
        await fresh(request, request.body.assertion);
        return decideTeamChange(db, config, me(request), request.params.id, 'approve');
      });
      admin.post('/mod/api/team-changes/:id/refuse', { schema: schemas.decideTeamChangeSchema }, async (request) => {
        await decideTeamChange(db, config, me(request), request.params.id, 'refuse');
        return { ok: true };
      });
      admin.post('/mod/api/team-changes/:id/withdraw', { schema: schemas.decideTeamChangeSchema }, async (request) => {
        await decideTeamChange(db, config, me(request), request.params.id, 'withdraw');
        return { ok: true };
      });
      admin.put('/mod/api/watch-list', { schema: schemas.watchListSchema }, async (request) => {
        await saveWatchList(db, me(request), request.body);
        return { ok: true };
      });
    });
  });
}
