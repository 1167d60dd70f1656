// The global upload budget (issue 25, DESIGN §7): whatever each client's own hourly quota, all
// clients together may hold only so many unfinished bytes, store only so many bytes an hour, and
// never push the disk's free space below a watermark. Past any of these a chunk is answered 503
// with Retry-After before anything is written; accounts without files are never affected.
import { statfs } from 'node:fs/promises';
import type { Kysely } from 'kysely';
import { SEALED_CHUNK_BYTES } from '../../common/protocol/attachment.js';
import { CodedError } from '../../common/errors.js';
import type { UploadBudgetSettings } from '../config.js';
import type { Database } from '../db/schema.js';

const HOUR_MS = 60 * 60 * 1000;
// Unfinished bytes are counted in the database at most this often; chunks stored meanwhile are added here.
const RECOUNT_MS = 5000;
// Free space is read at most this often: a statfs per chunk would cost more than the chunk.
const FREE_SPACE_MEMO_MS = 1000;
// What a client is told to wait when the disk or the unfinished uploads are full: unsent uploads are deleted within the hour.
const FULL_RETRY_SECONDS = 15 * 60;

export interface UploadBudgetOptions {
  /** The directory whose file system holds the upload store (DATA_DIR on the embedded database); unset: the watermark is not checked here. */
  storeDir: string | undefined;
  now?: () => number;
  /** Free bytes on the store's file system; statfs by default (tests pass their own). */
  freeBytes?: (dir: string) => Promise<number>;
}

async function statfsFreeBytes(dir: string): Promise<number> {
  const stats = await statfs(dir);
  return stats.bavail * stats.bsize;
}

const paused = (seconds: number) => new CodedError('uploads_paused', { minutes: Math.max(1, Math.ceil(seconds / 60)) }, { retryAfterSeconds: seconds });

export class UploadBudget {
  private readonly now: () => number;
  private readonly freeBytesOf: (dir: string) => Promise<number>;
  private hour = { startsAt: 0, bytes: 0 };
  private unfinished = { countedAt: -Infinity, bytes: 0 };
  private free = { readAt: -Infinity, bytes: Infinity };

  constructor(
    private readonly db: Kysely<Database>,
    private readonly settings: UploadBudgetSettings,
    private readonly options: UploadBudgetOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.freeBytesOf = options.freeBytes ?? statfsFreeBytes;
  }

  /** Sealed bytes held by uploads not (yet) sent with an account: what a flood of abandoned uploads would grow. */
  private async unfinishedBytes(now: number): Promise<number> {
    if (now - this.unfinished.countedAt >= RECOUNT_MS) {
      const row = await this.db
        .selectFrom('attachment_chunks as c')
        .innerJoin('attachment_uploads as u', 'u.id', 'c.upload_id')
        .select((eb) => eb.fn.countAll<string>().as('chunks'))
        .where('u.submission_id', 'is', null)
        .executeTakeFirstOrThrow();
      this.unfinished = { countedAt: now, bytes: Number(row.chunks) * SEALED_CHUNK_BYTES };
    }
    return this.unfinished.bytes;
  }

  private async freeBytes(now: number): Promise<number> {
    const dir = this.options.storeDir;
    if (dir === undefined) return Infinity;
    if (now - this.free.readAt >= FREE_SPACE_MEMO_MS) this.free = { readAt: now, bytes: await this.freeBytesOf(dir) };
    return this.free.bytes;
  }

  /** Whether one more chunk fits the budget; throws uploads_paused (503 with Retry-After) when it does not. */
  async admitChunk(bytes = SEALED_CHUNK_BYTES): Promise<void> {
    const now = this.now();
    if (now - this.hour.startsAt >= HOUR_MS) this.hour = { startsAt: now, bytes: 0 };
    if (this.hour.bytes + bytes > this.settings.totalBytesPerHour) throw paused(Math.ceil((this.hour.startsAt + HOUR_MS - now) / 1000));
    if ((await this.freeBytes(now)) - bytes < this.settings.minFreeBytes) throw paused(FULL_RETRY_SECONDS);
    if ((await this.unfinishedBytes(now)) + bytes > this.settings.unfinishedBytesMax) throw paused(FULL_RETRY_SECONDS);
  }

  /** Takes a stored chunk from the budget (a refused chunk, stored nowhere, takes nothing). */
  chunkStored(bytes = SEALED_CHUNK_BYTES): void {
    this.hour.bytes += bytes;
    this.unfinished.bytes += bytes;
    this.free.bytes -= bytes;
  }

  /** Whether a new upload may start at all: refused at once when the disk is at its watermark. */
  async admitUpload(): Promise<void> {
    if ((await this.freeBytes(this.now())) < this.settings.minFreeBytes) throw paused(FULL_RETRY_SECONDS);
  }
}
