// Intake: the submission page, its no-JavaScript POST, and the sealed-envelope API.
import formbody from '@fastify/formbody';
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { attachmentFieldModel } from '../attachments/routes.js';
import type { Config } from '../config.js';
import type { Database } from '../db/schema.js';
import { CodedError } from '../../common/errors.js';
import { SOURCE_ROUTE_LOG_LEVEL } from '../privacy/logging.js';
import { toBase64 } from '../../common/protocol/encoding.js';
import { loadSodium } from '../../common/protocol/sodium.js';
import { accountFromForm, type FormFields } from '../../common/intake/account.js';
import { codedErrorMessage } from '../i18n/error-messages.js';
import { submitFormModel } from './form.js';
import { pageLanguage } from '../i18n/path-language.js';
import { pageWordsJson, translate } from '../i18n/catalogue.js';
import { submissionBodySchema, submissionResponseSchemas, submitFormBodySchema } from '../../common/intake/schemas.js';
import { acceptSealedSubmission, currentIntakeKey, drawFormToken, sealAndAcceptOnServer } from './service.js';

/** The form's one-time token, as the hidden field sent it (one value), if it did. */
function formTokenOf(fields: FormFields): string | undefined {
  const value = fields['formToken'];
  return typeof value === 'string' ? value : undefined;
}

/** What /submit's scripts say, beyond the page itself (views/assets/page-words.ts). */
const SUBMIT_PAGE_WORDS = ['common:browser', 'submit:browser'];

export interface IntakeRoutesOptions {
  db: Kysely<Database>;
  config: Pick<Config, 'kMin' | 'retentionDays' | 'attachments'>;
}

export async function intakeRoutes(untyped: FastifyInstance, { db, config }: IntakeRoutesOptions): Promise<void> {
  // Each handler's body and reply are inferred from its route's JSON schema.
  const app = untyped.withTypeProvider<JsonSchemaToTsProvider>();
  await app.register(formbody);
  const sodium = await loadSodium();

  async function renderForm(request: FastifyRequest, reply: FastifyReply, fields: FormFields = {}, error?: string) {
    const key = await currentIntakeKey(db);
    // A refused form keeps its token: nothing was stored under it.
    const sentToken = formTokenOf(fields);
    return reply.view('pages/submit', {
      ...pageLanguage(request),
      title: translate(request.language, 'submit:title'),
      script: key ? 'submit.js' : undefined,
      pageWords: key ? pageWordsJson(request.language, SUBMIT_PAGE_WORDS) : undefined,
      form: submitFormModel(fields),
      formToken: sentToken ?? (await drawFormToken()),
      error,
      kMin: config.kMin,
      retentionDays: config.retentionDays,
      attachments: attachmentFieldModel(config.attachments),
      intakeKey: key && { id: key.id, publicKey: toBase64(sodium, key.publicKey), fingerprint: key.fingerprint },
    });
  }

  app.get('/submit', { logLevel: SOURCE_ROUTE_LOG_LEVEL, config: { sourcePage: true } }, async (request, reply) => renderForm(request, reply));

  app.post(
    '/submit',
    {
      logLevel: SOURCE_ROUTE_LOG_LEVEL,
      config: { sourcePage: true, rateLimit: {} },
      schema: { body: submitFormBodySchema },
    },
    async (request, reply) => {
      try {
        const { words, alreadyStored } = await sealAndAcceptOnServer(db, accountFromForm(request.body), formTokenOf(request.body), request.language);
        return reply.view('pages/submit-received', { ...pageLanguage(request), title: translate(request.language, 'submit:received.title'), words, alreadyStored });
      } catch (error) {
        // Account rules and service refusals alike: the form again, with what was wrong.
        if (error instanceof CodedError && error.statusCode !== 503) {
          return renderForm(request, reply.code(error.statusCode), request.body, codedErrorMessage(error, request.language));
        }
        throw error;
      }
    },
  );

  await app.register(async (plainApi) => {
    const api = plainApi.withTypeProvider<JsonSchemaToTsProvider>();
    // The API speaks JSON only: anything else is 415, not a parse into some other shape.
    api.removeAllContentTypeParsers();
    api.addContentTypeParser('application/json', { parseAs: 'string' }, api.getDefaultJsonParser('error', 'error'));

    api.post(
      '/api/v1/submissions',
      {
        logLevel: SOURCE_ROUTE_LOG_LEVEL,
        config: { rateLimit: {} },
        schema: { body: submissionBodySchema, response: submissionResponseSchemas },
      },
      async (request, reply) => {
        await acceptSealedSubmission(db, request.body);
        return reply.code(201).send({ status: 'received' });
      },
    );
  });
}
