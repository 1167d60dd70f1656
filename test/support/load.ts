// A bounded load on a running server: submitters, page readers and status checks in loops,
// every answer recorded with when it came, so outage tests can say what happened and when.
import type { Kysely } from 'kysely';
import { expect } from 'vitest';
import type { Database } from '../../server/db/schema.js';
import { bucketOfSealedLength } from '../../common/protocol/padding.js';
import { lookupTokenHash } from '../../common/protocol/digest.js';
import { sealForTest, type SealedForTest, type TestIntakeKey } from './intake.js';

export type Outcome = number | 'refused' | 'reset';
export type RequestKind = 'submit' | 'page' | 'status';

export interface Answer {
  kind: RequestKind;
  /** The path asked for. */
  path: string;
  outcome: Outcome;
  /** ms since the load started, when the answer (or the failure) came. */
  at: number;
  retryAfter: string | null;
  errorCode: string | null;
}

export interface LoadOptions {
  submitters?: number;
  readers?: number;
  statusCheckers?: number;
  /** Pause between one worker's requests: keeps the load bounded on a small machine. */
  pauseMs?: number;
  pages?: string[];
  /** A worker stops after its first 503 (as a client told to go away would), e.g. for shutdown. */
  stopAfter503?: boolean;
}

/** What a failed fetch means: a refused connection (nobody listening) or a connection cut mid-way. */
function failure(error: unknown): 'refused' | 'reset' {
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code === 'ECONNREFUSED' ? 'refused' : 'reset';
}

export class Load {
  readonly answers: Answer[] = [];
  /** Submissions answered 201: each must be in the database afterwards. */
  readonly acknowledged: SealedForTest[] = [];
  private running = true;
  private readonly started = performance.now();
  private readonly workers: Promise<void>[] = [];

  constructor(
    private readonly origin: string,
    private readonly key: TestIntakeKey,
    private readonly options: LoadOptions = {},
  ) {
    const { submitters = 3, readers = 2, statusCheckers = 1 } = options;
    for (let i = 0; i < submitters; i++) this.workers.push(this.loop('submit'));
    for (let i = 0; i < readers; i++) this.workers.push(this.loop('page'));
    for (let i = 0; i < statusCheckers; i++) this.workers.push(this.loop('status'));
  }

  /** ms since the load started. */
  now(): number {
    return performance.now() - this.started;
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
  }

  count(kind: RequestKind | undefined, predicate: (a: Answer) => boolean): number {
    return this.answers.filter((a) => (kind === undefined || a.kind === kind) && predicate(a)).length;
  }

  /** "201: 40, 503: 12, …" per kind, for the test's printed summary. */
  summary(): string {
    const kinds: RequestKind[] = ['submit', 'page', 'status'];
    return kinds
      .map((kind) => {
        const tally = new Map<Outcome, number>();
        for (const a of this.answers) if (a.kind === kind) tally.set(a.outcome, (tally.get(a.outcome) ?? 0) + 1);
        return `${kind}: ${[...tally].map(([outcome, n]) => `${outcome}×${n}`).join(' ') || 'none'}`;
      })
      .join('; ');
  }

  private async loop(kind: RequestKind): Promise<void> {
    const pages = this.options.pages ?? ['/', '/stories', '/api/v1/stories'];
    let turn = 0;
    while (this.running) {
      const sealed = kind === 'page' ? undefined : await sealForTest(this.key);
      let outcome: Outcome;
      let retryAfter: string | null = null;
      let errorCode: string | null = null;
      const path = kind === 'page' ? pages[turn++ % pages.length]! : kind === 'submit' ? '/api/v1/submissions' : '/api/v1/status';
      try {
        const response =
          kind === 'page'
            ? await fetch(`${this.origin}${path}`)
            : await fetch(`${this.origin}${path}`, {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify(kind === 'submit' ? sealed!.body : { lookupToken: sealed!.body.lookupToken }),
              });
        outcome = response.status;
        retryAfter = response.headers.get('retry-after');
        const body = await response.text();
        if (response.status >= 400 && response.headers.get('content-type')?.includes('json')) {
          errorCode = (JSON.parse(body) as { error?: { code?: string } }).error?.code ?? null;
        }
      } catch (error) {
        outcome = failure(error);
      }
      this.answers.push({ kind, path, outcome, at: this.now(), retryAfter, errorCode });
      if (kind === 'submit' && outcome === 201) this.acknowledged.push(sealed!);
      if (outcome === 503 && this.options.stopAfter503) return;
      if (outcome === 'refused' && this.options.stopAfter503) return;
      await new Promise((r) => setTimeout(r, this.options.pauseMs ?? 10));
    }
  }
}

/** Every acknowledged submission has its row, and no row is half-written. */
export async function expectStored(db: Kysely<Database>, acknowledged: SealedForTest[]): Promise<void> {
  const rows = await db.selectFrom('submissions').selectAll().execute();
  const stored = new Set(rows.map((r) => Buffer.from(r.lookup_hash!).toString('hex')));
  const missing = acknowledged.filter((sealed) => !stored.has(Buffer.from(lookupTokenHash(sealed.lookupToken)).toString('hex')));
  expect(missing.length, `${missing.length} of ${acknowledged.length} acknowledged submissions missing`).toBe(0);
  for (const row of rows) {
    expect(row.envelope).not.toBeNull();
    expect(bucketOfSealedLength(row.envelope!.length)).toBe(row.padding_bucket);
    expect(row.reply_public_key?.length).toBe(32);
  }
}
