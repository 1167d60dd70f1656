// Turns every failure into DESIGN §8's shape: JSON under /api, a page elsewhere; the right
// status; a message for the person; never internals.
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable } from './db/database.js';
import type { RecentDiskFull } from './health/disk-signal.js';
import { CodedError, type ErrorBody, type PlainErrorCode, type ValidationProblem } from '../common/errors.js';
import { codedErrorMessage } from './i18n/error-messages.js';
import { PLAIN_TEXT_FORMAT } from './plain-text.js';
import { translate } from './i18n/catalogue.js';
import { pageLanguage } from './i18n/path-language.js';

/** What is sent: a coded error, with the status Fastify chose when no code of ours has one. */
interface Refusal {
  error: CodedError;
  statusCode: number;
}

const refusal = (error: CodedError, statusCode: number = error.statusCode): Refusal => ({ error, statusCode });

const FRAMEWORK_REFUSALS: Record<string, PlainErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_CSRF_MISSING_SECRET: 'csrf_failed',
  FST_CSRF_INVALID_TOKEN: 'csrf_failed',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_content_length',
  // Raised by the router before any route runs (frameworkErrors below); the address is never quoted back.
  FST_ERR_BAD_URL: 'bad_url',
  FST_ERR_MAX_PARAM_LENGTH: 'address_too_long',
};

// Ajv keywords that carry a numeric limit, and the problem each names.
const LIMITS: Record<string, ValidationProblem['problem']> = {
  maxLength: 'too_long',
  minLength: 'too_short',
  maxItems: 'too_many',
  minItems: 'too_few',
  maximum: 'too_big',
  minimum: 'too_small',
};

function validationProblem(error: FastifyError): CodedError<'invalid_request'> {
  const first = error.validation?.[0];
  const where = `${error.validationContext ?? 'body'}${first?.instancePath.replaceAll('/', '.') ?? ''}`;
  const problem = ((): ValidationProblem => {
    if (!first) return { problem: 'invalid' };
    const params = first.params as Record<string, unknown>;
    if (first.keyword === 'format' && params.format === PLAIN_TEXT_FORMAT) return { problem: 'control_character' };
    if (typeof params.additionalProperty === 'string') return { problem: 'unexpected_field', name: params.additionalProperty };
    if (typeof params.missingProperty === 'string') return { problem: 'missing_field', name: params.missingProperty };
    if (Array.isArray(params.allowedValues)) return { problem: 'not_one_of', allowed: params.allowedValues.filter((v) => v !== '').map(String) };
    const limit = LIMITS[first.keyword];
    if (limit && typeof params.limit === 'number') return { problem: limit, limit: params.limit } as ValidationProblem;
    if (first.keyword === 'type' && typeof params.type === 'string') return { problem: 'wrong_type', type: params.type };
    if (first.keyword === 'pattern' || first.keyword === 'format') return { problem: 'wrong_form' };
    return { problem: 'invalid' };
  })();
  return new CodedError('invalid_request', { field: where, ...problem });
}

/** How long clients are asked to wait after a 503 for a dependency that went away. */
export const RETRY_AFTER_SECONDS = 5;

/** The code of every "try again shortly" 503; it carries Retry-After, on pages a calm page. */
export const UNAVAILABLE = 'unavailable';

export const unavailable = () => new CodedError(UNAVAILABLE, undefined, { retryAfterSeconds: RETRY_AFTER_SECONDS });

export function refusalFor(error: unknown): Refusal | undefined {
  if (error instanceof CodedError) return refusal(error);
  if (isDatabaseUnavailable(error)) return refusal(unavailable());
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) return refusal(validationProblem(fastifyError));
  const known = fastifyError.code ? FRAMEWORK_REFUSALS[fastifyError.code] : undefined;
  if (known) return refusal(new CodedError(known));
  // JSON.parse's message quotes the body: never pass it on.
  if (error instanceof SyntaxError && fastifyError.statusCode === 400) return refusal(new CodedError('invalid_json'));
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return refusal(new CodedError('bad_request'), fastifyError.statusCode);
  }
  return undefined;
}

export function wantsJson(request: FastifyRequest): boolean {
  return request.url.startsWith('/api/') || request.url.startsWith('/mod/api/') || request.url.startsWith('/press/api/');
}

async function sendRefusal(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply, { error, statusCode }: Refusal) {
  reply.code(statusCode);
  if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
  // A refusal is never cached, least of all a passing outage in front of a public page.
  if (error.code === UNAVAILABLE) reply.header('cache-control', 'no-store');
  // The reader's language (path prefix, ?lang=, a moderator's choice); the code is the same in all.
  const language = request.language;
  const message = codedErrorMessage(error, language);
  if (wantsJson(request)) {
    return reply.type('application/json; charset=utf-8').send(errorBody(error, message));
  }
  // app.view, not reply.view: the router's own errors get a reply without plugin decorations.
  const languageContext = pageLanguage(request, { samePage: false });
  const page =
    error.code === UNAVAILABLE
      ? await app.view('pages/unavailable', { ...languageContext, title: translate(languageContext.language, 'pages:unavailable.title'), message })
      : await app.view('pages/error', { ...languageContext, title: message, statusCode, message });
  return reply.type('text/html; charset=utf-8').send(page);
}

/** DESIGN §8's JSON body: the code, its words, and the details they were rendered from. */
export function errorBody(error: CodedError, message = codedErrorMessage(error)): ErrorBody {
  return { error: { code: error.code, message, ...(error.details === undefined ? {} : { details: { ...error.details } }) } };
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
    void sendRefusal(appRef(), request, reply, refusalFor(error) ?? refusal(new CodedError('bad_request')));
  };
}

const CLIENT_ERRORS: Record<string, 'request_timeout' | 'headers_too_large'> = {
  ERR_HTTP_REQUEST_TIMEOUT: 'request_timeout',
  HPE_HEADER_OVERFLOW: 'headers_too_large',
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
    const refused = new CodedError((error.code && CLIENT_ERRORS[error.code]) || 'bad_request');
    const status = refused.statusCode;
    const body = JSON.stringify(errorBody(refused));
    const headers = {
      ...constantHeaders,
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(body)),
      connection: 'close',
    };
    const head = Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    // Then closed both ways: a slow client that keeps sending would otherwise hold its half open for ever.
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head}\r\n${body}`, () => socket.destroy());
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

/** `diskFull` hears of every write refused for want of space (for /readyz). */
export function registerErrorHandling(app: FastifyInstance, diskFull?: RecentDiskFull): void {
  app.setErrorHandler(async (error, request, reply) => {
    diskFull?.note(error);
    const refused = refusalFor(error);
    // Database errors only: Redis reports its own outage, and a shutdown is no outage.
    if (refused?.error.code === UNAVAILABLE && !(error instanceof CodedError)) outageNotice(app, error);
    if (refused) return sendRefusal(app, request, reply, refused);
    request.log.error({ err: error }, 'request failed');
    return sendRefusal(app, request, reply, refusal(new CodedError('internal_error')));
  });

  app.setNotFoundHandler(async (request, reply) => sendRefusal(app, request, reply, refusal(new CodedError('not_found'))));
}
