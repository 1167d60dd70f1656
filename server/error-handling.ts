// Turns every failure into DESIGN §8's shape: JSON under /api, a page elsewhere; the right
// status; a message for the person; never internals.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ServiceError, type ErrorBody } from './errors.js';

interface Refusal {
  statusCode: number;
  code: string;
  message: string;
}

const FRAMEWORK_REFUSALS: Record<string, Omit<Refusal, 'statusCode'> & { statusCode?: number }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { statusCode: 413, code: 'body_too_large', message: 'The request body is larger than 128 KiB.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { statusCode: 415, code: 'unsupported_media_type', message: 'This content type is not accepted here.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { statusCode: 400, code: 'invalid_json', message: 'The request body is empty; JSON was expected.' },
  FST_ERR_CTP_INVALID_JSON_BODY: { statusCode: 400, code: 'invalid_json', message: 'The request body is not valid JSON.' },
  FST_CSRF_MISSING_SECRET: { statusCode: 403, code: 'csrf_failed', message: 'The security token is missing or wrong; reload the page and try again.' },
  FST_CSRF_INVALID_TOKEN: { statusCode: 403, code: 'csrf_failed', message: 'The security token is missing or wrong; reload the page and try again.' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { statusCode: 400, code: 'bad_content_length', message: 'Content-Length does not match the body.' },
};

function validationMessage(error: FastifyError): string {
  const first = error.validation?.[0];
  if (!first) return 'The request is not valid.';
  const where = `${error.validationContext ?? 'body'}${first.instancePath.replaceAll('/', '.')}`;
  const params = first.params as Record<string, unknown>;
  if (typeof params.additionalProperty === 'string') return `${where} has an unexpected field "${params.additionalProperty}".`;
  if (typeof params.missingProperty === 'string') return `${where} is missing the field "${params.missingProperty}".`;
  if (Array.isArray(params.allowedValues)) return `${where} must be one of: ${params.allowedValues.filter((v) => v !== '').join(', ')}.`;
  return `${where} ${first.message ?? 'is not valid'}.`;
}

export function refusalFor(error: unknown): Refusal | undefined {
  if (error instanceof ServiceError) return error;
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) return { statusCode: 400, code: 'invalid_request', message: validationMessage(fastifyError) };
  const known = fastifyError.code ? FRAMEWORK_REFUSALS[fastifyError.code] : undefined;
  if (known) return { statusCode: known.statusCode ?? 400, code: known.code, message: known.message };
  // JSON.parse's message quotes the body: never pass it on.
  if (error instanceof SyntaxError && fastifyError.statusCode === 400) return { statusCode: 400, ...FRAMEWORK_REFUSALS.FST_ERR_CTP_INVALID_JSON_BODY! };
  if (fastifyError.statusCode === 429) {
    return { statusCode: 429, code: 'rate_limited', message: fastifyError.message || 'Too many requests; slow down.' };
  }
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return { statusCode: fastifyError.statusCode, code: 'bad_request', message: 'The request could not be understood.' };
  }
  return undefined;
}

export function wantsJson(request: FastifyRequest): boolean {
  return request.url.startsWith('/api/') || request.url.startsWith('/mod/api/');
}

export function sendRefusal(request: FastifyRequest, reply: FastifyReply, refusal: Refusal) {
  reply.code(refusal.statusCode);
  if (wantsJson(request)) {
    const body: ErrorBody = { error: { code: refusal.code, message: refusal.message } };
    return reply.type('application/json; charset=utf-8').send(body);
  }
  return reply.view('pages/error', { title: refusal.message, statusCode: refusal.statusCode, message: refusal.message });
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler(async (error, request, reply) => {
    const refusal = refusalFor(error);
    if (refusal) return sendRefusal(request, reply, refusal);
    request.log.error({ err: error }, 'request failed');
    return sendRefusal(request, reply, {
      statusCode: 500,
      code: 'internal_error',
      message: 'Something went wrong on our side.',
    });
  });

  app.setNotFoundHandler(async (request, reply) =>
    sendRefusal(request, reply, { statusCode: 404, code: 'not_found', message: 'There is no page at this address.' }),
  );
}
