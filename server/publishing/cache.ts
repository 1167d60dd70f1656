// Public responses are rendered once per published state and served from memory. The state
// is read from the database (latest batch, retractions), so a release or a withdrawal on any
// instance invalidates every instance's cache. Overlapping requests share one read of it.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { loadSodiumSumo, sha256 } from '../protocol/digest.js';

export const PUBLIC_CACHE_CONTROL = 'public, max-age=60, stale-while-revalidate=300';

// At most 1 s: how stale a page can be after a release or withdrawal on another instance.
const STATE_MEMO_MS = 1000;

let stateGeneration = 0;

/** Makes every cache in this process read the published state afresh (call after a release or retraction commits). */
export function publishedStateChanged(): void {
  stateGeneration++;
}

interface Rendered {
  body: string;
  type: string;
}

interface Entry extends Rendered {
  etag: string;
}

export class PublicResponseCache {
  private readonly entries = new Map<string, Entry>();
  private memo: { state: Promise<string>; readAt: number; generation: number } | undefined;
  private inFlight = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly maxEntries = 1000,
  ) {}

  /**
   * The published state, memoised while public responses overlap (at most STATE_MEMO_MS): under
   * load one database read serves many requests, while a request on an idle server reads afresh.
   */
  publishedState(): Promise<string> {
    const memo = this.memo;
    if (memo && memo.generation === stateGeneration && performance.now() - memo.readAt < STATE_MEMO_MS) return memo.state;
    const fresh = { state: this.readPublishedState(), readAt: performance.now(), generation: stateGeneration };
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

  /** Answers from the cache (or renders once), with ETag, public caching and 304s. */
  async respond(request: FastifyRequest, reply: FastifyReply, render: () => Promise<Rendered>): Promise<FastifyReply> {
    // Counted until the response is sent. When none is left the memo goes, so a request made
    // while no public response is under way (a lone client, a test) always reads afresh.
    this.inFlight++;
    let sent = false;
    const done = () => {
      if (sent) return;
      sent = true;
      if (--this.inFlight === 0) this.memo = undefined;
    };
    reply.raw.once('finish', done).once('close', done);
    const key = `${await this.publishedState()} ${request.url}`;
    let entry = this.entries.get(key);
    if (!entry) {
      const rendered = await render();
      const sodium = await loadSodiumSumo();
      entry = { ...rendered, etag: `"${sodium.to_hex(sha256(sodium, rendered.body)).slice(0, 32)}"` };
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, entry);
    }
    reply.header('etag', entry.etag).header('cache-control', PUBLIC_CACHE_CONTROL).header('vary', 'accept-encoding');
    if (request.headers['if-none-match'] === entry.etag) return reply.code(304).send();
    return reply.type(entry.type).send(entry.body);
  }
}
