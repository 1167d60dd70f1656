// /platforms and /platforms/:key (DESIGN §8): the per-platform scorecard as pages, CSV and JSON,
// all read from the latest release's stored figures and served from the public cache.
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { Database } from '../db/schema.js';
import { CodedError } from '../../common/errors.js';
import { platforms } from '../../common/vocabulary.js';
import { pageLanguage } from '../i18n/path-language.js';
import { translate } from '../i18n/catalogue.js';
import { PublicResponseCache } from './cache.js';
import { accountsText, hasScorecard, platformScorecard, platformScorecards, platformsCsv } from './platforms.js';
import { latestStatistics } from './release.js';
import { platformKeyParamsSchema, platformResponseSchema, platformsResponseSchema } from './schemas.js';

export interface PlatformsRoutesOptions {
  db: Kysely<Database>;
  config: Config;
}

function knownPlatform(key: string): string {
  if (!platforms.has(key)) throw new CodedError('unknown_platform', { key: key.slice(0, 40), platforms: platforms.keys });
  return key;
}

export async function platformsRoutes(untyped: FastifyInstance, { db, config }: PlatformsRoutesOptions): Promise<void> {
  // Each handler's params and reply are inferred from its route's JSON schema.
  const app = untyped.withTypeProvider<JsonSchemaToTsProvider>();
  const cache = new PublicResponseCache(db);
  const html = 'text/html; charset=utf-8';

  app.get('/platforms', async (request, reply) =>
    cache.respond(request, reply, async () => {
      const latest = await latestStatistics(db);
      const statistics = latest?.statistics ?? null;
      const kMin = statistics?.kMin ?? config.kMin;
      const cards = platformScorecards(statistics).map((card) => ({ ...card, accountsText: accountsText(card, kMin) }));
      return { type: html, body: await app.view('pages/platforms', { ...pageLanguage(request), title: translate(request.language, 'pages:platforms.title'), statistics, cards, kMin }) };
    }),
  );

  app.get('/platforms.csv', async (request, reply) =>
    cache.respond(request, reply, async () => {
      const statistics = (await latestStatistics(db))?.statistics ?? null;
      return { type: 'text/csv; charset=utf-8', body: platformsCsv(statistics, platformScorecards(statistics)) };
    }),
  );

  app.get('/platforms/:key', { schema: { params: platformKeyParamsSchema } }, async (request, reply) =>
    cache.respond(request, reply, async () => {
      const key = knownPlatform(request.params.key);
      const statistics = (await latestStatistics(db))?.statistics ?? null;
      const kMin = statistics?.kMin ?? config.kMin;
      const card = statistics ? platformScorecard(statistics, key) : { key, label: platforms.labelOf(key), accounts: { count: null, status: 'withheld' as const }, principles: [] };
      return {
        type: html,
        body: await app.view('pages/platform', { ...pageLanguage(request), title: card.label, statistics, card, kMin, accountsText: accountsText(card, kMin) }),
      };
    }),
  );

  app.get(
    '/api/v1/platforms',
    { schema: { tags: ['public'], summary: 'Scorecards of the platforms named by at least kMin accounts', response: platformsResponseSchema } },
    async (request, reply) =>
      cache.respondJson(request, reply, async () => {
        const latest = await latestStatistics(db);
        const statistics = latest?.statistics ?? null;
        return {
          batch: latest?.sequence ?? null,
          figuresUpdatedOn: statistics?.figuresUpdatedOn ?? null,
          kMin: statistics?.kMin ?? config.kMin,
          platforms: platformScorecards(statistics),
        };
      }),
  );

  app.get(
    '/api/v1/platforms/:key',
    { schema: { tags: ['public'], summary: 'One platform’s scorecard (no principles while fewer than kMin accounts name it)', params: platformKeyParamsSchema, response: platformResponseSchema } },
    async (request, reply) =>
      cache.respondJson(request, reply, async () => {
        const key = knownPlatform(request.params.key);
        const latest = await latestStatistics(db);
        const statistics = latest?.statistics ?? null;
        const kMin = statistics?.kMin ?? config.kMin;
        const card = statistics ? platformScorecard(statistics, key) : null;
        return {
          batch: latest?.sequence ?? null,
          figuresUpdatedOn: statistics?.figuresUpdatedOn ?? null,
          kMin,
          platform: card ?? { key, label: platforms.labelOf(key), accounts: { count: null, status: 'withheld' }, principles: [] },
          hasScorecard: statistics !== null && hasScorecard(statistics, key),
        };
      }),
  );
}
