// Server-rendered pages: Handlebars through @fastify/view, with hashed asset names.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import fastifyView from '@fastify/view';
import type { FastifyInstance } from 'fastify';
import Handlebars from 'handlebars';
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
    defaultContext: { siteName: 'Offscript' },
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
