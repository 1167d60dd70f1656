// Table types for Kysely; they mirror migrations/ and change only with a new migration.
import type { FromSchema } from 'json-schema-to-ts';
import type { ColumnType, Generated } from 'kysely';
import type { Day, MessageDirection } from '../../common/followup/message-schema.js';
import type { ModeratorStatus, QuestionStatus, StoryStatus, SubmissionStatus, TeamChangeKind, TeamChangeStatus } from '../../common/workflow.js';
import type { ModeratorRole } from '../../common/vocabulary.js';
import type { publicTagsSchema } from '../../common/moderation/publication-view.js';

/** A jsonb column: read as T, written as its JSON text (drivers would turn JS arrays into SQL arrays). */
export type Jsonb<T> = ColumnType<T, string | undefined, string>;

/** An SQL `date` as YYYY-MM-DD (both drivers are set to return dates as strings). */
export type { Day, MessageDirection };

// The workflow module defines the states; table types and older importers take them from here too.
export { SUBMISSION_STATUSES } from '../../common/workflow.js';
export type { StoryStatus, SubmissionStatus };

export interface IntakeKeysTable {
  id: string;
  public_key: Uint8Array;
  fingerprint: string;
  created_on: Day;
  retired_on: Day | null;
}

export interface SubmissionsTable {
  id: string;
  received_on: Day;
  intake_key_id: string;
  envelope: Uint8Array | null;
  padding_bucket: number;
  /** Null once withdrawn (migration 0019): the receipt then finds nothing. */
  reply_public_key: Uint8Array | null;
  /** Null once withdrawn (migration 0019). */
  lookup_hash: Uint8Array | null;
  status: Generated<SubmissionStatus>;
  status_changed_on: Day;
  decided_on: Day | null;
  purged_on: Day | null;
  /** The day a moderator first opened it (received → in_review), for the source's timeline. */
  review_started_on: Day | null;
  /** The moderator reviewing it now (migration 0012); null when nobody has claimed it. */
  claimed_by: string | null;
}

export interface MessagesTable {
  id: string;
  submission_id: string;
  position: number;
  direction: MessageDirection;
  ciphertext: Uint8Array;
  sent_on: Day;
  /** A question's copy sealed to the intake key, for the team to re-read (migration 0012). */
  intake_ciphertext: Uint8Array | null;
}

export type { ModeratorRole };

export interface ServerSecretsTable {
  name: string;
  value: Uint8Array;
}

/** An account's role: a moderator's, or a journalist's press account (migration 0030), which never enters the console. */
export type AccountRole = ModeratorRole | 'journalist';

export interface ModeratorsTable {
  id: string;
  handle: string;
  role: AccountRole;
  status: ModeratorStatus;
  salt: Uint8Array | null;
  sign_public_key: Uint8Array | null;
  box_public_key: Uint8Array | null;
  invited_on: Day;
  enrolled_on: Day | null;
  disabled_on: Day | null;
  /** The WebAuthn PRF input for this moderator's passkeys (random, 32 bytes; not secret). */
  prf_salt: Uint8Array | null;
  /** First login without a passkey: PASSKEY_GRACE_DAYS count from this day. */
  passkey_asked_on: Day | null;
  /** The administrator whose invitation or re-enrolment made this account (migration 0024). */
  invited_by: string | null;
  /** A second administrator who confirmed that invitation. */
  invitation_confirmed_by: string | null;
  /** Invited by `npm run admin:invite` while an administrator was enrolled. */
  invited_from_shell: Generated<boolean>;
  /** The console's language this moderator chose (en, es, pt-BR); null follows the browser (migration 0042). */
  console_language: string | null;
  /** The audit seq up to which this moderator has been shown the team's changes. */
  news_seen_seq: Generated<number>;
}

export interface PasskeysTable {
  id: string;
  moderator_id: string;
  credential_id: string;
  public_key: Uint8Array;
  counter: ColumnType<string, number, number>;
  /** Comma-separated WebAuthn transports, as the authenticator reported them. */
  transports: string;
  rp_id: string;
  /** Never null (migration 0024): random bytes of the same length when the passkey binds no keys. */
  wrapped_seed: Uint8Array;
  binds_keys: Generated<boolean>;
  created_on: Day;
  last_used_on: Day | null;
}

export interface PasskeyRegistrationsTable {
  challenge: Uint8Array;
  moderator_id: string;
  rp_id: string;
  expires_at: Date;
}

/** One-time links to add a passkey at another origin of the console (issue 25); only the token's hash. */
export interface PasskeyOriginLinksTable {
  token_hash: Uint8Array;
  moderator_id: string;
  rp_id: string;
  expires_at: Date;
}

export interface InvitationsTable {
  id: string;
  moderator_id: string;
  token_hash: Uint8Array;
  expires_at: Date;
  used_on: Day | null;
}

export interface LoginChallengesTable {
  challenge: Uint8Array;
  /** HMAC-SHA256(server secret, handle as typed): what was typed is never stored. */
  handle_hash: Uint8Array;
  expires_at: Date;
  /** Set once a passkey assertion on this challenge was verified: the signature step needs it. */
  passkey_id: string | null;
}

/** Answered login puzzles (issue 25), each spendable once; deleted once the puzzle would have expired. */
export interface LoginWorkSpentTable {
  puzzle_id: Uint8Array;
  expires_at: Date;
}

export interface SessionsTable {
  id_hash: Uint8Array;
  moderator_id: string;
  created_at: Date;
  last_seen_at: Date;
  /** The team news this session shows: audit entries after `news_from_seq`, up to `news_upto_seq`. */
  news_from_seq: Generated<number>;
  news_upto_seq: Generated<number>;
}

/** A team change waiting for (or decided by) a second administrator (migration 0024). */
export interface TeamChangesTable {
  id: string;
  kind: TeamChangeKind;
  subject_id: string | null;
  payload: string;
  proposed_by: string;
  proposed_on: Day;
  status: TeamChangeStatus;
  decided_by: string | null;
  decided_on: Day | null;
}

/** The single-use challenge of a fresh passkey assertion, bound to the session that asked. */
export interface AssertionChallengesTable {
  challenge: Uint8Array;
  session_hash: Uint8Array;
  expires_at: Date;
}

export interface IntakeKeyGrantsTable {
  intake_key_id: string;
  moderator_id: string;
  wrapped_secret_key: Uint8Array;
}

export interface WatchListsTable {
  intake_key_id: string;
  ciphertext: Uint8Array;
  updated_on: Day;
}

export interface AccountsTable {
  id: string;
  /** SHA-256 of the receipt's withdrawal tag (migration 0018); null for accounts accepted before it. */
  withdrawal_tag_hash: Uint8Array | null;
  role: string | null;
  platforms: Generated<string[]>;
  task_types: Generated<string[]>;
  pay_band: string | null;
  hours_band: string | null;
  conditions: Jsonb<Record<string, string>>;
  consent: string;
  accepted_on: Day;
  withdrawn_on: Day | null;
  /** 1: asked before the newer questions (they count as "not asked"); 2: asked them (migration 0010). */
  account_version: Generated<number>;
  /** Version 2's answers and the facts derived from them (moderation/queue-service.ts countedFacts). */
  facts: ColumnType<Record<string, string>, string | undefined, string>;
  /** When the work happened, YYYY-H1 or YYYY-H2; never a date. */
  half_year: string | null;
  /** The verification tier: document kinds a moderator saw (migration 0015); null when none was recorded. */
  documents_seen: ColumnType<string[] | null, string[] | null | undefined, string[] | null>;
  /** Verified by a platform's signed email (migration 0033): the platform, the signature's half-year, the keyed duplicate marker. */
  signed_email_platform: ColumnType<string | null, string | null | undefined, string | null>;
  signed_email_half_year: ColumnType<string | null, string | null | undefined, string | null>;
  signed_email_marker: ColumnType<Uint8Array | null, Uint8Array | null | undefined, Uint8Array | null>;
}

/** An accepted account not yet counted: admitPendingAccounts moves it into accounts at a release (migration 0018). */
export type PendingAccountsTable = Omit<AccountsTable, 'withdrawn_on'>;

/** Raw counts over counted accounts, kept by triggers (migration 0005); never published as such. */
export interface AccountTalliesTable {
  kind: string;
  a: string;
  b: string;
  n: string | number;
}

export interface StoriesTable {
  id: string;
  /** SHA-256 of the receipt's withdrawal tag (migration 0018): what a withdrawal retracts it by. */
  withdrawal_tag_hash: Uint8Array | null;
  /** The facts its publication needs, copied at acceptance: no join to the counted accounts. */
  accepted_on: Day;
  role: string | null;
  platforms: Generated<string[]>;
  task_types: Generated<string[]>;
  conditions: Jsonb<Record<string, string>>;
  documents_seen: ColumnType<string[] | null, string[] | null | undefined, string[] | null>;
  signed_email_platform: ColumnType<string | null, string | null | undefined, string | null>;
  signed_email_half_year: ColumnType<string | null, string | null | undefined, string | null>;
  title: string;
  body: string;
  pull_quotes: Jsonb<string[]>;
  attribution_label: string;
  status: StoryStatus;
  author_id: string;
  reviewer_id: string | null;
  review_note: string | null;
  created_on: Day;
  approved_on: Day | null;
  slug: string | null;
  batch_id: string | null;
  batch_position: number | null;
  published_on: Day | null;
  retracted_on: Day | null;
  public_tags: Jsonb<PublicTags>;
  published_attribution: string | null;
  /** What the second reviewer saw would be published (migration 0012); a release that differs sends the story back. */
  approved_attribution: string | null;
  approved_tags: ColumnType<PublicTags | null, string | null | undefined, string | null>;
  /** Generated by Postgres from title and body; never written. */
  search: ColumnType<string, never, never>;
}

/** A story's facets as published: only values shared by at least K_MIN accounts. */
export type PublicTags = FromSchema<typeof publicTagsSchema>;

export interface BatchesTable {
  id: string;
  sequence: number;
  released_on: Day;
  story_count: number;
  statistics: Jsonb<unknown>;
  /** The release whose refresh drew the figures this batch carries (itself, or an earlier one); null without figures (migration 0013). */
  figures_from: number | null;
  /** The day those figures were drawn; null without figures. */
  figures_updated_on: Day | null;
  /** The audit log's head hash and length when this release was made; null before migration 0025. */
  audit_head_hash: Uint8Array | null;
  audit_length: number | null;
}

/** One row: how many accounts have entered or left the counted set, ever (migration 0006). */
export interface StatisticsChangesTable {
  id: number;
  changes: string | number;
}

/** The privacy-loss ledger: one row per statistics refresh. */
export interface StatisticsRefreshesTable {
  sequence: number;
  refreshed_on: Day;
  epsilon_per_count: number;
  epsilon_per_refresh: number;
  changes_at: string | number;
  /** The refresh's index in the continual-release tree (migration 0020); null before it. */
  tree_refresh: number | null;
  nodes_per_count: number | null;
  /** Noisy per-facet counts of this refresh, for story tags and attribution labels (never exact counts). */
  noisy_facets: ColumnType<NoisyFacets | null, string | null | undefined, string | null>;
}

/** Per facet value, its noisy count at a refresh, and the value a count must reach to be shown. */
export interface NoisyFacets {
  showFrom: number;
  accounts: number;
  platforms: Record<string, number>;
  roles: Record<string, number>;
  taskTypes: Record<string, number>;
  conditionsYes: Record<string, number>;
}

/** Continual release (migration 0020): one count's noise at one tree node, drawn once. */
export interface StatisticsNodeNoiseTable {
  cell: string;
  level: number;
  node: number;
  noise: number;
}

export interface AuditLogTable {
  seq: number;
  /** Canonical JSON of the entry, exactly the bytes that were hashed. */
  entry: string;
  prev_hash: Uint8Array;
  hash: Uint8Array;
}

export interface KeyVerificationsTable {
  verifier_id: string;
  subject_id: string;
  /** crypto_sign_detached(verificationMessage(subject, keys), verifier's signing key), made in a browser. */
  signature: Uint8Array;
  verified_on: Day;
}

/** One row: whether something was deleted since the last scrub (migration 0019, server/db/scrub.ts). */
export interface ScrubDueTable {
  id: number;
  due: boolean;
}

/** One row whose boolean /readyz flips to prove the database can write. */
export interface ReadinessProbeTable {
  id: number;
  flipped: boolean;
}

/** A set of sealed files on its way to a submission; nothing in it says what they hold. */
export interface AttachmentUploadsTable {
  id: string;
  created_on: Day;
  /** Set in the transaction that stores the submission; an upload without one is unsent. */
  submission_id: string | null;
  /** Set when the upload was sent with a source's reply (migration 0017); null for the account's own files. */
  message_id: string | null;
}

export interface AttachmentFilesTable {
  upload_id: string;
  file_index: number;
  /** One of ATTACHMENT_BUCKETS: all the server knows of a file's size. */
  padded_size: number;
  /** SHA-256 of the sealed chunks end to end, as declared by the browser. */
  sha256: Uint8Array;
}

export interface AttachmentChunksTable {
  upload_id: string;
  file_index: number;
  chunk_index: number;
  /** One sealed secretstream message, SEALED_CHUNK_BYTES long. */
  bytes: Uint8Array;
}

/** Refused login attempts on issued challenges, counted per handle hash, day and step (migration 0022). */
export interface RefusedLoginCountsTable {
  handle_hash: Uint8Array;
  day: Day;
  step: 'passkey' | 'signature';
  refused: number;
}

/** The last audit entry the console verified (migration 0023): one row, id 1. */
export interface AuditCheckpointTable {
  id: number;
  seq: number;
  hash: Uint8Array;
}

/** The latest time the dated jobs saw (migration 0026, docs/faults.md): one row, id 1. */
export interface ClockWatermarkTable {
  id: number;
  seen_at: Date;
}

/** A journalist's name and outlet as an administrator entered them (migration 0030): a source reads them beside a question. */
export interface PressAccountsTable {
  moderator_id: string;
  name: string;
  outlet: string;
}

/** A journalist's question about a published story and its answer (migration 0031). */
export interface PressQuestionsTable {
  id: string;
  story_id: string;
  journalist_id: string;
  asked_text: string;
  /** What a moderator relayed (maybe edited); null until relayed. */
  relayed_text: string | null;
  status: QuestionStatus;
  asked_on: Day;
  relayed_on: Day | null;
  answered_on: Day | null;
  moderated_by: string | null;
  /** Sealed in the source's browser to the journalist's box key: the server cannot open it. */
  private_answer: Uint8Array | null;
  /** An answer for publication, sealed to the intake key until a moderator de-identifies it. */
  sealed_public_answer: Uint8Array | null;
  public_answer: string | null;
  answer_author_id: string | null;
  answer_published_on: Day | null;
}

export interface Database {
  press_accounts: PressAccountsTable;
  press_questions: PressQuestionsTable;
  refused_login_counts: RefusedLoginCountsTable;
  audit_checkpoint: AuditCheckpointTable;
  intake_keys: IntakeKeysTable;
  submissions: SubmissionsTable;
  messages: MessagesTable;
  server_secrets: ServerSecretsTable;
  moderators: ModeratorsTable;
  invitations: InvitationsTable;
  login_challenges: LoginChallengesTable;
  login_work_spent: LoginWorkSpentTable;
  passkey_origin_links: PasskeyOriginLinksTable;
  passkeys: PasskeysTable;
  passkey_registrations: PasskeyRegistrationsTable;
  sessions: SessionsTable;
  intake_key_grants: IntakeKeyGrantsTable;
  key_verifications: KeyVerificationsTable;
  watch_lists: WatchListsTable;
  accounts: AccountsTable;
  pending_accounts: PendingAccountsTable;
  account_tallies: AccountTalliesTable;
  stories: StoriesTable;
  audit_log: AuditLogTable;
  batches: BatchesTable;
  team_changes: TeamChangesTable;
  assertion_challenges: AssertionChallengesTable;
  statistics_changes: StatisticsChangesTable;
  statistics_refreshes: StatisticsRefreshesTable;
  statistics_node_noise: StatisticsNodeNoiseTable;
  readiness_probe: ReadinessProbeTable;
  scrub_due: ScrubDueTable;
  attachment_uploads: AttachmentUploadsTable;
  attachment_files: AttachmentFilesTable;
  attachment_chunks: AttachmentChunksTable;
  clock_watermark: ClockWatermarkTable;
  dkim_keys: DkimKeysTable;
  platform_email_domains: PlatformEmailDomainsTable;
}

/** DKIM public keys (migration 0033): pinned by the operator, or the last answer DNS gave. */
export interface DkimKeysTable {
  domain: string;
  selector: string;
  source: 'pinned' | 'live';
  record: string;
  stored_at: ColumnType<Date, Date | undefined, Date>;
}

/** Which signing domains belong to which platform (migration 0033); subdomains count as their parent. */
export interface PlatformEmailDomainsTable {
  domain: string;
  platform: string;
}
