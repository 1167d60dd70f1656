// The public side for journalists (DESIGN §6, §8): pages, CSV, Atom and the JSON API, all
// rendered from the latest release and served from a cache with ETags.
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { Database } from '../db/schema.js';
import { currentIntakeKey } from '../intake/service.js';
import { conditions, payBands, platforms, roles, taskTypes } from '../vocabulary.js';
import { atomFeed } from './atom.js';
import { PublicResponseCache } from './cache.js';
import { barChartSvg } from './charts.js';
import { latestStatistics } from './release.js';
import { storiesQuerySchema, storiesResponseSchema, slugParamsSchema, statsResponseSchema } from './schemas.js';
import type { PublishedStatistics, PublishedTableView } from './statistics.js';
import { getPublicStory, listPublishedStories, recentQuotes, type StoryFilters } from './stories.js';

export interface PublishingRoutesOptions {
  db: Kysely<Database>;
  config: Config;
}

const percent = (share: number) => `${Math.round(share * 100)}%`;

function chartFor(table: PublishedTableView, kMin: number): string {
  const yesIndex = table.columns.findIndex((c) => c.key === 'yes');
  if (yesIndex >= 0) {
    // Condition tables: the share answering yes, only where both numbers are published.
    return barChartSvg({
      id: `chart-${table.id}`,
      title: table.title,
      description: 'Share of accounts answering yes, by platform.',
      bars: table.rows.map((row, i) => {
        const yes = table.cells[i]![yesIndex]!;
        const total = table.rowTotals[i]!;
        return { label: row.label, value: yes === null || total === null || total === 0 ? null : yes / total };
      }),
      format: percent,
      kMin,
    });
  }
  const single = table.rows.length === 1;
  return barChartSvg({
    id: `chart-${table.id}`,
    // The pay table's chart counts who reported pay; the bands themselves are in the table.
    title: table.medians ? 'Accounts reporting pay, by platform' : table.title,
    description: single ? `Accounts by ${table.columnTitle.toLowerCase()}.` : `Accounts by ${table.rowTitle.toLowerCase()}.`,
    bars: single ? table.columns.map((c, j) => ({ label: c.label, value: table.cells[0]![j]! })) : table.rows.map((r, i) => ({ label: r.label, value: table.rowTotals[i]! })),
    format: (n) => String(n),
    kMin,
  });
}

function statsCsv(statistics: PublishedStatistics): string {
  const field = (value: string | number) => (typeof value === 'number' ? String(value) : `"${value.replaceAll('"', '""')}"`);
  const hidden = `fewer than ${statistics.kMin}`;
  const lines = ['table,row,column,value'];
  for (const table of statistics.tables) {
    table.rows.forEach((row, i) => {
      table.columns.forEach((column, j) => lines.push([table.id, row.key, column.key, table.cells[i]![j] ?? hidden].map(field).join(',')));
      lines.push([table.id, row.key, 'total', table.rowTotals[i] ?? hidden].map(field).join(','));
      if (table.medians) lines.push([table.id, row.key, 'median_band', table.medians[i] ?? hidden].map(field).join(','));
    });
    table.columns.forEach((column, j) => lines.push([table.id, 'total', column.key, table.columnTotals[j] ?? hidden].map(field).join(',')));
    lines.push([table.id, 'total', 'total', table.total ?? hidden].map(field).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

export async function publishingRoutes(app: FastifyInstance, { db, config }: PublishingRoutesOptions): Promise<void> {
  const cache = new PublicResponseCache(db);
  const html = 'text/html; charset=utf-8';
  const filterChoices = {
    platforms: platforms.terms,
    roles: roles.terms,
    taskTypes: taskTypes.terms,
    conditions: conditions.terms,
  };

  app.get('/', async (request, reply) =>
    cache.respond(request, reply, async () => {
      const latest = await latestStatistics(db);
      return {
        type: html,
        body: await app.view('pages/index', {
          title: 'Accounts of AI-training gig work',
          latest,
          headline: latest?.statistics.headline,
          kMin: config.kMin,
          conditionShares: latest?.statistics.headline.conditions.map((c) => ({ ...c, percent: c.share === null ? null : percent(c.share) })),
          quotes: await recentQuotes(db),
        }),
      };
    }),
  );

  app.get<{ Querystring: StoryFilters }>('/stories', { schema: { querystring: storiesQuerySchema } }, async (request, reply) =>
    cache.respond(request, reply, async () => {
      const { stories, nextCursor } = await listPublishedStories(db, request.query);
      const params = new URLSearchParams(Object.entries(request.query).filter(([k, v]) => k !== 'cursor' && v) as [string, string][]);
      if (nextCursor) params.set('cursor', nextCursor);
      return {
        type: html,
        body: await app.view('pages/stories', {
          title: 'Stories',
          stories,
          choices: filterChoices,
          query: request.query,
          nextPage: nextCursor ? `/stories?${params.toString()}` : null,
          filtered: Object.entries(request.query).some(([k, v]) => k !== 'cursor' && Boolean(v)),
        }),
      };
    }),
  );

  app.get<{ Params: { slug: string } }>('/stories/:slug', { schema: { params: slugParamsSchema } }, async (request, reply) => {
    const story = await getPublicStory(db, request.params.slug);
    return cache.respond(request, reply, async () => ({
      type: html,
      body: await app.view('pages/story', {
        title: story.title,
        story,
        permalink: `${config.publicOrigin}/stories/${story.slug}`,
        tagLabels: [
          ...(story.tags.platforms ?? []).map((k) => platforms.labelOf(k as never)),
          ...(story.tags.roles ?? []).map((k) => roles.labelOf(k as never)),
          ...(story.tags.taskTypes ?? []).map((k) => taskTypes.labelOf(k as never)),
          ...(story.tags.conditions ?? []).map((k) => conditions.labelOf(k as never)),
        ],
      }),
    }));
  });

  app.get('/stats', async (request, reply) =>
    cache.respond(request, reply, async () => {
      const latest = await latestStatistics(db);
      return {
        type: html,
        body: await app.view('pages/stats', {
          title: 'Statistics',
          latest,
          hiddenText: `fewer than ${latest?.statistics.kMin ?? config.kMin}`,
          kMin: latest?.statistics.kMin ?? config.kMin,
          tables: latest?.statistics.tables.map((table) => ({
            ...table,
            chart: chartFor(table, latest.statistics.kMin),
            bodyRows: table.rows.map((row, i) => ({
              label: row.label,
              cells: [...table.cells[i]!, table.rowTotals[i]!].map((value) => ({ value, suppressed: value === null })),
              median: table.medians ? (table.medians[i] ? payBands.labelOf(table.medians[i] as never) : '—') : undefined,
            })),
            hasMedians: Boolean(table.medians),
          })),
        }),
      };
    }),
  );

  app.get('/stats.csv', async (request, reply) =>
    cache.respond(request, reply, async () => {
      const latest = await latestStatistics(db);
      return { type: 'text/csv; charset=utf-8', body: latest ? statsCsv(latest.statistics) : 'table,row,column,value\r\n' };
    }),
  );

  app.get('/about', async (request, reply) =>
    cache.respond(request, reply, async () => ({
      type: html,
      body: await app.view('pages/about', { title: 'How Offscript works', kMin: config.kMin, intakeKey: await currentIntakeKey(db), retentionDays: config.retentionDays, batchMin: config.batchMin, batchDelayDays: config.batchDelayDays }),
    })),
  );

  app.get('/feed.atom', async (request, reply) =>
    cache.respond(request, reply, async () => ({
      type: 'application/atom+xml; charset=utf-8',
      body: atomFeed(config.publicOrigin, (await listPublishedStories(db, { limit: 50 })).stories),
    })),
  );

  app.get<{ Querystring: StoryFilters }>(
    '/api/v1/stories',
    { schema: { tags: ['public'], summary: 'Published stories, newest batch first', querystring: storiesQuerySchema, response: storiesResponseSchema } },
    async (request, reply) =>
      cache.respond(request, reply, async () => {
        const { stories, nextCursor } = await listPublishedStories(db, request.query);
        return {
          type: 'application/json; charset=utf-8',
          body: JSON.stringify({ stories: stories.map(({ status: _status, ...s }) => ({ ...s, url: `${config.publicOrigin}/stories/${s.slug}` })), nextCursor }),
        };
      }),
  );

  app.get('/api/v1/stats', { schema: { tags: ['public'], summary: 'The disclosure-controlled statistics of the latest release', response: statsResponseSchema } }, async (request, reply) =>
    cache.respond(request, reply, async () => {
      const latest = await latestStatistics(db);
      return {
        type: 'application/json; charset=utf-8',
        body: JSON.stringify(latest ? { batch: latest.sequence, releasedOn: latest.releasedOn, statistics: latest.statistics } : { batch: null, releasedOn: null, statistics: null }),
      };
    }),
  );

  app.get('/api/docs', { schema: { hide: true } }, async () => app.swagger());
}
