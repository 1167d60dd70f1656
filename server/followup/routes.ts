// Sources coming back with their receipt (DESIGN §3 Follow-up, §8): the status page, its
// no-JavaScript POST, and the JSON API the page's script uses. None of these routes logs a
// line per request: that a lookup happened, and how it ended, stays unsaid.
import formbody from '@fastify/formbody';
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { attachmentFieldModel } from '../attachments/routes.js';
import type { Config } from '../config.js';
import type { Database } from '../db/schema.js';
import { currentIntakeKey } from '../intake/service.js';
import { pageLanguage } from '../i18n/path-language.js';
import { pageWordsJson, translate } from '../i18n/catalogue.js';
import { SOURCE_ROUTE_LOG_LEVEL } from '../privacy/logging.js';
import { codedErrorMessage } from '../i18n/error-messages.js';
import { toBase64 } from '../../common/protocol/encoding.js';
import { loadSodium } from '../../common/protocol/sodium.js';
import { lookupBodySchema, messageBodySchema, messageResponseSchemas, statusFormBodySchema, statusResponseSchemas, withdrawResponseSchemas } from '../../common/followup/schemas.js';
import { handleStatusForm, lookUpStatus, parseLookupToken, parseWithdrawalTag, parseSealedMessage, receiveSourceMessage, withdrawSubmission } from './service.js';

/** What /status's script says, beyond the page itself (views/assets/page-words.ts). */
const STATUS_PAGE_WORDS = ['common:browser', 'status:browser', 'status:states', 'status:events', 'status:withdrawnNotice', 'status:answerModerators', 'status:writeModerators'];

export interface FollowupRoutesOptions {
  db: Kysely<Database>;
  config: Pick<Config, 'attachments'>;
}

const QUIET = SOURCE_ROUTE_LOG_LEVEL;

export async function followupRoutes(untyped: FastifyInstance, { db, config }: FollowupRoutesOptions): Promise<void> {
  // Each handler's body and reply are inferred from its route's JSON schema.
  const app = untyped.withTypeProvider<JsonSchemaToTsProvider>();
  const sodium = await loadSodium();

  async function renderPage(request: FastifyRequest, reply: FastifyReply, model: Record<string, unknown> = {}) {
    const key = await currentIntakeKey(db);
    return reply.view('pages/status', {
      ...pageLanguage(request),
      title: translate(request.language, 'status:title'),
      script: 'status.js',
      pageWords: pageWordsJson(request.language, STATUS_PAGE_WORDS),
      attachments: attachmentFieldModel(config.attachments),
      intakeKey: key && { id: key.id, publicKey: toBase64(sodium, key.publicKey), fingerprint: key.fingerprint },
      ...model,
    });
  }

  app.get('/status', { logLevel: QUIET, config: { sourcePage: true } }, async (request, reply) => renderPage(request, reply));

  await app.register(async (plainForm) => {
    const form = plainForm.withTypeProvider<JsonSchemaToTsProvider>();
    // Only what a browser's form sends; the words never travel in a URL.
    form.removeAllContentTypeParsers();
    await form.register(formbody);

    form.post('/status', { logLevel: QUIET, config: { sourcePage: true, rateLimit: {} }, schema: { body: statusFormBodySchema } }, async (request, reply) => {
      const outcome = await handleStatusForm(db, config.attachments, request.body, request.language);
      return renderPage(request, reply.code(outcome.statusCode), {
        serverHandled: true,
        words: request.body.words ?? '',
        message: outcome.keepMessage ? (request.body.message ?? '') : '',
        error: outcome.refusal && codedErrorMessage(outcome.refusal, request.language),
        notice: outcome.notice,
        result: outcome.status,
      });
    });
  });

  await app.register(async (plainApi) => {
    const api = plainApi.withTypeProvider<JsonSchemaToTsProvider>();
    // The API speaks JSON only: anything else is 415, not a parse into some other shape.
    api.removeAllContentTypeParsers();
    api.addContentTypeParser('application/json', { parseAs: 'string' }, api.getDefaultJsonParser('error', 'error'));

    api.post('/api/v1/status', { logLevel: QUIET, config: { rateLimit: {} }, schema: { body: lookupBodySchema, response: statusResponseSchemas } }, async (request) =>
      lookUpStatus(db, config.attachments, parseLookupToken(request.body.lookupToken), parseWithdrawalTag(request.body.withdrawalTag)),
    );

    api.post('/api/v1/messages', { logLevel: QUIET, config: { rateLimit: {} }, schema: { body: messageBodySchema, response: messageResponseSchemas } }, async (request, reply) => {
      const lookupToken = parseLookupToken(request.body.lookupToken);
      const ciphertext = parseSealedMessage(request.body.ciphertext);
      const { uploadId } = request.body;
      const files = uploadId === undefined ? undefined : { uploadId, limits: config.attachments };
      return reply.code(201).send(await receiveSourceMessage(db, lookupToken, ciphertext, files));
    });

    api.post('/api/v1/withdraw', { logLevel: QUIET, config: { rateLimit: {} }, schema: { body: lookupBodySchema, response: withdrawResponseSchemas } }, async (request) => {
      await withdrawSubmission(db, parseLookupToken(request.body.lookupToken), parseWithdrawalTag(request.body.withdrawalTag));
      return { status: 'withdrawn' as const };
    });
  });
}
