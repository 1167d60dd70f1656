// The response headers of DESIGN §7 on every response, GlobaLeaks' set being the bar.
import helmet from 'helmet';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

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

const PERMISSIONS_POLICY = [
  'accelerometer', 'ambient-light-sensor', 'autoplay', 'battery', 'bluetooth', 'camera',
  'browsing-topics', 'display-capture', 'document-domain', 'encrypted-media', 'fullscreen',
  'geolocation', 'gyroscope', 'hid', 'idle-detection', 'local-fonts', 'magnetometer',
  'microphone', 'midi', 'otp-credentials', 'payment', 'picture-in-picture',
  'publickey-credentials-create', 'publickey-credentials-get', 'screen-wake-lock', 'serial',
  'storage-access', 'sync-xhr', 'usb', 'web-share', 'window-management', 'xr-spatial-tracking',
]
  .map((feature) => `${feature}=()`)
  .join(', ');

export interface SecurityHeaderOptions {
  publicOrigin: string;
  onionOrigin: string | undefined;
}

async function securityHeaders(app: FastifyInstance, options: SecurityHeaderOptions): Promise<void> {
  const servedOverTls = options.publicOrigin.startsWith('https:');
  // helmet's middleware is built once: @fastify/helmet rebuilds it (and re-parses the CSP) on
  // every request, which cost more than half of a cached public page's throughput.
  const applyHelmet = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: { policy: 'require-corp' },
    // HSTS only means something over TLS; sent below when the origin is https.
    strictTransportSecurity: false,
    xFrameOptions: { action: 'deny' },
  });
  app.addHook('onRequest', (request, reply, done) => applyHelmet(request.raw, reply.raw, (err?: unknown) => done(err as Error | undefined)));

  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('permissions-policy', PERMISSIONS_POLICY);
    if (servedOverTls || request.protocol === 'https') {
      reply.header('strict-transport-security', 'max-age=63072000; includeSubDomains');
    }
    if (options.onionOrigin) reply.header('onion-location', options.onionOrigin + request.url);
    if (request.routeOptions.config.sourcePage) reply.header('x-robots-tag', 'noindex, noarchive');
    // Anything that does not say it may be cached is not: source and moderator pages above all.
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });
}

export const securityHeadersPlugin = fp(securityHeaders, { name: 'offscript-security-headers', fastify: '5.x' });
