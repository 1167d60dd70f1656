// Server-rendered pages: Handlebars through @fastify/view, with hashed asset names.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import fastifyView from '@fastify/view';
import type { FastifyInstance } from 'fastify';
import Handlebars from 'handlebars';
import { isLanguage, SOURCE_LANGUAGE } from '../common/languages.js';
import { translate } from './i18n/catalogue.js';
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

export async function registerViews(app: FastifyInstance, manifest: AssetManifest): Promise<void> {
  const handlebars = Handlebars.create();
  handlebars.registerHelper('asset', (name: string) => {
    const url = manifest[name];
    if (!url) throw new Error(`unknown asset ${name}`);
    return url;
  });
  // {{t "namespace:key" count=n name=value}}: words in the page's language (the view's `language`).
  handlebars.registerHelper('t', function (this: unknown, key: string, options: Handlebars.HelperOptions) {
    const language: unknown = (options.data as { root?: { language?: unknown } } | undefined)?.root?.language;
    return translate(isLanguage(language) ? language : SOURCE_LANGUAGE, key, options.hash as Record<string, unknown>);
  });
  // {{errorWords}}: the words of the refusals a page's script raises itself, in the page's language only.
  handlebars.registerHelper('errorWords', function (this: unknown, options: Handlebars.HelperOptions) {
    const language: unknown = (options.data as { root?: { language?: unknown } } | undefined)?.root?.language;
    return browserErrorWords(isLanguage(language) ? language : SOURCE_LANGUAGE);
  });
  handlebars.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  handlebars.registerHelper('includes', (list: unknown, value: unknown) => Array.isArray(list) && list.includes(value));

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
        'statistics-tables': 'partials/statistics-tables.hbs',
        'moderation-facets': 'partials/moderation-facets.hbs',
        'moderation-verification': 'partials/moderation-verification.hbs',
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
