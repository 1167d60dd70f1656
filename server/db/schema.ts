// Table types for Kysely; they mirror migrations/ and change only with a new migration.
import type { ColumnType, Generated } from 'kysely';

/** A jsonb column: read as T, written as its JSON text (drivers would turn JS arrays into SQL arrays). */
export type Jsonb<T> = ColumnType<T, string | undefined, string>;

/** An SQL `date` as YYYY-MM-DD (both drivers are set to return dates as strings). */
export type Day = string;

export const SUBMISSION_STATUSES = ['received', 'in_review', 'needs_info', 'accepted', 'rejected', 'withdrawn'] as const;
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number];

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
  reply_public_key: Uint8Array;
  lookup_hash: Uint8Array;
  status: Generated<SubmissionStatus>;
  status_changed_on: Day;
  decided_on: Day | null;
  purged_on: Day | null;
}

export interface MessagesTable {
  id: string;
  submission_id: string;
  position: number;
  direction: 'to_source' | 'from_source';
  ciphertext: Uint8Array;
  sent_on: Day;
}


export type ModeratorRole = 'administrator' | 'moderator';
export type ModeratorStatus = 'invited' | 'active' | 'disabled';

export interface ServerSecretsTable {
  name: string;
  value: Uint8Array;
}

export interface ModeratorsTable {
  id: string;
  handle: string;
  role: ModeratorRole;
  status: ModeratorStatus;
  salt: Uint8Array | null;
  sign_public_key: Uint8Array | null;
  box_public_key: Uint8Array | null;
  invited_on: Day;
  enrolled_on: Day | null;
  disabled_on: Day | null;
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
  handle: string;
  expires_at: Date;
}

export interface SessionsTable {
  id_hash: Uint8Array;
  moderator_id: string;
  created_at: Date;
  last_seen_at: Date;
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
  submission_id: string | null;
  role: string | null;
  platforms: Generated<string[]>;
  task_types: Generated<string[]>;
  pay_band: string | null;
  hours_band: string | null;
  conditions: Jsonb<Record<string, string>>;
  consent: string;
  accepted_on: Day;
  withdrawn_on: Day | null;
}

export type StoryStatus = 'draft' | 'awaiting_second_review' | 'approved' | 'published' | 'retracted';

export interface StoriesTable {
  id: string;
  account_id: string;
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
}

export interface AuditLogTable {
  seq: number;
  /** Canonical JSON of the entry, exactly the bytes that were hashed. */
  entry: string;
  prev_hash: Uint8Array;
  hash: Uint8Array;
}

export interface Database {
  intake_keys: IntakeKeysTable;
  submissions: SubmissionsTable;
  messages: MessagesTable;
  server_secrets: ServerSecretsTable;
  moderators: ModeratorsTable;
  invitations: InvitationsTable;
  login_challenges: LoginChallengesTable;
  sessions: SessionsTable;
  intake_key_grants: IntakeKeyGrantsTable;
  watch_lists: WatchListsTable;
  accounts: AccountsTable;
  stories: StoriesTable;
  audit_log: AuditLogTable;
}
