// Public responses are rendered once per published state and served from memory. The state
// is read from the database (latest batch, retractions) at most once a second, so a release or
// a withdrawal on any instance reaches every instance's cache within that second; on the
// instance that made it, at once. While the database is away, pages keep their last published
// state (and so their cached bodies), and the state is re-read less and less often.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sql, type Kysely } from 'kysely';
import { isDatabaseUnavailable } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { sha256 } from '../../common/protocol/digest.js';
import { loadSodiumSumo } from '../../common/protocol/sodium-sumo.js';
import { compressedCodings, preferredCoding, type ContentCoding } from './precompressed.js';
import type { ReplayedResponses } from './replay.js';

export const PUBLIC_CACHE_CONTROL = 'public, max-age=60, stale-while-revalidate=300';

// How stale a page can be after a release or withdrawal on another instance: far below the
// max-age=60 that readers' caches may keep it anyway, and one database read a second under load.
export const STATE_MEMO_MS = 1000;

// While the database is away: the next read after 1, 2, 4, 8 s, then every 10 s, so that an
// outage costs a failing query every few seconds rather than one per request.
export const STATE_BACKOFF_MAX_MS = 10_000;

let stateGeneration = 0;

/** Makes every cache in this process read the published state afresh (call after a release or retraction commits). */
export function publishedStateChanged(): void {
  stateGeneration++;
}

/** What a route's response schema lets it send with 200: the type its JSON render must return. */
type OkPayload<Reply> =
  Reply extends FastifyReply<infer _Route, infer _Server, infer _Request, infer _Reply, infer _Config, infer Schema, infer Provider>
    ? Schema['response'] extends { 200: infer OkSchema }
      ? (Provider & { schema: OkSchema })['serializer']
      : never
    : never;

interface Rendered {
  body: string;
  type: string;
}

/** One form of a page as it goes out: body, ETag and every header the cache adds, prepared once per published state. */
interface Representation {
  /** Encoded once: a string body would be measured and encoded as UTF-8 on every response. */
  body: Buffer;
  etag: string;
  /** The 200's own headers (type, coding, length, ETag, caching), written in one step. */
  headers: Readonly<Record<string, string>>;
  /** The 304's: the same minus the body's type, coding and length. */
  notModifiedHeaders: Readonly<Record<string, string>>;
}

interface Entry {
  identity: Representation;
  /** The page in each encoding that makes it smaller, filled in once compressed (precompressed.ts). */
  coded: Partial<Record<ContentCoding, Representation>>;
  /** Compression has finished (or failed): every answer the entry gives is now final, and can be recorded for replay. */
  settled: boolean;
}

function representation(body: Buffer, etag: string, type: string, coding?: ContentCoding): Representation {
  const notModifiedHeaders = { etag, 'cache-control': PUBLIC_CACHE_CONTROL, vary: 'accept-encoding' };
  const headers = { ...notModifiedHeaders, 'content-type': type, ...(coding ? { 'content-encoding': coding } : {}), 'content-length': String(body.length) };
  return { body, etag, notModifiedHeaders, headers };
}

/** The entry for a freshly rendered page; its compressed forms follow on zlib's threads, served from when they are ready. */
function preparedEntry(rendered: Rendered, etag: string): Entry {
  const entry: Entry = { identity: representation(Buffer.from(rendered.body), etag, rendered.type), coded: {}, settled: false };
  compressedCodings(entry.identity.body)
    .then((codings) => {
      for (const coding of ['br', 'gzip'] as const) {
        const body = codings[coding];
        // Each form has a tag of its own (RFC 9110 §8.8.3): a cache must not answer one with the other.
        if (body) entry.coded[coding] = representation(body, `${etag.slice(0, -1)}-${coding}"`, rendered.type, coding);
      }
    })
    // Compression failing leaves the page as it is: served whole, still correct.
    .catch(() => {})
    .finally(() => (entry.settled = true));
  return entry;
}

/**
 * Whether an If-None-Match header names `etag` (RFC 9110 §13.1.2: weak comparison, a list, or `*`).
 * The one-tag case, what browsers and caches send back, is a string comparison.
 */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header === etag) return true;
  return header.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed === etag || trimmed === `W/${etag}`;
  });
}

/**
 * What a cached response is filed under: the path, plus the query's parameters only where the
 * route has a query schema (which refuses unknown ones) — in a canonical order, so that any
 * spelling of the same query is one entry. Elsewhere a query means nothing: every `?x=…` gets the
 * same cached bytes instead of a fresh render (issue 25).
 */
export function cacheAddress(request: FastifyRequest): string {
  const queryAt = request.url.indexOf('?');
  if (queryAt === -1) return request.url;
  const path = request.url.slice(0, queryAt);
  // Only requests with a query pay for routeOptions (a new object on each read).
  if (request.routeOptions.schema?.querystring === undefined) return path;
  const query = request.query as Record<string, unknown>; // why: validated by the route's query schema, an object of its parameters
  const known = Object.keys(query)
    .filter((name) => query[name] !== undefined)
    .sort()
    .map((name) => [name, query[name]]);
  return known.length === 0 ? path : `${path}?${JSON.stringify(known)}`;
}

export class PublicResponseCache {
  private readonly entries = new Map<string, Entry>();
  private memo: { state: Promise<string>; settled: string | undefined; readAt: number; generation: number; keepMs: number } | undefined;
  /** The state last read: what pages are served from while the database is away. */
  private lastRead: string | undefined;
  private failedReads = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly replay?: ReplayedResponses,
    private readonly maxEntries = 1000,
  ) {}

  /** Whether `state` is the published state, as read within its memo's time: what a replayed page must still be. */
  private stillPublished(state: string): boolean {
    const memo = this.memo;
    return memo !== undefined && memo.settled === state && memo.generation === stateGeneration && performance.now() - memo.readAt < memo.keepMs;
  }

  /** The published state, read at most once per STATE_MEMO_MS (concurrent requests share the read). */
  publishedState(): Promise<string> {
    const memo = this.memo;
    const now = performance.now();
    if (memo && memo.generation === stateGeneration && now - memo.readAt < memo.keepMs) return memo.state;
    const fresh = { state: Promise.resolve(''), settled: undefined as string | undefined, readAt: now, generation: stateGeneration, keepMs: STATE_MEMO_MS };
    fresh.state = this.readPublishedState().then(
      (state) => {
        this.lastRead = state;
        this.failedReads = 0;
        fresh.settled = state;
        return state;
      },
      (error: unknown) => {
        if (this.lastRead === undefined || !isDatabaseUnavailable(error)) throw error;
        // Keep serving what was last published, and ask again later.
        fresh.readAt = performance.now();
        fresh.keepMs = Math.min(STATE_MEMO_MS * 2 ** this.failedReads++, STATE_BACKOFF_MAX_MS);
        fresh.settled = this.lastRead;
        return this.lastRead;
      },
    );
    this.memo = fresh;
    fresh.state.catch(() => {
      if (this.memo === fresh) this.memo = undefined;
    });
    return fresh.state;
  }

  private async readPublishedState(): Promise<string> {
    const { rows } = await sql<{ batch: string | null; retracted: string }>`
      select (select id::text from batches order by sequence desc limit 1) as batch,
             (select count(*) from stories where status = 'retracted') as retracted`.execute(this.db);
    return `${rows[0]?.batch ?? 'none'}/${rows[0]?.retracted ?? 0}`;
  }

  /**
   * Public JSON: the value is serialised when its entry is filled, by the route's compiled 200
   * response serialiser, so the bytes hold only what the OpenAPI document describes.
   */
  async respondJson<Reply extends FastifyReply>(request: FastifyRequest, reply: Reply, render: () => Promise<OkPayload<Reply>>): Promise<FastifyReply> {
    return this.respond(request, reply, async () => {
      const serialize = reply.getSerializationFunction('200');
      if (!serialize) throw new Error(`${request.routeOptions.url ?? request.url} has no 200 response schema to serialise public JSON with`);
      return { type: 'application/json; charset=utf-8', body: serialize(await render()) };
    });
  }

  /** Answers from the cache (or renders once), with ETag, public caching and 304s; `vary` replaces the entry's Vary on this response. */
  async respond(request: FastifyRequest, reply: FastifyReply, render: () => Promise<Rendered>, { vary }: { vary?: string } = {}): Promise<FastifyReply> {
    // One entry per language: /es/stats and /stats share a route and an address once rewritten.
    const state = await this.publishedState();
    const key = `${state} ${request.language} ${cacheAddress(request)}`;
    let entry = this.entries.get(key);
    if (!entry) {
      const rendered = await render();
      const sodium = await loadSodiumSumo();
      entry = preparedEntry(rendered, `"${sodium.to_hex(sha256(rendered.body)).slice(0, 32)}"`);
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, entry);
    }
    const coding = preferredCoding(request.headers['accept-encoding']);
    const chosen = (coding && entry.coded[coding]) ?? entry.identity;
    // A revalidation is answered from the prepared entry: nothing is rendered or sent but headers.
    if (ifNoneMatchHits(request.headers['if-none-match'], chosen.etag)) {
      reply.code(304).headers(chosen.notModifiedHeaders);
      if (vary !== undefined) reply.header('vary', vary);
      return reply.send();
    }
    reply.headers(chosen.headers);
    if (vary !== undefined) reply.header('vary', vary);
    // Until the compressed forms are ready, only an answer that asks for none of them is final.
    if (entry.settled || coding === undefined) this.replay?.record(request, reply, chosen.body, () => this.stillPublished(state));
    return reply.send(chosen.body);
  }
}
