// The moderators' side of press questions (issue 32), registered inside the console's session
// scope (server/moderation/routes.ts): its cookie, CSRF and the rule that keeps journalists out
// apply here too. Moderators relay or decline questions, prepare and approve answers for
// publication; administrators invite journalists. They never see a private answer.
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { ModeratorIdentity } from '../moderation/team-service.js';
import { CodedError } from '../../common/errors.js';
import {
  ANSWER_MAX_CHARS,
  QUESTION_MAX_CHARS,
  approveAnswerSchema,
  declineSchema,
  draftAnswerSchema,
  moderatorQuestionsSchema,
  pressInvitationSchema,
  relaySchema,
} from '../../common/press/schemas.js';
import { translate } from '../i18n/catalogue.js';
import { approvePublicAnswer, draftPublicAnswer, invitePressAccount, moderateQuestion, moderatorQuestions, questionStatusWords } from './service.js';

export async function pressModerationRoutes(untyped: FastifyInstance, { db }: { db: Kysely<Database> }): Promise<void> {
  const session = untyped.withTypeProvider<JsonSchemaToTsProvider>();
  const me = (request: FastifyRequest): ModeratorIdentity => request.moderator!;

  session.get('/mod/press', async (request, reply) =>
    reply.view('pages/press/moderation', {
      language: request.language,
      title: translate(request.language, 'press:titles.moderation'),
      script: 'press/moderation.js',
      page: 'mod-press',
      moderatorArea: true,
      moderator: me(request),
      isAdministrator: me(request).role === 'administrator',
      csrfToken: reply.generateCsrf(),
      questionMaxChars: QUESTION_MAX_CHARS,
      answerMaxChars: ANSWER_MAX_CHARS,
      statusWordsJson: questionStatusWords(request.language),
    }),
  );
  session.get('/mod/api/press/questions', { schema: moderatorQuestionsSchema }, async () => ({ questions: await moderatorQuestions(db) }));
  session.post('/mod/api/press/questions/:id/relay', { schema: relaySchema }, async (request) => {
    await moderateQuestion(db, me(request), request.params.id, { relay: request.body.text });
    return { ok: true };
  });
  session.post('/mod/api/press/questions/:id/decline', { schema: declineSchema }, async (request) => {
    await moderateQuestion(db, me(request), request.params.id, 'decline');
    return { ok: true };
  });
  session.post('/mod/api/press/questions/:id/answer-draft', { schema: draftAnswerSchema }, async (request) => {
    await draftPublicAnswer(db, me(request), request.params.id, request.body.text);
    return { ok: true };
  });
  session.post('/mod/api/press/questions/:id/approve-answer', { schema: approveAnswerSchema }, async (request) => {
    await approvePublicAnswer(db, me(request), request.params.id);
    return { ok: true };
  });
  session.post('/mod/api/press/invitations', { schema: pressInvitationSchema }, async (request, reply) => {
    if (me(request).role !== 'administrator') throw new CodedError('administrators_only');
    return reply.code(201).send(await invitePressAccount(db, me(request), request.body));
  });
}
