// Server-rendered pages: Handlebars through @fastify/view, with hashed asset names.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import fastifyView from '@fastify/view';
import type { FastifyInstance } from 'fastify';
import Handlebars from 'handlebars';
import { isLanguage, SOURCE_LANGUAGE } from '../common/languages.js';
import { translate } from './i18n/catalogue.js';
import { localPath } from './i18n/path-language.js';
import { registerLocaleHelpers } from './i18n/locale-format.js';
import { browserErrorWords } from './i18n/error-messages.js';
import { assetsDir, viewsDir } from './paths.js';

export type AssetManifest = Record<string, string>;

export function readAssetManifest(): AssetManifest {
  try {
    return JSON.parse(readFileSync(path.join(assetsDir, 'manifest.json'), 'utf8')) as AssetManifest;
  } catch {
    throw new Error(`No browser bundles in ${assetsDir}: run "npm run build" first.`);
  }
}

const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
function escapeText(words: string): string {
  return words.replace(/[&<>"]/g, (c) => TEXT_ESCAPES[c]!);
}

/** The language a view is rendered in: its context's `language`, English when it has none. */
function viewLanguage(options: Handlebars.HelperOptions) {
  const language: unknown = (options.data as { root?: { language?: unknown } } | undefined)?.root?.language;
  return isLanguage(language) ? language : SOURCE_LANGUAGE;
}

export async function registerViews(app: FastifyInstance, manifest: AssetManifest): Promise<void> {
  const handlebars = Handlebars.create();
  handlebars.registerHelper('asset', (name: string) => {
    const url = manifest[name];
    if (!url) throw new Error(`unknown asset ${name}`);
    return url;
  });
  // {{t "namespace:key" count=n name=value}}: words in the page's language (the view's `language`).
  // Escaped for text and double-quoted attributes (the only kind our templates write), leaving
  // apostrophes as they are: "source's", not "source&#x27;s", in the page's bytes.
  handlebars.registerHelper(
    't',
    (key: string, options: Handlebars.HelperOptions) => new handlebars.SafeString(escapeText(translate(viewLanguage(options), key, options.hash as Record<string, unknown>))),
  );
  // {{tm "namespace:key" url=…}}: the same for words that carry their own markup (a link inside a
  // sentence, kept whole for translators). The catalogue's markup is trusted; every value is escaped.
  handlebars.registerHelper('tm', (key: string, options: Handlebars.HelperOptions) => {
    const escaped = (value: unknown) => (typeof value === 'number' ? value : value instanceof handlebars.SafeString ? value.toString() : handlebars.escapeExpression(String(value)));
    const values = Object.fromEntries(Object.entries(options.hash as Record<string, unknown>).map(([name, value]) => [name, escaped(value)]));
    return new handlebars.SafeString(translate(viewLanguage(options), key, values));
  });
  // (timeElement day): a day as <time>, to place inside a {{tm}} sentence.
  handlebars.registerHelper('timeElement', (day: unknown) => {
    const text = handlebars.escapeExpression(String(day));
    return new handlebars.SafeString(`<time datetime="${text}">${text}</time>`);
  });
  // {{href "/stories/" slug}}: a link to one of our pages that stays in the page's language.
  handlebars.registerHelper('href', (...args: unknown[]) => {
    const options = args.pop() as Handlebars.HelperOptions; // why: Handlebars passes its options last
    return localPath(viewLanguage(options), args.map(String).join(''));
  });
  // {{errorWords}}: the words of the refusals a page's script raises itself, in the page's language only.
  handlebars.registerHelper('errorWords', function (this: unknown, options: Handlebars.HelperOptions) {
    const language: unknown = (options.data as { root?: { language?: unknown } } | undefined)?.root?.language;
    return browserErrorWords(isLanguage(language) ? language : SOURCE_LANGUAGE);
  });
  handlebars.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  handlebars.registerHelper('includes', (list: unknown, value: unknown) => Array.isArray(list) && list.includes(value));
  registerLocaleHelpers(handlebars);

  // Declared first, so that @fastify/view adds no onRequest hook to set it to {} on every request:
  // no view reads reply.locals (a null merges as nothing), and a hook costs every response.
  app.decorateReply('locals', null);
  await app.register(fastifyView, {
    engine: { handlebars },
    root: viewsDir,
    layout: 'layouts/main.hbs',
    viewExt: 'hbs',
    options: {
      partials: {
        attachments: 'partials/attachments.hbs',
        'moderation-attachments': 'partials/moderation-attachments.hbs',
        navigation: 'partials/navigation.hbs',
        'no-javascript-notice': 'partials/no-javascript-notice.hbs',
        'receipt-card': 'partials/receipt-card.hbs',
        'receipt-word-messages': 'partials/receipt-word-messages.hbs',
        'statistics-tables': 'partials/statistics-tables.hbs',
        'language-switcher': 'partials/language-switcher.hbs',
        'moderation-facets': 'partials/moderation-facets.hbs',
        'moderation-verification': 'partials/moderation-verification.hbs',
        'moderation-signed-email': 'partials/moderation-signed-email.hbs',
        'signed-email-about': 'partials/signed-email-about.hbs',
      },
    },
    defaultContext: { siteName: 'Offscript', language: SOURCE_LANGUAGE },
    production: process.env.NODE_ENV !== 'development',
  });

  await app.register(fastifyStatic, {
    root: assetsDir,
    prefix: '/assets/',
    index: false,
    // Names carry a content hash, so a file never changes under its name.
    immutable: true,
    preCompressed: true,
    maxAge: 365 * 86_400 * 1000,
    allowedPath: (pathName) => !pathName.endsWith('manifest.json'),
  });
}
