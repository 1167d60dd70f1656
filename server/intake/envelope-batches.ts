// Group commit for sealed envelopes: while a statement is under way, envelopes that arrive wait
// and go together in the next, one multi-row INSERT and one commit for all of them. A lone
// envelope is sent at once, so a quiet day waits for nothing; the day a story runs, the database
// parses, plans and commits once per batch instead of once per source (docs/response-speed.md).
// Each envelope is acknowledged only once the statement holding it has committed.
import { CompiledQuery, type Kysely } from 'kysely';
import { isDatabaseUnavailable, isNoAnswerInTime } from '../db/database.js';
import type { Database, Day } from '../db/schema.js';

/** One submissions row as intake writes it. */
export interface EnvelopeRow {
  id: string;
  receivedOn: Day;
  intakeKeyId: string;
  envelope: Uint8Array;
  paddingBucket: number;
  replyPublicKey: Uint8Array;
  lookupHash: Uint8Array;
}

interface Waiting {
  row: EnvelopeRow;
  /** true: stored now; false: a row under the same lookup hash was there first. */
  resolve: (stored: boolean) => void;
  reject: (error: unknown) => void;
}

// One statement at a time: measured under bench:intake's load, a second one split the waiting
// envelopes into batches half the size and cost the server and Postgres a fifth more per envelope.
const STATEMENTS_AT_ONCE = 1;
// A batch stays well inside Postgres's 65,535 parameters (7 a row) and a few MiB of envelopes.
const MAX_ROWS = 64;
const MAX_BYTES = 4 * 1024 * 1024;

// received_on's parameter serves status_changed_on too: a new row's status changed the day it came.
const COLUMNS = 'id, received_on, intake_key_id, envelope, padding_bucket, reply_public_key, lookup_hash, status_changed_on';
const PARAMETERS_PER_ROW = 7;
// The statement's text for each batch size, written once: building it per batch with Kysely's
// builder (a node per value) was the largest single cost in a CPU profile of the intake path.
const insertStatements = new Map<number, string>();

function insertStatement(rowCount: number): string {
  let text = insertStatements.get(rowCount);
  if (text === undefined) {
    const tuples = Array.from({ length: rowCount }, (_, row) => {
      const $ = (column: number) => `$${row * PARAMETERS_PER_ROW + column}`;
      return `(${$(1)}, ${$(2)}, ${$(3)}, ${$(4)}, ${$(5)}, ${$(6)}, ${$(7)}, ${$(2)})`;
    });
    // Not a duplicate-key error: a resent envelope is the expected case, and Postgres logs every
    // unique violation with its key. Two rows of one batch under one hash: the first is stored.
    text = `insert into submissions (${COLUMNS}) values ${tuples.join(', ')} on conflict (lookup_hash) do nothing returning id`;
    insertStatements.set(rowCount, text);
  }
  return text;
}

/** The ids of the rows that were stored, in one statement; lookup hashes already stored are skipped. */
export async function insertEnvelopeRows(db: Kysely<Database>, rows: readonly EnvelopeRow[]): Promise<Set<string>> {
  const parameters = rows.flatMap((row) => [row.id, row.receivedOn, row.intakeKeyId, row.envelope, row.paddingBucket, row.replyPublicKey, row.lookupHash]);
  const { rows: inserted } = await db.executeQuery<{ id: string }>(CompiledQuery.raw(insertStatement(rows.length), parameters));
  return new Set(inserted.map(({ id }) => id));
}

/**
 * `attempt` once more if the connection was lost on the way: envelopes that did commit the first
 * time are then found, not duplicated. A database that did not answer in time is not asked
 * again: the request has waited enough.
 */
export async function onceMoreIfConnectionLost<T>(attempt: () => Promise<T>): Promise<T> {
  try {
    return await attempt();
  } catch (error) {
    if (!isDatabaseUnavailable(error) || isNoAnswerInTime(error)) throw error;
    return attempt();
  }
}

export class EnvelopeBatches {
  private readonly waiting: Waiting[] = [];
  private running = 0;

  constructor(private readonly db: Kysely<Database>) {}

  /** Stores `row` unless its lookup hash is already stored; resolves once committed. */
  insert(row: EnvelopeRow): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ row, resolve, reject });
      this.startStatements();
    });
  }

  private startStatements(): void {
    while (this.running < STATEMENTS_AT_ONCE && this.waiting.length > 0) {
      this.running++;
      void this.store(this.nextBatch()).finally(() => {
        this.running--;
        this.startStatements();
      });
    }
  }

  private nextBatch(): Waiting[] {
    let bytes = 0,
      count = 0;
    for (const { row } of this.waiting) {
      if (count === MAX_ROWS || (count > 0 && bytes + row.envelope.length > MAX_BYTES)) break;
      bytes += row.envelope.length;
      count++;
    }
    return this.waiting.splice(0, count);
  }

  private async store(batch: Waiting[]): Promise<void> {
    try {
      const rows = batch.map(({ row }) => row);
      const stored = await onceMoreIfConnectionLost(() => insertEnvelopeRows(this.db, rows));
      for (const { row, resolve } of batch) resolve(stored.has(row.id));
    } catch (error) {
      if (isDatabaseUnavailable(error)) return this.refuseAll(batch, error);
      if (batch.length === 1) return batch[0]!.reject(error);
      // One row the database refused fails only its own request: each goes alone.
      for (const [at, waiting] of batch.entries()) {
        try {
          const stored = await onceMoreIfConnectionLost(() => insertEnvelopeRows(this.db, [waiting.row]));
          waiting.resolve(stored.has(waiting.row.id));
        } catch (own) {
          if (isDatabaseUnavailable(own)) return this.refuseAll(batch.slice(at), own);
          waiting.reject(own);
        }
      }
    }
  }

  /**
   * The database is away, or did not answer in time: the batch and every envelope that arrived
   * meanwhile get the same 503 now. Sent in a statement of their own, each would first wait out
   * a hung database once more, twice the bound a source is promised (docs/faults.md).
   */
  private refuseAll(batch: Waiting[], error: unknown): void {
    for (const { reject } of [...batch, ...this.waiting.splice(0)]) reject(error);
  }
}
