// The public side for journalists (DESIGN §6, §8): pages, CSV, Atom and the JSON API, all
// rendered from the latest release and served from a cache with ETags.
import { publishedAnswers } from '../press/service.js';
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { Database } from '../db/schema.js';
import { currentIntakeKey } from '../intake/service.js';
import { homeVary, pageLanguage } from '../i18n/path-language.js';
import { translate } from '../i18n/catalogue.js';
import { conditions, platforms, roles, taskTypes } from '../../common/vocabulary.js';
import type { Language } from '../../common/languages.js';
import { termLabel, termsIn } from '../i18n/vocabulary-labels.js';
import { atomFeed, type ReleaseEntry } from './atom.js';
import { scorecard as scorecardOf } from './platforms.js';
import { PublicResponseCache } from './cache.js';
import { latestStatistics, lifetimeBudget, privacyLedger, STATISTICS_CONFIDENCE } from './release.js';
import type { ReplayedResponses } from './replay.js';
import {
  languageQuerySchema,
  releaseParamsSchema,
  releaseResponseSchema,
  releasesResponseSchema,
  storiesQuerySchema,
  storiesResponseSchema,
  slugParamsSchema,
  statsQuerySchema,
  statsResponseSchema,
  type ReleaseParams,
  type ReleaseSummary,
} from './schemas.js';
import { headlineText, hiddenStatesLine, selectTables, statsJson, statsPageTables, tidyCsv } from './statistics-formats.js';
import { COUNTS_ONE_ACCOUNT_MOVES, STATISTICS_TABLE_IDS } from './statistics.js';
import { statisticsIn } from './statistics-words.js';
import { allPublishedStories, getPublicStory, listPublishedStories, recentQuotes, storiesCsv } from './stories.js';
import { apiReferenceOperations, wantsApiReferencePage } from './api-docs.js';
import { figuresProvenance, getRelease, latestRelease, listReleases, releaseCitation, releaseCodebook, releaseNumber, type Release } from './releases.js';

export interface PublishingRoutesOptions {
  db: Kysely<Database>;
  config: Config;
  /** Where cached pages are recorded to be answered in front of Fastify (server/publishing/replay.ts); absent, they are not. */
  replay?: ReplayedResponses;
}

/** The latest release's scorecards as a feed entry, when it has any. */
async function scorecardReleaseEntries(db: Kysely<Database>, language: Language): Promise<ReleaseEntry[]> {
  const latest = await latestStatistics(db);
  const scorecard = scorecardOf(latest?.statistics ?? null, language);
  if (!latest?.statistics || scorecard.platforms.length === 0) return [];
  return [{ sequence: latest.sequence, releasedOn: latest.releasedOn, figuresUpdatedOn: latest.statistics.figuresUpdatedOn, scorecard }];
}

export async function publishingRoutes(untyped: FastifyInstance, { db, config, replay }: PublishingRoutesOptions): Promise<void> {
  // Each handler's query, params and reply are inferred from its route's JSON schema.
  const app = untyped.withTypeProvider<JsonSchemaToTsProvider>();
  const cache = new PublicResponseCache(db, replay);
  const html = 'text/html; charset=utf-8';
  // The filters' labels in the reader's language; the values sent back are the keys.
  const filterChoices = (language: Language) => ({
    platforms: termsIn(language, platforms),
    roles: termsIn(language, roles),
    taskTypes: termsIn(language, taskTypes),
    conditions: termsIn(language, conditions),
  });

  app.get('/', async (request, reply) =>
    cache.respond(
      request,
      reply,
      async () => {
        const latest = await latestStatistics(db);
        return {
          type: html,
          body: await app.view('pages/index', {
            ...pageLanguage(request),
            title: translate(request.language, 'pages:index.title'),
            latest,
            headline: latest?.statistics ? headlineText(request.language, latest.statistics) : undefined,
            kMin: latest?.statistics?.kMin ?? config.kMin,
            quotes: await recentQuotes(db),
          }),
        };
      },
      // The bare / redirects by these headers (server/i18n/path-language.ts).
      { vary: homeVary(request) },
    ),
  );

  app.get('/stories', { schema: { querystring: storiesQuerySchema } }, async (request, reply) =>
    cache.respond(request, reply, async () => {
      const { stories, nextCursor } = await listPublishedStories(db, request.query);
      const params = new URLSearchParams(Object.entries(request.query).filter(([k, v]) => k !== 'cursor' && v) as [string, string][]);
      if (nextCursor) params.set('cursor', nextCursor);
      return {
        type: html,
        body: await app.view('pages/stories', {
          ...pageLanguage(request),
          title: translate(request.language, 'pages:stories.title'),
          stories,
          choices: filterChoices(request.language),
          query: request.query,
          nextPage: nextCursor ? `?${params.toString()}` : null,
          filtered: Object.entries(request.query).some(([k, v]) => k !== 'cursor' && Boolean(v)),
        }),
      };
    }),
  );

  app.get('/stories.csv', async (request, reply) =>
    cache.respond(request, reply, async () => ({ type: 'text/csv; charset=utf-8', body: storiesCsv(await allPublishedStories(db), config.publicOrigin) })),
  );

  // The story is read inside the render: a page once served stays served while the database is away.
  app.get('/stories/:slug', { schema: { params: slugParamsSchema } }, async (request, reply) =>
    cache.respond(request, reply, async () => {
      const story = await getPublicStory(db, request.params.slug);
      return {
        type: html,
        body: await app.view('pages/story', {
          ...pageLanguage(request),
          title: story.title,
          story,
          permalink: `${config.publicOrigin}/stories/${story.slug}`,
          // Answers a source gave journalists for publication, approved by two moderators (issue 32).
          pressAnswers: await publishedAnswers(db, story.slug),
          tagLabels: [
            ...(story.tags.platforms ?? []).map((k) => termLabel(request.language, platforms, k)),
            ...(story.tags.roles ?? []).map((k) => termLabel(request.language, roles, k)),
            ...(story.tags.taskTypes ?? []).map((k) => termLabel(request.language, taskTypes, k)),
            ...(story.tags.conditions ?? []).map((k) => termLabel(request.language, conditions, k)),
          ],
        }),
      };
    }),
  );

  const refreshRule = { kMin: config.kMin, refreshEveryMonths: config.refreshEveryMonths, confidencePercent: Math.round(STATISTICS_CONFIDENCE * 100), budget: lifetimeBudget() };

  app.get('/stats', async (request, reply) =>
    cache.respond(request, reply, async () => {
      const latest = await latestStatistics(db);
      const statistics = latest?.statistics;
      return {
        type: html,
        body: await app.view('pages/stats', {
          ...pageLanguage(request),
          title: translate(request.language, 'pages:stats.title'),
          latest,
          statistics,
          // The release that drew these figures, when they carried over to the latest one.
          figuresFrom: statistics ? (await latestRelease(db))?.figuresFrom : undefined,
          refreshRule,
          hiddenStates: hiddenStatesLine(statistics?.kMin ?? config.kMin, request.language),
          tables: statistics ? statsPageTables(request.language, statistics) : [],
          // "N accounts, of which about M backed by a platform's signed email" (issue 33).
          tierSentence: statistics ? headlineText(request.language, statistics).verification : undefined,
        }),
      };
    }),
  );

  app.get('/stats.csv', { schema: { querystring: statsQuerySchema } }, async (request, reply) =>
    cache.respond(request, reply, async () => {
      const latest = await latestStatistics(db);
      const tables = selectTables(latest?.statistics ?? null, request.query.table, STATISTICS_TABLE_IDS);
      // The query shares the JSON API's schema: ?lang= picks the labels' language here too.
      return { type: 'text/csv; charset=utf-8', body: tidyCsv(request.query.lang ?? request.language, latest, tables, config.kMin) };
    }),
  );

  app.get('/about', async (request, reply) =>
    cache.respond(request, reply, async () => ({
      type: html,
      body: await app.view('pages/about', {
        ...pageLanguage(request),
        title: translate(request.language, 'pages:about.title'),
        kMin: config.kMin,
        fewerThanKMax: config.kMin - 1,
        intakeKey: await currentIntakeKey(db),
        retentionDays: config.retentionDays,
        batchMin: config.batchMin,
        batchDelayDays: config.batchDelayDays,
        refreshRule,
        budget: refreshRule.budget,
        countsOneAccountMoves: COUNTS_ONE_ACCOUNT_MOVES,
        ledger: await privacyLedger(db),
      }),
    })),
  );

  app.get('/feed.atom', { schema: { querystring: languageQuerySchema } }, async (request, reply) =>
    cache.respond(request, reply, async () => ({
      type: 'application/atom+xml; charset=utf-8',
      body: atomFeed(
        config.publicOrigin,
        (await listPublishedStories(db, { limit: 50 })).stories,
        await scorecardReleaseEntries(db, request.query.lang ?? request.language),
        undefined,
        request.query.lang ?? request.language,
      ),
    })),
  );

  app.get(
    '/api/v1/stories',
    { schema: { tags: ['public'], summary: 'Published stories, newest batch first', querystring: storiesQuerySchema, response: storiesResponseSchema } },
    async (request, reply) =>
      cache.respondJson(request, reply, async () => {
        const { stories, nextCursor } = await listPublishedStories(db, request.query);
        return { stories: stories.map(({ status: _status, ...s }) => ({ ...s, url: `${config.publicOrigin}/stories/${s.slug}` })), nextCursor };
      }),
  );

  app.get(
    '/api/v1/stats',
    { schema: { tags: ['public'], summary: 'The disclosure-controlled statistics of the latest refresh', querystring: statsQuerySchema, response: statsResponseSchema } },
    async (request, reply) =>
      cache.respondJson(request, reply, async () => {
        const latest = await latestStatistics(db);
        return statsJson(request.query.lang ?? request.language, latest, selectTables(latest?.statistics ?? null, request.query.table, STATISTICS_TABLE_IDS));
      }),
  );

  // Releases (DESIGN §8): permanent pages and their data package, read from the stored batch.
  const releaseUrl = (sequence: number) => `${config.publicOrigin}/releases/${sequence}`;
  const releaseSummaryJson = (r: ReleaseSummary) => ({ ...r, url: releaseUrl(r.sequence) });
  const loadRelease = async (raw: string): Promise<Release> => getRelease(db, releaseNumber(raw));
  // A data-package file saves under a name that says which release it is; refusals stay pages.
  const downloadAs = (file: string) => ({
    schema: { params: releaseParamsSchema },
    onSend: async (request: FastifyRequest<{ Params: ReleaseParams }>, reply: FastifyReply, payload: unknown) => {
      if (reply.statusCode === 200) reply.header('content-disposition', `attachment; filename="offscript-release-${request.params.n}-${file}"`);
      return payload;
    },
  });

  app.get('/releases', async (request, reply) =>
    cache.respond(request, reply, async () => ({
      type: html,
      body: await app.view('pages/releases', {
        ...pageLanguage(request),
        title: translate(request.language, 'pages:releases.title'),
        releases: (await listReleases(db)).reverse().map((r) => ({ ...r, figures: figuresProvenance(r) })),
      }),
    })),
  );

  app.get('/releases/:n', { schema: { params: releaseParamsSchema } }, async (request, reply) =>
    cache.respond(request, reply, async () => {
      const release = await loadRelease(request.params.n);
      return {
        type: html,
        body: await app.view('pages/release', {
          ...pageLanguage(request),
          title: translate(request.language, 'pages:release.title', { sequence: release.sequence }),
          release,
          provenance: figuresProvenance(release, request.language),
          citation: releaseCitation(release, config.publicOrigin, request.language),
          hiddenStates: hiddenStatesLine(release.statistics?.kMin ?? config.kMin, request.language),
          tables: release.statistics ? statsPageTables(request.language, release.statistics) : [],
        }),
      };
    }),
  );

  app.get('/releases/:n/statistics.csv', downloadAs('statistics.csv'), async (request, reply) =>
    cache.respond(request, reply, async () => {
      const release = await loadRelease(request.params.n);
      return { type: 'text/csv; charset=utf-8', body: tidyCsv(request.language, release, release.statistics?.tables ?? [], config.kMin) };
    }),
  );

  app.get('/releases/:n/codebook.md', downloadAs('codebook.md'), async (request, reply) =>
    cache.respond(request, reply, async () => {
      const release = await loadRelease(request.params.n);
      return { type: 'text/markdown; charset=utf-8', body: releaseCodebook(release, config.publicOrigin, refreshRule) };
    }),
  );

  app.get('/releases/:n/citation.txt', downloadAs('citation.txt'), async (request, reply) =>
    cache.respond(request, reply, async () => {
      const release = await loadRelease(request.params.n);
      return { type: 'text/plain; charset=utf-8', body: `${releaseCitation(release, config.publicOrigin, request.language)}\n` };
    }),
  );

  app.get(
    '/api/v1/releases',
    { schema: { tags: ['public'], summary: 'Every release, oldest first, with where its figures come from', response: releasesResponseSchema } },
    async (request, reply) => cache.respondJson(request, reply, async () => ({ releases: (await listReleases(db)).map(releaseSummaryJson) })),
  );

  app.get(
    '/api/v1/releases/:n',
    {
      schema: {
        tags: ['public'],
        summary: 'One release as published: its figures, its stories and its suggested citation (permanent)',
        params: releaseParamsSchema,
        querystring: languageQuerySchema,
        response: releaseResponseSchema,
      },
    },
    async (request, reply) =>
      cache.respondJson(request, reply, async () => {
        const { batchId: _batchId, statistics, stories, auditHead, ...summary } = await loadRelease(request.params.n);
        return {
          release: releaseSummaryJson(summary),
          citation: releaseCitation(summary, config.publicOrigin),
          auditHead,
          statistics: statistics && statisticsIn(request.query.lang ?? request.language, statistics),
          stories: stories.map((story) =>
            story.status === 'retracted'
              ? { slug: story.slug, status: story.status }
              : { slug: story.slug, status: story.status, title: story.title, attribution: story.attribution, url: `${config.publicOrigin}/stories/${story.slug}` },
          ),
        };
      }),
  );

  // The OpenAPI document keeps its URL for programs (anything that does not ask for HTML) and
  // also lives at /api/docs/json; a browser asking for /api/docs gets the rendered reference.
  app.get('/api/docs/json', { schema: { hide: true } }, async () => app.swagger());
  app.get('/api/docs', { schema: { hide: true } }, async (request, reply) => {
    reply.header('vary', 'accept');
    if (!wantsApiReferencePage(request.headers.accept)) return app.swagger();
    return reply.type(html).view('pages/api-docs', {
      ...pageLanguage(request),
      title: translate(request.language, 'pages:apiDocs.title'),
      page: 'api-docs',
      script: 'api-docs.js',
      stylesheet: 'api-docs.css',
      documentUrl: '/api/docs/json',
      operations: apiReferenceOperations(app.swagger()),
    });
  });
}
