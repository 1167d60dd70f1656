// Signed email evidence (issue 33, docs/signed-email.md). DKIM keys the server fetched from DNS
// (cached) or the operator pinned; which signing domains belong to which platform; and what an
// account keeps of a verified email: the platform, the half-year of the signature and a keyed
// duplicate marker (never the email, a plain hash of it, or a finer time).
import { sql, type Kysely } from 'kysely';

// The platforms' own sending domains (a signature by a subdomain counts as its parent's).
// Administrators change them with `npm run dkim:keys -- domain-add|domain-remove`.
const DEFAULT_DOMAINS: [string, string][] = [
  ['mercor.com', 'mercor'],
  ['outlier.ai', 'outlier'],
  ['turing.com', 'turing'],
  ['scale.com', 'scale_remotasks'],
  ['remotasks.com', 'scale_remotasks'],
  ['dataannotation.tech', 'dataannotation'],
  ['invisible.co', 'invisible'],
  ['appen.com', 'appen'],
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('dkim_keys')
    .addColumn('domain', 'text', (c) => c.notNull())
    .addColumn('selector', 'text', (c) => c.notNull())
    // 'pinned' by the operator, or 'live': the last answer DNS gave (a cache).
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('pinned', 'live')`))
    .addColumn('record', 'text', (c) => c.notNull())
    .addColumn('stored_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('dkim_keys_pk', ['domain', 'selector', 'source'])
    .execute();
  await db.schema
    .createTable('platform_email_domains')
    .addColumn('domain', 'text', (c) => c.primaryKey())
    .addColumn('platform', 'text', (c) => c.notNull())
    .execute();
  for (const [domain, platform] of DEFAULT_DOMAINS) {
    await sql`insert into platform_email_domains (domain, platform) values (${domain}, ${platform})`.execute(db);
  }
  for (const table of ['accounts', 'pending_accounts', 'stories']) {
    await db.schema
      .alterTable(table)
      .addColumn('signed_email_platform', 'text')
      .addColumn('signed_email_half_year', 'text', (c) => c.check(sql`signed_email_half_year ~ '^[0-9]{4}-H[12]$'`))
      .execute();
  }
  for (const table of ['accounts', 'pending_accounts']) {
    // 32 bytes of keyed BLAKE2b; only moderators' browsers hold the key.
    await db.schema
      .alterTable(table)
      .addColumn('signed_email_marker', 'bytea', (c) => c.check(sql`octet_length(signed_email_marker) = 32`))
      .execute();
    await sql.raw(`create index ${table}_signed_email_marker on ${table} (signed_email_marker) where signed_email_marker is not null`).execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['accounts', 'pending_accounts']) await db.schema.alterTable(table).dropColumn('signed_email_marker').execute();
  for (const table of ['accounts', 'pending_accounts', 'stories']) {
    await db.schema.alterTable(table).dropColumn('signed_email_platform').dropColumn('signed_email_half_year').execute();
  }
  await db.schema.dropTable('platform_email_domains').execute();
  await db.schema.dropTable('dkim_keys').execute();
}
