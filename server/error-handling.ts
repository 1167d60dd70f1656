// Turns every failure into DESIGN §8's shape: JSON under /api, a page elsewhere; the right
// status; a message for the person; never internals.
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable } from './db/database.js';
import { ServiceError, type ErrorBody } from '../common/errors.js';
import { PLAIN_TEXT_FORMAT } from './plain-text.js';

interface Refusal {
  statusCode: number;
  code: string;
  message: string;
  retryAfterSeconds?: number;
}

const FRAMEWORK_REFUSALS: Record<string, Omit<Refusal, 'statusCode'> & { statusCode?: number }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { statusCode: 413, code: 'body_too_large', message: 'The request body is larger than 128 KiB.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { statusCode: 415, code: 'unsupported_media_type', message: 'This content type is not accepted here.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { statusCode: 400, code: 'invalid_json', message: 'The request body is empty; JSON was expected.' },
  FST_ERR_CTP_INVALID_JSON_BODY: { statusCode: 400, code: 'invalid_json', message: 'The request body is not valid JSON.' },
  FST_CSRF_MISSING_SECRET: { statusCode: 403, code: 'csrf_failed', message: 'The security token is missing or wrong; reload the page and try again.' },
  FST_CSRF_INVALID_TOKEN: { statusCode: 403, code: 'csrf_failed', message: 'The security token is missing or wrong; reload the page and try again.' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { statusCode: 400, code: 'bad_content_length', message: 'Content-Length does not match the body.' },
  // Raised by the router before any route runs (frameworkErrors below); the address is never quoted back.
  FST_ERR_BAD_URL: { statusCode: 400, code: 'bad_url', message: 'The address is not valid: it holds a malformed percent-encoding.' },
  FST_ERR_MAX_PARAM_LENGTH: { statusCode: 414, code: 'address_too_long', message: 'The address is too long.' },
};

function validationMessage(error: FastifyError): string {
  const first = error.validation?.[0];
  if (!first) return 'The request is not valid.';
  const where = `${error.validationContext ?? 'body'}${first.instancePath.replaceAll('/', '.')}`;
  const params = first.params as Record<string, unknown>;
  if (first.keyword === 'format' && params.format === PLAIN_TEXT_FORMAT) {
    return `${where} holds a control character; only text, tabs and line breaks are accepted.`;
  }
  if (typeof params.additionalProperty === 'string') return `${where} has an unexpected field "${params.additionalProperty}".`;
  if (typeof params.missingProperty === 'string') return `${where} is missing the field "${params.missingProperty}".`;
  if (Array.isArray(params.allowedValues)) return `${where} must be one of: ${params.allowedValues.filter((v) => v !== '').join(', ')}.`;
  return `${where} ${first.message ?? 'is not valid'}.`;
}

/** How long clients are asked to wait after a 503 for a dependency that went away. */
export const RETRY_AFTER_SECONDS = 5;

/** The code of every "try again shortly" 503; it carries Retry-After, on pages a calm page. */
export const UNAVAILABLE = 'unavailable';

export const unavailable = (message = 'The service is briefly unavailable; nothing was changed. Try again in a few seconds.') =>
  new ServiceError(503, UNAVAILABLE, message, RETRY_AFTER_SECONDS);

export function refusalFor(error: unknown): Refusal | undefined {
  if (error instanceof ServiceError) return error;
  if (isDatabaseUnavailable(error)) return unavailable();
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

async function sendRefusal(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply, refusal: Refusal) {
  reply.code(refusal.statusCode);
  if (refusal.retryAfterSeconds !== undefined) reply.header('retry-after', String(refusal.retryAfterSeconds));
  // A refusal is never cached, least of all a passing outage in front of a public page.
  if (refusal.code === UNAVAILABLE) reply.header('cache-control', 'no-store');
  if (wantsJson(request)) {
    const body: ErrorBody = { error: { code: refusal.code, message: refusal.message } };
    return reply.type('application/json; charset=utf-8').send(body);
  }
  // app.view, not reply.view: the router's own errors get a reply without plugin decorations.
  const page =
    refusal.code === UNAVAILABLE
      ? await app.view('pages/unavailable', { title: 'Briefly unavailable', message: refusal.message })
      : await app.view('pages/error', { title: refusal.message, statusCode: refusal.statusCode, message: refusal.message });
  return reply.type('text/html; charset=utf-8').send(page);
}

export interface ErrorHandlingOptions {
  /** Sets DESIGN §7's headers where no onRequest hook ran (errors raised by the router). */
  setSecurityHeaders: (request: FastifyRequest, reply: FastifyReply) => void;
}

/**
 * Fastify's `frameworkErrors` option: bad percent-encoding and over-long parameters are found
 * before any hook runs, so the headers are set here. Needs the app, which exists only later.
 */
export function frameworkErrorResponder(appRef: () => FastifyInstance, { setSecurityHeaders }: ErrorHandlingOptions) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    setSecurityHeaders(request, reply);
    const refusal = refusalFor(error) ?? { statusCode: 400, code: 'bad_request', message: 'The request could not be understood.' };
    void sendRefusal(appRef(), request, reply, refusal);
  };
}

const CLIENT_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, code: 'request_timeout', message: 'The request took too long to arrive.' },
  HPE_HEADER_OVERFLOW: { status: 431, code: 'headers_too_large', message: 'The request headers are too large.' },
};

/**
 * Fastify's `clientErrorHandler`: a request Node's parser refuses (a malformed request line, say)
 * never becomes a request, so the answer is written to the socket by hand, with the same headers
 * and error shape. Nothing is logged: the error carries the raw bytes the client sent.
 */
export function clientErrorResponder(constantHeaders: Record<string, string>) {
  return (error: NodeJS.ErrnoException, socket: Duplex): void => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const { status, code, message } = (error.code && CLIENT_ERRORS[error.code]) || { status: 400, code: 'bad_request', message: 'The request could not be understood.' };
    const body = JSON.stringify({ error: { code, message } } satisfies ErrorBody);
    const headers = {
      ...constantHeaders,
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(body)),
      connection: 'close',
    };
    const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head}\r\n${body}`);
  };
}

// An outage answers many requests: one line every few seconds says so, without a request id
// (source routes log nothing per request) and with the error's code only.
const OUTAGE_NOTICE_MS = 10_000;
let lastOutageNotice = -Infinity;

function outageNotice(app: FastifyInstance, error: unknown): void {
  const now = performance.now();
  if (now - lastOutageNotice < OUTAGE_NOTICE_MS) return;
  lastOutageNotice = now;
  app.log.warn({ err: error }, 'answering 503: a dependency is unavailable');
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler(async (error, request, reply) => {
    const refusal = refusalFor(error);
    // Database errors only: Redis reports its own outage, and a shutdown is no outage.
    if (refusal?.code === UNAVAILABLE && !(error instanceof ServiceError)) outageNotice(app, error);
    if (refusal) return sendRefusal(app, request, reply, refusal);
    request.log.error({ err: error }, 'request failed');
    return sendRefusal(app, request, reply, {
      statusCode: 500,
      code: 'internal_error',
      message: 'Something went wrong on our side.',
    });
  });

  app.setNotFoundHandler(async (request, reply) =>
    sendRefusal(app, request, reply, { statusCode: 404, code: 'not_found', message: 'There is no page at this address.' }),
  );
}
