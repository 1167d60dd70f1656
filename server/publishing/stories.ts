// The public story feed: published stories only, filtered by public tags, searched with
// Postgres full text, paged by a signed keyset cursor.
import type { FromSchema } from 'json-schema-to-ts';
import { sql, type Kysely } from 'kysely';
import { SEARCH_MAX_CHARS, type PublicStory, type storiesQuerySchema, type StoryVerification } from './schemas.js';
import type { Database, Day, PublicTags, StoryStatus } from '../db/schema.js';
import { CodedError } from '../../common/errors.js';
import { loadSodiumSumo } from '../../common/protocol/sodium-sumo.js';
import { openSignedCursor, signCursor } from '../../common/protocol/signed-cursor.js';
import { serverSecret } from '../db/server-secret.js';
import { csvField } from './statistics-formats.js';
import { attributionLabels, documentKinds, platforms, verificationTiers } from '../../common/vocabulary.js';

export const PAGE_SIZE = 20;

/** The public query (its schema's type), and a page size the feed chooses for itself. */
export type StoryFilters = FromSchema<typeof storiesQuerySchema> & { limit?: number };

const listOfKinds = new Intl.ListFormat('en-GB', { style: 'long', type: 'conjunction' });

/**
 * "A moderator saw documents supporting this account: a pay record and a platform message.", or,
 * with a platform's signed email verified (issue 33), "Backed by an email the platform signed (Outlier)."
 */
export function storyVerification(documentsSeen: readonly string[] | null, signedEmailPlatform: string | null = null): StoryVerification | null {
  // In the vocabulary's order, so that the sentence and the CSV do not depend on the order of ticking.
  const kinds = documentKinds.keys.filter((kind) => documentsSeen?.includes(kind));
  const documents = kinds.length > 0 ? `${verificationTiers.labelOf('documents_seen')}: ${listOfKinds.format(kinds.map((kind) => `a ${documentKinds.labelOf(kind)}`))}.` : '';
  if (signedEmailPlatform) {
    const email = `${verificationTiers.labelOf('verified_email')} (${platforms.labelOf(signedEmailPlatform)}), checked by a moderator.`;
    return { tier: 'verified_email', documentKinds: kinds, statement: documents ? `${email} ${documents}` : email };
  }
  if (kinds.length === 0) return null;
  return { tier: 'documents_seen', documentKinds: kinds, statement: documents };
}

// Newest batch first, then the batch's own random order.
interface CursorPosition {
  batch: number;
  position: number;
  id: string;
}

async function cursorKey(db: Kysely<Database>): Promise<Uint8Array> {
  return serverSecret(db, 'cursor-signing');
}

async function encodeCursor(db: Kysely<Database>, position: CursorPosition): Promise<string> {
  return signCursor(await loadSodiumSumo(), await cursorKey(db), JSON.stringify(position));
}

async function decodeCursor(db: Kysely<Database>, cursor: string): Promise<CursorPosition> {
  const refuse = () => new CodedError('bad_cursor');
  const json = openSignedCursor(await loadSodiumSumo(), await cursorKey(db), cursor);
  if (json === undefined) throw refuse();
  try {
    const position = JSON.parse(json) as CursorPosition;
    if (typeof position.batch !== 'number' || typeof position.position !== 'number' || typeof position.id !== 'string') throw refuse();
    return position;
  } catch (error) {
    if (error instanceof CodedError) throw error;
    throw refuse();
  }
}

function toPublic(row: {
  slug: string | null;
  title: string;
  body: string;
  pull_quotes: string[];
  published_attribution: string | null;
  public_tags: PublicTags;
  published_on: Day | null;
  sequence: number | null;
  status: StoryStatus;
  documents_seen: string[] | null;
  signed_email_platform: string | null;
}): PublicStory {
  // A retracted story keeps only its address and a notice: nothing of its text stays public.
  if (row.status === 'retracted') {
    return {
      slug: row.slug!,
      title: 'Withdrawn',
      body: '',
      pullQuotes: [],
      attribution: '',
      tags: {},
      publishedOn: row.published_on!,
      batch: row.sequence ?? 0,
      status: 'retracted',
      verification: null,
    };
  }
  return {
    slug: row.slug!,
    title: row.title,
    body: row.body,
    pullQuotes: row.pull_quotes,
    attribution: attributionLabels.labelOf(row.published_attribution ?? 'anonymous_contributor'),
    attributionKey: attributionLabels.has(row.published_attribution) ? row.published_attribution : 'anonymous_contributor',
    tags: row.public_tags,
    publishedOn: row.published_on!,
    batch: row.sequence ?? 0,
    status: 'published',
    verification: storyVerification(row.documents_seen, row.signed_email_platform),
  };
}

function publicStories(db: Kysely<Database>) {
  return db
    .selectFrom('stories')
    .leftJoin('batches', 'batches.id', 'stories.batch_id')
    .select([
      'stories.documents_seen',
      'stories.signed_email_platform',
      'stories.id',
      'stories.slug',
      'stories.title',
      'stories.body',
      'stories.pull_quotes',
      'stories.published_attribution',
      'stories.public_tags',
      'stories.published_on',
      'stories.batch_position',
      'batches.sequence',
      'stories.status',
    ]);
}

export async function listPublishedStories(db: Kysely<Database>, filters: StoryFilters): Promise<{ stories: PublicStory[]; nextCursor: string | null }> {
  if (filters.q !== undefined && filters.q.length > SEARCH_MAX_CHARS) {
    throw new CodedError('search_too_long', { maxChars: SEARCH_MAX_CHARS });
  }
  const limit = filters.limit ?? PAGE_SIZE;
  let query = publicStories(db).where('stories.status', '=', 'published');
  const tag = (field: keyof PublicTags, value: string | undefined) => {
    if (value) query = query.where(sql<boolean>`stories.public_tags @> ${JSON.stringify({ [field]: [value] })}::jsonb`);
  };
  tag('platforms', filters.platform);
  tag('roles', filters.role);
  tag('taskTypes', filters.taskType);
  tag('conditions', filters.condition);
  const q = filters.q?.trim();
  if (q) query = query.where(sql<boolean>`stories.search @@ websearch_to_tsquery('english', ${q})`);
  if (filters.cursor) {
    const after = await decodeCursor(db, filters.cursor);
    query = query.where(
      sql<boolean>`(batches.sequence < ${after.batch} or (batches.sequence = ${after.batch} and (stories.batch_position, stories.id) > (${after.position}, ${after.id}::uuid)))`,
    );
  }
  const rows = await query
    .orderBy('batches.sequence', 'desc')
    .orderBy('stories.batch_position', 'asc')
    .orderBy('stories.id', 'asc')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const nextCursor = rows.length > limit && last ? await encodeCursor(db, { batch: last.sequence!, position: last.batch_position!, id: last.id }) : null;
  return { stories: page.map(toPublic), nextCursor };
}

/** Every published story, newest release first, in each release's own order (the CSV export). */
export async function allPublishedStories(db: Kysely<Database>): Promise<PublicStory[]> {
  const rows = await publicStories(db)
    .where('stories.status', '=', 'published')
    .orderBy('batches.sequence', 'desc')
    .orderBy('stories.batch_position', 'asc')
    .orderBy('stories.id', 'asc')
    .execute();
  return rows.map(toPublic);
}

export const STORIES_CSV_HEADER = 'slug,url,published_on,release,title,attribution,platforms,roles,task_types,conditions,verification_tier,document_kinds';

/**
 * Published stories' public fields as CSV, one line a story; list fields hold vocabulary keys
 * joined by ";". The text itself stays on the story page and in the JSON API.
 */
export function storiesCsv(stories: readonly PublicStory[], origin: string): string {
  const keys = (values: readonly string[] | undefined) => (values ?? []).join(';');
  const lines = stories.map((story) =>
    [
      story.slug,
      `${origin}/stories/${story.slug}`,
      story.publishedOn,
      story.batch,
      story.title,
      story.attribution,
      keys(story.tags.platforms),
      keys(story.tags.roles),
      keys(story.tags.taskTypes),
      keys(story.tags.conditions),
      story.verification?.tier ?? null,
      keys(story.verification?.documentKinds),
    ]
      .map(csvField)
      .join(','),
  );
  return [STORIES_CSV_HEADER, ...lines].join('\r\n') + '\r\n';
}

/** A published or retracted story by its slug; anything else does not exist publicly. */
export async function getPublicStory(db: Kysely<Database>, slug: string): Promise<PublicStory> {
  const row = await publicStories(db).where('stories.slug', '=', slug).where('stories.status', 'in', ['published', 'retracted']).executeTakeFirst();
  if (!row) throw new CodedError('unknown_story');
  return toPublic(row);
}

/** The stories a release published, in its own random order; a withdrawn one keeps only its notice. */
export async function storiesOfRelease(db: Kysely<Database>, sequence: number): Promise<PublicStory[]> {
  const rows = await publicStories(db)
    .where('batches.sequence', '=', sequence)
    .where('stories.status', 'in', ['published', 'retracted'])
    .orderBy('stories.batch_position', 'asc')
    .orderBy('stories.id', 'asc')
    .execute();
  return rows.map(toPublic);
}

export async function recentQuotes(db: Kysely<Database>, count = 3): Promise<{ quote: string; attributionKey: string | undefined; slug: string }[]> {
  const { stories } = await listPublishedStories(db, { limit: 10 });
  return stories
    .filter((s) => s.pullQuotes.length > 0)
    .slice(0, count)
    .map((s) => ({ quote: s.pullQuotes[0]!, attributionKey: s.attributionKey, slug: s.slug }));
}
