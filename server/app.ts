// buildApp(deps): every plugin and route module, with no port; tests call app.inject().
import swagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyInstance, type RouteOptions } from 'fastify';
import type { Kysely } from 'kysely';
import { attachmentRoutes } from './attachments/routes.js';
import type { Config } from './config.js';
import type { Database } from './db/schema.js';
import type { TxtResolver } from './evidence/dkim-keys.js';
import { clientErrorResponder, frameworkErrorResponder, registerErrorHandling } from './error-handling.js';
import { followupRoutes } from './followup/routes.js';
import type { ClockGuard } from './clock/guard.js';
import { RecentDiskFull } from './health/disk-signal.js';
import { healthRoutes } from './health/routes.js';
import { intakeRoutes } from './intake/routes.js';
import { moderationRoutes } from './moderation/routes.js';
import { pressRoutes } from './press/routes.js';
import { PLAIN_TEXT_FORMAT, isPlainText, withPlainTextRule } from './plain-text.js';
import { HSTS, constantSecurityHeaders, securityHeaderSetter, securityHeadersPlugin } from './privacy/headers.js';
import { childLoggerFactory, genReqId, loggerOptions } from './privacy/logging.js';
import { withoutLanguagePrefix } from './i18n/path-language.js';
import { registerRequestLanguage } from './i18n/request-language.js';
import { registerRateLimit } from './privacy/rate-limit.js';
import { onionOriginFor } from './privacy/onion-listener.js';
import { platformsRoutes } from './publishing/platforms-routes.js';
import { publishingRoutes } from './publishing/routes.js';
import { ReplayedResponses, replayingServerFactory } from './publishing/replay.js';
import { isDraining, registerDraining } from './shutdown.js';
import { readAssetManifest, registerViews, type AssetManifest } from './views.js';

export const BODY_LIMIT_BYTES = 128 * 1024;

/**
 * Fastify's trust function for TRUST_PROXY. A hop count trusts that many proxies nearest to us
 * and no more, so X-Forwarded-For entries a client wrote itself are never taken; a connection with
 * no address (the onion listener's Unix socket) trusts nothing.
 */
function trustProxySetting(setting: Config['trustProxy']): false | string[] | ((address: string | undefined, hop: number) => boolean) {
  if (typeof setting !== 'number') return setting;
  return (address, hop) => address !== undefined && hop < setting;
}

export interface AppDependencies {
  config: Config;
  db: Kysely<Database>;
  /** Where log lines go; standard output when absent. Tests pass a stream to read them back. */
  logDestination?: NodeJS.WritableStream;
  assetManifest?: AssetManifest;
  /** The directory the embedded database writes to (DATA_DIR on PGlite), which /readyz probes. */
  dataDir?: string;
  /** Told of every route as it is added (the fuzz test walks them all). */
  onRoute?: (route: RouteOptions) => void;
  /** The dated jobs' clock check, which /readyz reports (docs/faults.md); absent in most tests. */
  clock?: ClockGuard;
  /** DNS TXT lookups for DKIM keys; tests pass their own so that none reaches the network. */
  resolveTxt?: TxtResolver;
}

export async function buildApp({ config, db, logDestination, assetManifest, dataDir, onRoute, clock, resolveTxt }: AppDependencies): Promise<FastifyInstance> {
  const headerOptions = { publicOrigin: config.publicOrigin, onionOrigin: config.onionOrigin };
  const rawHeaders = constantSecurityHeaders();
  if (config.publicOrigin.startsWith('https:')) rawHeaders['strict-transport-security'] = HSTS;
  const replay = new ReplayedResponses();
  const app: FastifyInstance = Fastify({
    // Slow clients are dropped (DESIGN §7): a whole request, its headers, an idle socket.
    serverFactory: replayingServerFactory(replay, {
      http: { headersTimeout: config.timeouts.headersMs, requestTimeout: config.timeouts.requestMs, connectionsCheckingInterval: config.timeouts.checkIntervalMs },
      requestTimeout: config.timeouts.requestMs,
      connectionTimeout: config.timeouts.connectionMs,
      keepAliveTimeout: config.timeouts.keepAliveMs,
    }),
    logger: loggerOptions(config.logLevel, logDestination),
    genReqId,
    childLoggerFactory,
    // Fastify's own request lines would carry times and paths of every submission.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: trustProxySetting(config.trustProxy),
    bodyLimit: BODY_LIMIT_BYTES,
    // Our own onRequest hook answers during shutdown, in the error format of DESIGN §8.
    return503OnClosing: false,
    // Extra fields are refused, not silently dropped.
    ajv: { customOptions: { removeAdditional: false, formats: { [PLAIN_TEXT_FORMAT]: isPlainText } } },
    // The router's and Node's parser's own refusals: same headers, same error shape, nothing echoed.
    frameworkErrors: frameworkErrorResponder(() => app, { setSecurityHeaders: securityHeaderSetter(headerOptions) }),
    clientErrorHandler: clientErrorResponder(rawHeaders),
    // /es/… and /pt-BR/… are the same routes in another language (server/i18n/path-language.ts).
    rewriteUrl: withoutLanguagePrefix,
  });
  // Every string a request carries (body, query, path) gets the control-character rule.
  app.addHook('onRoute', (route) => {
    if (!route.schema) return;
    const { body, querystring, params } = route.schema;
    route.schema = {
      ...route.schema,
      ...(body === undefined ? {} : { body: withPlainTextRule(body) }),
      ...(querystring === undefined ? {} : { querystring: withPlainTextRule(querystring) }),
      ...(params === undefined ? {} : { params: withPlainTextRule(params) }),
    };
  });
  if (onRoute) app.addHook('onRoute', onRoute);

  registerRequestLanguage(app);
  const rateLimits = await registerRateLimit(app, config);
  await app.register(securityHeadersPlugin, headerOptions);
  await registerViews(app, assetManifest ?? readAssetManifest());
  // The OpenAPI document of the public API (its JSON at /api/docs/json, rendered at /api/docs by
  // server/publishing/routes.ts); other routes are not tagged. 2.2.0: the releases were added; 2.3.0: stories carry their verification tier;
  // 2.4.0: statistics split by it (headline.verification, table verification_tier);
  // 2.4.1: every object says which properties it always has and that it has no others (same data).
  // 2.5.0: continual release: every shown figure's `margin`, and `statistics.release` (refresh, thresholds, lifetime budget).
  // 2.6.0: the verification tier `verified_email` (a platform's signed email): headline.verification.verifiedEmail, stories' tier.
  // 3.0.0: /api/v1/platforms is the one-table scorecard (platforms as columns, questions as rows, each cell a figure or a state); account version 3's tables.
  await app.register(swagger, {
    openapi: {
      info: { title: 'Offscript public API', version: '3.0.0', description: 'Published stories, disclosure-controlled statistics, a comparable platform scorecard and permanent releases.' },
    },
    hideUntagged: true,
  });
  const diskFull = new RecentDiskFull();
  registerErrorHandling(app, diskFull);

  registerDraining(app);
  replay.stopWhen(() => isDraining(app));
  app.decorate('replayedResponses', replay);

  // Only when someone reads debug lines: a hook that logs nothing still costs every request.
  if (config.logLevel === 'debug' || config.logLevel === 'trace') {
    app.addHook('onResponse', async (request, reply) => {
      request.log.debug({ method: request.method, route: request.routeOptions.url, statusCode: reply.statusCode }, 'answered');
    });
  }

  await app.register(healthRoutes, { db, writableDir: dataDir, redisReady: rateLimits.redisReady, onionOrigin: onionOriginFor(config), clock, diskFull });
  await app.register(publishingRoutes, { db, config, replay });
  await app.register(platformsRoutes, { db, config, replay });
  await app.register(intakeRoutes, { db, config });
  await app.register(attachmentRoutes, { db, config, storeDir: dataDir });
  await app.register(followupRoutes, { db, config });
  await app.register(moderationRoutes, { db, config, redis: rateLimits.redis, resolveTxt });
  await app.register(pressRoutes, { db, config, redis: rateLimits.redis });
  return app;
}
