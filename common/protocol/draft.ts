// A moderator's work in progress on one submission or story (text, title, tags, verification,
// redaction marks), kept in the tab while they type: sealed to the moderator's own box key, so that what the
// browser keeps in sessionStorage is ciphertext (issue 28).
import { CodedError } from '../errors.js';
import { openPaddedJson, sealPaddedJson, type BoxKeyPair } from './envelope.js';
import type { Sodium } from './sodium.js';

export interface ModeratorDraft {
  v: 1;
  /** What the draft belongs to ("submission:<id>", "story:<id>"): a draft is never restored into another. */
  subject: string;
  /** Each form control's value by its id: text for inputs, selects and text areas, a boolean for a checkbox. */
  fields: Record<string, string | boolean>;
  /** The identifier marks the moderator said are not identifying (DraftMarks' keys). */
  dismissed: string[];
}

export function sealDraft(sodium: Sodium, draft: Omit<ModeratorDraft, 'v'>, boxPublicKey: Uint8Array): Uint8Array {
  return sealPaddedJson(sodium, { v: 1, ...draft }, boxPublicKey);
}

/** Opens a sealed draft; anything but a well-formed draft for `subject` is refused. */
export function openDraft(sodium: Sodium, sealed: Uint8Array, boxKeyPair: BoxKeyPair, subject: string): ModeratorDraft {
  const value = openPaddedJson(sodium, sealed, boxKeyPair) as Partial<Record<keyof ModeratorDraft, unknown>>;
  const fields = value.fields;
  const wellFormed =
    value.subject === subject &&
    typeof fields === 'object' &&
    fields !== null &&
    Object.values(fields).every((f) => typeof f === 'string' || typeof f === 'boolean') &&
    Array.isArray(value.dismissed) &&
    value.dismissed.every((d) => typeof d === 'string');
  if (!wellFormed) throw new CodedError('bad_version');
  return { v: 1, subject, fields: fields as Record<string, string | boolean>, dismissed: value.dismissed as string[] };
}
