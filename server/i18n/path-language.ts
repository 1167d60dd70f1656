// The language of a public or source page comes from its path (issue 31, DESIGN §9): /es/… and
// /pt-BR/… are the same routes as /… with request.language set; English stays unprefixed. No
// cookie is read or set: Accept-Language is asked only when the bare / is visited from outside.
import type { FastifyInstance, FastifyRequest, RawRequestDefaultExpression } from 'fastify';
import { LANGUAGES, SOURCE_LANGUAGE, isLanguage, type Language } from '../../common/languages.js';

// Moderators, programs and operators have their own addresses: /es/mod/… is not a page.
const UNPREFIXED_AREAS = ['/mod', '/api', '/assets', '/healthz', '/readyz'];
// …except the API reference, a page people read (its JSON stays at /api/docs/json alone).
const READABLE_PAGES_IN_THOSE_AREAS = ['/api/docs'];

/** Each language named in itself, as the switcher shows it (never translated). */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', es: 'Español', 'pt-BR': 'Português (Brasil)' };

function inArea(path: string, area: string): boolean {
  return path === area || path.startsWith(`${area}/`) || path.startsWith(`${area}?`);
}

/** `/es/stories?x` → es and `/stories?x`; undefined where the URL carries no language prefix. */
export function splitLanguagePrefix(url: string): { language: Language; rest: string } | undefined {
  const end = url.slice(1).search(/[/?]/) + 1;
  const first = end === 0 ? url.slice(1) : url.slice(1, end);
  if (first === SOURCE_LANGUAGE || !isLanguage(first)) return undefined;
  const tail = end === 0 ? '' : url.slice(end);
  const rest = tail === '' || tail.startsWith('?') ? `/${tail}` : tail;
  const readable = READABLE_PAGES_IN_THOSE_AREAS.some((page) => rest === page || rest.startsWith(`${page}?`));
  if (!readable && UNPREFIXED_AREAS.some((area) => inArea(rest, area))) return undefined;
  return { language: first, rest };
}

/** Where `path` (an English address, "/stories/x") is in `language`. */
export function localPath(language: Language, path: string): string {
  if (language === SOURCE_LANGUAGE) return path;
  return path === '/' ? `/${language}/` : `/${language}${path}`;
}

/** Fastify's rewriteUrl: the routes see the address without its language prefix. */
export function withoutLanguagePrefix(raw: RawRequestDefaultExpression): string {
  const url = raw.url ?? '/';
  return splitLanguagePrefix(url)?.rest ?? url;
}

/**
 * The language a reader's Accept-Language prefers among ours (q-values honoured; `es-MX` is
 * Spanish, any `pt` is Brazilian Portuguese); English when it names none of them.
 */
export function preferredLanguage(header: string | undefined): Language {
  if (!header) return SOURCE_LANGUAGE;
  const ranges = header
    .split(',')
    .map((part, order) => {
      const [range = '', ...parameters] = part.trim().toLowerCase().split(';');
      const q = parameters.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { base: range.split('-')[0] ?? '', q: q === undefined ? 1 : Number(q), order };
    })
    .filter((r) => r.q > 0)
    .sort((a, b) => b.q - a.q || a.order - b.order);
  for (const { base } of ranges) {
    const match = LANGUAGES.find((language) => language.toLowerCase().split('-')[0] === base);
    if (match) return match;
  }
  return SOURCE_LANGUAGE;
}

// The bare / answers differently by these, so caches must keep them apart.
const HOME_VARY = 'accept-encoding, accept-language, sec-fetch-site';

/** A visit to the bare / from outside the site (typed, bookmarked, linked from elsewhere). */
function arrivesAtBareHome(request: FastifyRequest): boolean {
  return request.originalUrl === '/' && request.headers['sec-fetch-site'] !== 'same-origin';
}

export function registerPathLanguage(app: FastifyInstance): void {
  // A callback hook: an async one costs every request a promise.
  app.addHook('onRequest', (request, reply, done) => {
    request.language = splitLanguagePrefix(request.originalUrl)?.language ?? SOURCE_LANGUAGE;
    if ((request.method === 'GET' || request.method === 'HEAD') && arrivesAtBareHome(request)) {
      const preferred = preferredLanguage(request.headers['accept-language']);
      if (preferred !== SOURCE_LANGUAGE) {
        reply
          .code(302)
          .headers({ location: localPath(preferred, '/'), vary: HOME_VARY, 'cache-control': 'no-store' })
          .send();
        return;
      }
    }
    done();
  });
}

/** The home page's Vary when asked at the bare / (which may redirect by these headers); the route sets it, so that no hook runs on every response. */
export function homeVary(request: FastifyRequest): string | undefined {
  return request.originalUrl === '/' ? HOME_VARY : undefined;
}

export interface LanguageAlternate {
  language: Language;
  name: string;
  url: string;
  current: boolean;
}

/**
 * What every page's layout needs to speak the request's language: `language` (for {{t}},
 * <html lang> and links) and the same page in each language (hreflang and the switcher).
 * The path only, never the query: a cached page must not carry one reader's query to the next.
 * An error page links each language's home instead: it never echoes the address it refused.
 */
export function pageLanguage(request: FastifyRequest, { samePage = true } = {}): { language: Language; alternates: LanguageAlternate[] } {
  // Errors the router raises reach us before any hook set the language.
  const language = isLanguage(request.language) ? request.language : SOURCE_LANGUAGE;
  const queryAt = request.url.indexOf('?');
  const path = !samePage ? '/' : queryAt === -1 ? request.url : request.url.slice(0, queryAt);
  return {
    language,
    alternates: LANGUAGES.map((other) => ({ language: other, name: LANGUAGE_NAMES[other], url: localPath(other, path), current: other === language })),
  };
}
