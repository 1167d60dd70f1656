// What an account keeps of a verified signed email (issue 33): the platform, the half-year of the
// signature and the keyed duplicate marker; the rules a marking must meet, checked again here.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import { CodedError } from '../../common/errors.js';
import { platforms } from '../../common/vocabulary.js';
import { platformOfSigningDomain } from './dkim-keys.js';

export interface SignedEmailVerification {
  platform: string;
  /** The signing domain (d=): checked against the administrators' mapping, never stored. */
  domain: string;
  halfYear: string;
  marker: string;
}

/** How many accounts, counted or waiting for a release, this marker already backs. */
export async function accountsWithMarker(db: Kysely<Database>, markerHex: string): Promise<number> {
  const marker = Buffer.from(markerHex, 'hex');
  const [counted, pending] = await Promise.all([
    db
      .selectFrom('accounts')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('signed_email_marker', '=', marker)
      .where('withdrawn_on', 'is', null)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('pending_accounts')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('signed_email_marker', '=', marker)
      .executeTakeFirstOrThrow(),
  ]);
  return Number(counted.n) + Number(pending.n);
}

/**
 * The columns an accepted account gets: only when the signing domain is the platform's, the
 * account names that platform, and no other account already carries the same marker.
 */
export async function signedEmailColumns(trx: Transaction<Database>, verification: SignedEmailVerification, accountPlatforms: readonly string[]) {
  const { platform, domain, halfYear, marker } = verification;
  if (!platforms.has(platform)) throw new CodedError('invalid_request', { field: 'verification.signedEmail.platform', problem: 'not_one_of', allowed: [...platforms.keys] });
  if ((await platformOfSigningDomain(trx, domain)) !== platform) throw new CodedError('signed_email_not_platform_domain', { domain, platform: platforms.labelOf(platform) });
  if (!accountPlatforms.includes(platform)) throw new CodedError('signed_email_platform_not_named', { platform: platforms.labelOf(platform) });
  // Two acceptances of the same email at once: the second waits here and then sees the first.
  await sql`select pg_advisory_xact_lock(hashtext('signed_email_marker'))`.execute(trx);
  if ((await accountsWithMarker(trx, marker)) > 0) throw new CodedError('signed_email_already_counted');
  return { signed_email_platform: platform, signed_email_half_year: halfYear, signed_email_marker: Buffer.from(marker, 'hex') };
}
