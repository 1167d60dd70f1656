// DKIM public keys for the moderator's browser (issue 33, docs/signed-email.md): pinned by the
// operator first (no DNS query at all), else DNS through this server, cached for a day; the server
// learns which domain and selector, never the email. Nothing here is logged.
import { resolveTxt as dnsResolveTxt } from 'node:dns/promises';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { CodedError } from '../../common/errors.js';
import { dkimTags, type DkimKeySource } from '../../common/protocol/dkim.js';
import { isDkimDomain, isDkimSelector, platformOfDomain } from '../../common/evidence/names.js';

/** node:dns's resolveTxt shape; tests pass their own, so that no test reaches the network. */
export type TxtResolver = (name: string) => Promise<string[][]>;

export const systemTxtResolver: TxtResolver = (name) => dnsResolveTxt(name);

const LIVE_KEY_FRESH_MS = 24 * 60 * 60 * 1000;
const DNS_TIMEOUT_MS = 5000;

export interface DkimKeyAnswer {
  source: DkimKeySource;
  record?: string;
  /** When the server stored it (pinned, or last fetched), ISO. */
  storedAt?: string;
}

function checkName(domain: string, selector: string): void {
  if (!isDkimDomain(domain)) throw new CodedError('invalid_request', { field: 'domain', problem: 'wrong_form' });
  if (!isDkimSelector(selector)) throw new CodedError('invalid_request', { field: 'selector', problem: 'wrong_form' });
}

const isKeyRecord = (record: string) => dkimTags(record).has('p');

async function resolveWithin(resolve: TxtResolver, name: string): Promise<string[][]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('DNS timeout')), DNS_TIMEOUT_MS)));
  try {
    return await Promise.race([resolve(name), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The key for `selector._domainkey.domain`: pinned, live (cached or fetched now), or unavailable. */
export async function dkimKeyFor(db: Kysely<Database>, resolve: TxtResolver, domain: string, selector: string, now = new Date()): Promise<DkimKeyAnswer> {
  checkName(domain, selector);
  const stored = await db.selectFrom('dkim_keys').selectAll().where('domain', '=', domain).where('selector', '=', selector).execute();
  const pinned = stored.find((row) => row.source === 'pinned');
  if (pinned) return { source: 'pinned', record: pinned.record, storedAt: pinned.stored_at.toISOString() };
  const cached = stored.find((row) => row.source === 'live');
  if (cached && now.getTime() - cached.stored_at.getTime() < LIVE_KEY_FRESH_MS) return { source: 'live', record: cached.record, storedAt: cached.stored_at.toISOString() };
  let record: string | undefined;
  try {
    record = (await resolveWithin(resolve, `${selector}._domainkey.${domain}`)).map((chunks) => chunks.join('')).find(isKeyRecord);
  } catch {
    record = undefined;
  }
  // DNS unreachable: yesterday's answer is still the key DNS gave.
  if (record === undefined) return cached ? { source: 'live', record: cached.record, storedAt: cached.stored_at.toISOString() } : { source: 'unavailable' };
  await db
    .insertInto('dkim_keys')
    .values({ domain, selector, source: 'live', record, stored_at: now })
    .onConflict((oc) => oc.columns(['domain', 'selector', 'source']).doUpdateSet({ record, stored_at: now }))
    .execute();
  return { source: 'live', record, storedAt: now.toISOString() };
}

/**
 * The record an operator pins: a whole record ("v=DKIM1; k=…; p=…") or the bare base64 key, whose
 * type its length tells (32 bytes: Ed25519; an RSA key is DER and far longer).
 */
export function pinnedRecordOf(key: string): string {
  const trimmed = key.trim();
  if (trimmed.includes('=') && isKeyRecord(trimmed) && !/^[A-Za-z0-9+/]+=*$/.test(trimmed)) {
    if (!dkimTags(trimmed).get('p')) throw new CodedError('invalid_request', { field: 'KEY', problem: 'wrong_form' });
    return trimmed;
  }
  if (!/^[A-Za-z0-9+/]+=*$/.test(trimmed)) throw new CodedError('invalid_request', { field: 'KEY', problem: 'wrong_form' });
  const bytes = Buffer.from(trimmed, 'base64');
  if (bytes.length === 32) return `v=DKIM1; k=ed25519; p=${trimmed}`;
  if (bytes.length < 128 || bytes[0] !== 0x30) throw new CodedError('invalid_request', { field: 'KEY', problem: 'wrong_form' });
  return `v=DKIM1; k=rsa; p=${trimmed}`;
}

export async function pinDkimKey(db: Kysely<Database>, domain: string, selector: string, key: string): Promise<string> {
  checkName(domain, selector);
  const record = pinnedRecordOf(key);
  await db
    .insertInto('dkim_keys')
    .values({ domain, selector, source: 'pinned', record })
    .onConflict((oc) => oc.columns(['domain', 'selector', 'source']).doUpdateSet({ record, stored_at: sql`now()` }))
    .execute();
  return record;
}

export async function unpinDkimKey(db: Kysely<Database>, domain: string, selector: string): Promise<boolean> {
  const removed = await db.deleteFrom('dkim_keys').where('domain', '=', domain).where('selector', '=', selector).where('source', '=', 'pinned').executeTakeFirst();
  return removed.numDeletedRows > 0n;
}

export async function listDkimKeys(db: Kysely<Database>) {
  return db.selectFrom('dkim_keys').selectAll().orderBy('domain').orderBy('selector').orderBy('source').execute();
}

export async function platformEmailDomains(db: Kysely<Database>): Promise<Array<{ domain: string; platform: string }>> {
  return db.selectFrom('platform_email_domains').select(['domain', 'platform']).orderBy('platform').orderBy('domain').execute();
}

export async function addPlatformEmailDomain(db: Kysely<Database>, platform: string, domain: string): Promise<void> {
  if (!isDkimDomain(domain)) throw new CodedError('invalid_request', { field: 'DOMAIN', problem: 'wrong_form' });
  await db
    .insertInto('platform_email_domains')
    .values({ domain, platform })
    .onConflict((oc) => oc.column('domain').doUpdateSet({ platform }))
    .execute();
}

export async function removePlatformEmailDomain(db: Kysely<Database>, domain: string): Promise<boolean> {
  const removed = await db.deleteFrom('platform_email_domains').where('domain', '=', domain).executeTakeFirst();
  return removed.numDeletedRows > 0n;
}

/** The platform whose mail `domain` is, by the administrators' mapping. */
export async function platformOfSigningDomain(db: Kysely<Database>, domain: string): Promise<string | undefined> {
  return platformOfDomain(domain, await platformEmailDomains(db));
}
