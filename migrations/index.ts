// Migrations are listed here (not read from disk) so that they run the same from the
// TypeScript sources under vitest and from the compiled output in production.
import type { Migration } from 'kysely/migration';
import * as m0001 from './0001_intake.js';
import * as m0002 from './0002_moderation.js';
import * as m0003 from './0003_followup.js';
import * as m0004 from './0004_publishing.js';
import * as m0005 from './0005_account_tallies.js';
import * as m0006 from './0006_statistics_refreshes.js';
import * as m0007 from './0007_login_challenge_handle_hash.js';
import * as m0008 from './0008_pinned_key_verifications.js';
import * as m0009 from './0009_readiness_probe.js';
import * as m0010 from './0010_account_version_2.js';
import * as m0011 from './0011_attachments.js';
import * as m0012 from './0012_console_claims.js';
import * as m0013 from './0013_batch_figures_provenance.js';
import * as m0014 from './0014_passkeys.js';
import * as m0015 from './0015_verification_tier.js';
import * as m0016 from './0016_verification_tier_tallies.js';
import * as m0017 from './0017_reply_attachments.js';
import * as m0018 from './0018_unlinked_accounts.js';
import * as m0019 from './0019_scrub_and_forget.js';
import * as m0020 from './0020_continual_release.js';
import * as m0022 from './0022_refused_login_counts.js';
import * as m0023 from './0023_audit_checkpoint.js';
import * as m0024 from './0024_team_changes.js';
import * as m0025 from './0025_release_audit_heads.js';
import * as m0026 from './0026_clock_watermark.js';
import * as m0027 from './0027_account_version_3.js';
import * as m0030 from './0030_press_accounts.js';
import * as m0031 from './0031_press_questions.js';
import * as m0033 from './0033_signed_email_evidence.js';
import * as m0034 from './0034_signed_email_tier_tallies.js';
import * as m0038 from './0038_login_work.js';
import * as m0039 from './0039_passkey_origin_links.js';
import * as m0042 from './0042_console_language.js';

export const migrations: Record<string, Migration> = {
  '0001_intake': m0001,
  '0002_moderation': m0002,
  '0003_followup': m0003,
  '0004_publishing': m0004,
  '0005_account_tallies': m0005,
  '0006_statistics_refreshes': m0006,
  '0007_login_challenge_handle_hash': m0007,
  '0008_pinned_key_verifications': m0008,
  '0009_readiness_probe': m0009,
  '0010_account_version_2': m0010,
  '0011_attachments': m0011,
  '0012_console_claims': m0012,
  '0013_batch_figures_provenance': m0013,
  '0014_passkeys': m0014,
  '0015_verification_tier': m0015,
  '0016_verification_tier_tallies': m0016,
  '0017_reply_attachments': m0017,
  '0018_unlinked_accounts': m0018,
  '0019_scrub_and_forget': m0019,
  '0020_continual_release': m0020,
  '0022_refused_login_counts': m0022,
  '0023_audit_checkpoint': m0023,
  '0024_team_changes': m0024,
  '0025_release_audit_heads': m0025,
  '0026_clock_watermark': m0026,
  '0027_account_version_3': m0027,
  '0030_press_accounts': m0030,
  '0031_press_questions': m0031,
  '0033_signed_email_evidence': m0033,
  '0034_signed_email_tier_tallies': m0034,
  '0038_login_work': m0038,
  '0039_passkey_origin_links': m0039,
  '0042_console_language': m0042,
};
