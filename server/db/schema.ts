// Table types for Kysely; they mirror migrations/ and change only with a new migration.
import type { Generated } from 'kysely';

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

export interface Database {
  intake_keys: IntakeKeysTable;
  submissions: SubmissionsTable;
  messages: MessagesTable;
}
