// The response headers of DESIGN §7 on every response, GlobaLeaks' set being the bar.
import helmet from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import fp from 'fastify-plugin';
import { isOnionRequest } from './onion-listener.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Pages a source uses: never archived, never cached. */
    sourcePage?: boolean;
  }
}

export const CONTENT_SECURITY_POLICY = {
  'default-src': ["'none'"],
  // libsodium runs as WebAssembly, which needs 'wasm-unsafe-eval' (and nothing looser).
  'script-src': ["'self'", "'wasm-unsafe-eval'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'form-action': ["'self'"],
  'base-uri': ["'none'"],
  'frame-ancestors': ["'none'"],
  'require-trusted-types-for': ["'script'"],
};

const POLICY_FEATURES = [
  'accelerometer',
  'ambient-light-sensor',
  'autoplay',
  'battery',
  'bluetooth',
  'camera',
  'browsing-topics',
  'display-capture',
  'document-domain',
  'encrypted-media',
  'fullscreen',
  'geolocation',
  'gyroscope',
  'hid',
  'idle-detection',
  'local-fonts',
  'magnetometer',
  'microphone',
  'midi',
  'otp-credentials',
  'payment',
  'picture-in-picture',
  'publickey-credentials-create',
  'publickey-credentials-get',
  'screen-wake-lock',
  'serial',
  'storage-access',
  'sync-xhr',
  'usb',
  'web-share',
  'window-management',
  'xr-spatial-tracking',
];
// Passkeys (issue 19): the moderator pages alone may use WebAuthn, and only for themselves.
const WEBAUTHN_FEATURES = new Set(['publickey-credentials-create', 'publickey-credentials-get']);
const permissionsPolicy = (allowed: ReadonlySet<string>) => POLICY_FEATURES.map((feature) => `${feature}=${allowed.has(feature) ? '(self)' : '()'}`).join(', ');
const PERMISSIONS_POLICY = permissionsPolicy(new Set());
const MODERATOR_PERMISSIONS_POLICY = permissionsPolicy(WEBAUTHN_FEATURES);
// The press desk (/press, issue 32) logs journalists in with passkeys too.
const isModeratorPath = (url: string) => /^\/(mod|press)(\/|\?|$)/.test(url);

export interface SecurityHeaderOptions {
  publicOrigin: string;
  onionOrigin: string | undefined;
}

/**
 * The headers helmet sets for our options, captured once from its middleware: they do not depend
 * on the request, and running helmet (or @fastify/helmet, which also re-parses the CSP) on every
 * request cost a cached public page more than a third of its throughput.
 */
function helmetHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string | number) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  };
  helmet({
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: { policy: 'require-corp' },
    // HSTS only means something over TLS; sent below when the origin is https.
    strictTransportSecurity: false,
    xFrameOptions: { action: 'deny' },
  })({} as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => {
    // why: helmet only calls setHeader and removeHeader, which the stand-in has
    if (error) throw error;
  });
  if (!headers['content-security-policy']) throw new Error('helmet set no Content-Security-Policy');
  return headers;
}

/** The headers every response carries, whatever the request: also written by hand where Fastify's hooks do not run. */
export function constantSecurityHeaders(): Record<string, string> {
  return { ...helmetHeaders(), 'permissions-policy': PERMISSIONS_POLICY, 'cache-control': 'no-store' };
}

/** Sets DESIGN §7's headers on a reply: the constant set, plus those that depend on the request. */
export function securityHeaderSetter(options: SecurityHeaderOptions): (request: FastifyRequest, reply: FastifyReply) => void {
  const perRequest = requestHeaderSetter(options);
  return (request, reply) => {
    perRequest(request, reply);
    if (request.routeOptions.config?.sourcePage) reply.header('x-robots-tag', SOURCE_PAGE_ROBOTS);
  };
}

const SOURCE_PAGE_ROBOTS = 'noindex, noarchive';

/** One response's whole constant header set, by where it was asked (issue 30: prebuilt, written in one step). */
interface PreparedHeaderSets {
  /** The public origin; with HSTS when it is https (`tls`) or the request came over https. */
  web: Record<string, string>;
  webModerator: Record<string, string>;
  tls: Record<string, string>;
  tlsModerator: Record<string, string>;
  /** The onion origin gets neither HSTS (no certificate there to pin) nor an Onion-Location to itself. */
  onion: Record<string, string>;
  onionModerator: Record<string, string>;
}

function preparedHeaderSets(): PreparedHeaderSets {
  const web = constantSecurityHeaders();
  const tls = { ...web, 'strict-transport-security': HSTS };
  const moderator = (set: Record<string, string>) => ({ ...set, 'permissions-policy': MODERATOR_PERMISSIONS_POLICY });
  return { web, webModerator: moderator(web), tls, tlsModerator: moderator(tls), onion: web, onionModerator: moderator(web) };
}

/**
 * The headers that do not depend on the route: the constant set, HSTS, Onion-Location. Each
 * request's set is chosen from six prebuilt objects and written with one `reply.headers` call:
 * Fastify then hands its header object to Node's `writeHead` once (see docs/response-speed.md).
 */
function requestHeaderSetter(options: SecurityHeaderOptions): (request: FastifyRequest, reply: FastifyReply) => void {
  const servedOverTls = options.publicOrigin.startsWith('https:');
  const sets = preparedHeaderSets();
  const onionOrigin = options.onionOrigin;
  const onionHost = onionOrigin && new URL(onionOrigin).host;
  return (request, reply) => {
    const onion = isOnionRequest(request) || (onionHost !== undefined && request.headers.host === onionHost);
    const moderator = isModeratorPath(request.url);
    // Anything that does not say it may be cached is not (cache-control, in every set): source
    // and moderator pages above all. Routes may override it later (public pages, assets).
    if (onion) return void reply.headers(moderator ? sets.onionModerator : sets.onion);
    const tls = servedOverTls || request.protocol === 'https';
    reply.headers(tls ? (moderator ? sets.tlsModerator : sets.tls) : moderator ? sets.webModerator : sets.web);
    if (onionOrigin) reply.header('onion-location', onionOrigin + request.url);
  };
}

export const HSTS = 'max-age=63072000; includeSubDomains';

async function securityHeaders(app: FastifyInstance, options: SecurityHeaderOptions): Promise<void> {
  const setHeaders = requestHeaderSetter(options);
  // Set before the handler runs, so that routes can override cache-control (public pages, assets).
  app.addHook('onRequest', (request, reply, done) => {
    setHeaders(request, reply);
    done();
  });
  // Source pages get their header from a hook of their own: reading request.routeOptions builds
  // a new object, which every cached public page would pay for.
  app.addHook('onRoute', (route) => {
    if (!route.config?.sourcePage) return;
    const own = route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest];
    route.onRequest = [...own, markSourcePage];
  });
}

function markSourcePage(_request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
  reply.header('x-robots-tag', SOURCE_PAGE_ROBOTS);
  done();
}

export const securityHeadersPlugin = fp(securityHeaders, { name: 'offscript-security-headers', fastify: '5.x' });
