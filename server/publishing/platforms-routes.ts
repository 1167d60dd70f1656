// /platforms and /platforms/:key (DESIGN §8, issue 32): the scorecard as pages, CSV and JSON, all
// read through platforms.ts `scorecard` from the latest release's stored figures, served from the public cache.
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { Database } from '../db/schema.js';
import { CodedError } from '../../common/errors.js';
import { platforms, scorecardPrinciples } from '../../common/vocabulary.js';
import { pageLanguage } from '../i18n/path-language.js';
import { termLabel } from '../i18n/vocabulary-labels.js';
import { translate } from '../i18n/catalogue.js';
import { PublicResponseCache } from './cache.js';
import { accountsWords, platformColumn, platformsCsv, scorecard, scorecardPage } from './platforms.js';
import { latestStatistics } from './release.js';
import type { ReplayedResponses } from './replay.js';
import { platformKeyParamsSchema, platformResponseSchema, platformsResponseSchema } from './schemas.js';

export interface PlatformsRoutesOptions {
  db: Kysely<Database>;
  config: Config;
  /** Where cached pages are recorded to be answered in front of Fastify (server/publishing/replay.ts); absent, they are not. */
  replay?: ReplayedResponses;
}

function knownPlatform(key: string): string {
  if (!platforms.has(key)) throw new CodedError('unknown_platform', { key: key.slice(0, 40), platforms: platforms.keys });
  return key;
}

export async function platformsRoutes(untyped: FastifyInstance, { db, config, replay }: PlatformsRoutesOptions): Promise<void> {
  // Each handler's params and reply are inferred from its route's JSON schema.
  const app = untyped.withTypeProvider<JsonSchemaToTsProvider>();
  const cache = new PublicResponseCache(db, replay);
  const html = 'text/html; charset=utf-8';

  app.get('/platforms', async (request, reply) =>
    cache.respond(request, reply, async () => {
      const statistics = (await latestStatistics(db))?.statistics ?? null;
      const kMin = statistics?.kMin ?? config.kMin;
      const view = { ...pageLanguage(request), title: translate(request.language, 'scorecard:page.title'), statistics, kMin, card: scorecardPage(statistics, request.language) };
      return { type: html, body: await app.view('pages/platforms', view) };
    }),
  );

  app.get('/platforms.csv', async (request, reply) =>
    cache.respond(request, reply, async () => ({ type: 'text/csv; charset=utf-8', body: platformsCsv((await latestStatistics(db))?.statistics ?? null) })),
  );

  app.get('/platforms/:key', { schema: { params: platformKeyParamsSchema } }, async (request, reply) =>
    cache.respond(request, reply, async () => {
      const key = knownPlatform(request.params.key);
      const statistics = (await latestStatistics(db))?.statistics ?? null;
      const kMin = statistics?.kMin ?? config.kMin;
      const column = platformColumn(statistics, key, request.language);
      const principles = scorecardPrinciples.keys.map((principle) => ({
        key: principle,
        label: termLabel(request.language, scorecardPrinciples, principle),
        questions: column.questions.filter((q) => q.principle === principle),
      }));
      const accounts = accountsWords(request.language, column.platform.accounts, kMin);
      return {
        type: html,
        body: await app.view('pages/platform', { ...pageLanguage(request), title: column.platform.label, statistics, kMin, column, principles, accounts }),
      };
    }),
  );

  app.get(
    '/api/v1/platforms',
    { schema: { tags: ['public'], summary: 'The scorecard: platforms named by at least kMin accounts as columns, the questions as rows', response: platformsResponseSchema } },
    async (request, reply) =>
      cache.respondJson(request, reply, async () => {
        const latest = await latestStatistics(db);
        const statistics = latest?.statistics ?? null;
        return { batch: latest?.sequence ?? null, figuresUpdatedOn: statistics?.figuresUpdatedOn ?? null, kMin: statistics?.kMin ?? config.kMin, ...scorecard(statistics) };
      }),
  );

  app.get(
    '/api/v1/platforms/:key',
    { schema: { tags: ['public'], summary: 'One platform’s column of the scorecard: every question, with its cell', params: platformKeyParamsSchema, response: platformResponseSchema } },
    async (request, reply) =>
      cache.respondJson(request, reply, async () => {
        const key = knownPlatform(request.params.key);
        const latest = await latestStatistics(db);
        const statistics = latest?.statistics ?? null;
        return { batch: latest?.sequence ?? null, figuresUpdatedOn: statistics?.figuresUpdatedOn ?? null, kMin: statistics?.kMin ?? config.kMin, ...platformColumn(statistics, key) };
      }),
  );
}
