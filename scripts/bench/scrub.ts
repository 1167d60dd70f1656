// Scrub benchmark (issue 23): how long the full scrub (server/db/scrub.ts) takes, and how much it
// reads and writes, on a database holding N counted accounts (default 10,000) and S submissions
// with sealed envelopes (default 1,000), a tenth of them withdrawn (the deletions it must erase).
// On Postgres (DATABASE_URL or a throwaway cluster; a fresh database) and on PGlite in a temporary
// DATA_DIR. Run with `npm run bench:scrub -- [--accounts N] [--submissions S]`; it reports and exits 0.
// I/O: the WAL position the scrub moved (pg_current_wal_lsn; its two segment switches alone move it
// up to 32 MiB without writing that much), the size of the tables it rewrote, and on
// PGlite (in this process) the file-system reads and writes the process made (getrusage blocks).
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql, type Kysely } from 'kysely';
import { openDatabase } from '../../server/db/database.js';
import { todayUtc } from '../../server/db/day.js';
import { migrateToLatest } from '../../server/db/migrator.js';
import type { Database } from '../../server/db/schema.js';
import { scrubDeletedData, SCRUBBED_TABLES } from '../../server/db/scrub.js';
import { accountRow, validateFacets, type FacetsInput } from '../../server/moderation/queue-service.js';
import { atCleanup, freshBenchDatabase, runBenchmark } from './harness.js';

const { values } = parseArgs({ options: { accounts: { type: 'string' }, submissions: { type: 'string' } } });
const ACCOUNTS = Number(values.accounts ?? 10_000);
const SUBMISSIONS = Number(values.submissions ?? 1_000);
const CHUNK = 500;

async function fill(db: Kysely<Database>): Promise<void> {
  const facets: FacetsInput = { role: 'writer', platforms: ['mercor'], taskTypes: ['rating_responses'], conditions: {}, consent: 'stats' };
  validateFacets(facets);
  for (let done = 0; done < ACCOUNTS; done += CHUNK) {
    await db
      .insertInto('accounts')
      .values(Array.from({ length: Math.min(CHUNK, ACCOUNTS - done) }, () => accountRow(facets, todayUtc())))
      .execute();
  }
  const keyId = randomUUID();
  await db
    .insertInto('intake_keys')
    .values({ id: keyId, public_key: randomBytes(32), fingerprint: 'bench', created_on: todayUtc(), retired_on: null })
    .execute();
  const ids: string[] = [];
  for (let done = 0; done < SUBMISSIONS; done += 100) {
    const rows = Array.from({ length: Math.min(100, SUBMISSIONS - done) }, () => {
      const id = randomUUID();
      ids.push(id);
      // A 4 KiB bucket plus the seal: random bytes, as a real envelope is to the database.
      return {
        id,
        received_on: todayUtc(),
        intake_key_id: keyId,
        envelope: randomBytes(4096 + 48),
        padding_bucket: 4096,
        reply_public_key: randomBytes(32),
        lookup_hash: randomBytes(32),
        status_changed_on: todayUtc(),
      };
    });
    await db.insertInto('submissions').values(rows).execute();
  }
  // A tenth withdrawn, as withdrawSubmission leaves them: the scrub's work.
  const withdrawn = ids.filter((_, i) => i % 10 === 0);
  if (withdrawn.length > 0) {
    await db.updateTable('submissions').set({ envelope: null, lookup_hash: null, reply_public_key: null, status: 'withdrawn' }).where('id', 'in', withdrawn).execute();
  }
}

async function measure(label: string, db: Kysely<Database>): Promise<void> {
  await fill(db);
  const lsn = async () => (await sql<{ lsn: string }>`select pg_current_wal_lsn()::text as lsn`.execute(db)).rows[0]!.lsn;
  const bytesOf = (lsn: string) => {
    const [high, low] = lsn.split('/').map((part) => BigInt(`0x${part}`));
    return (high! << 32n) + low!;
  };
  const size = async () =>
    Number((await sql<{ n: string }>`select sum(pg_total_relation_size(t::regclass))::text as n from unnest(${[...SCRUBBED_TABLES]}::text[]) t`.execute(db)).rows[0]!.n);
  const sizeBefore = await size();
  const walBefore = await lsn();
  const usageBefore = process.resourceUsage();
  const report = await scrubDeletedData(db);
  const usage = process.resourceUsage();
  const walBytes = bytesOf(await lsn()) - bytesOf(walBefore);
  console.log(
    `${label}: ${ACCOUNTS} accounts, ${SUBMISSIONS} submissions (${Math.ceil(SUBMISSIONS / 10)} withdrawn): scrub ${report.ms.toFixed(0)} ms; ` +
      `tables ${(sizeBefore / 1024 / 1024).toFixed(1)} MiB before, ${((await size()) / 1024 / 1024).toFixed(1)} MiB after; ` +
      `WAL written ${(Number(walBytes) / 1024 / 1024).toFixed(1)} MiB; process fs blocks read ${usage.fsRead - usageBefore.fsRead}, written ${usage.fsWrite - usageBefore.fsWrite}` +
      (report.warnings.length > 0 ? `; warnings: ${report.warnings.join(' | ')}` : ''),
  );
}

await runBenchmark('bench:scrub', async () => {
  const url = await freshBenchDatabase();
  const postgres = await openDatabase({ databaseUrl: url, dataDir: '' });
  atCleanup(() => postgres.db.destroy());
  await migrateToLatest(postgres.db);
  await measure('Postgres', postgres.db);

  const dataDir = await mkdtemp(path.join(tmpdir(), 'offscript-bench-scrub-'));
  atCleanup(() => rm(dataDir, { recursive: true, force: true }));
  const pglite = await openDatabase({ databaseUrl: undefined, dataDir });
  atCleanup(() => pglite.db.destroy());
  await migrateToLatest(pglite.db);
  await measure('PGlite', pglite.db);
});
