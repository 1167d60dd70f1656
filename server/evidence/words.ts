// The words of the moderator's DKIM panel (views/assets/moderation/dkim-panel.ts), rendered into the
// page in its language with `{name}` placeholders that the panel fills in.
import type { Language } from '../../common/languages.js';
import type { DkimFailure, DkimKeySource } from '../../common/protocol/dkim.js';
import { translate } from '../i18n/catalogue.js';

const PANEL_WORDS = [
  'signedBy',
  'pass',
  'fail',
  'signedAt',
  'covered',
  'notCovered',
  'bodyAll',
  'bodyPart',
  'notPlatform',
  'platformMatch',
  'cannotMark',
  'duplicate',
  'mark',
  'showText',
  'checking',
  'noSignature',
  'cannotCheck',
];
const KEY_SOURCES: DkimKeySource[] = ['live', 'pinned', 'unavailable'];
const FAILURES: DkimFailure[] = [
  'malformed_signature',
  'unsupported_algorithm',
  'key_unavailable',
  'key_revoked',
  'key_malformed',
  'key_type_mismatch',
  'body_length_beyond_body',
  'body_hash_mismatch',
  'signature_mismatch',
  'from_not_signed',
  'unsigned_from_added',
];
const PLACEHOLDERS = Object.fromEntries(['domain', 'reason', 'halfYear', 'date', 'headers', 'signed', 'total', 'platform'].map((name) => [name, `{${name}}`]));

export function evidenceWords(language: Language): Array<{ key: string; text: string }> {
  return [
    ...PANEL_WORDS.map((key) => ({ key, text: translate(language, `evidence:panel.${key}`, PLACEHOLDERS) })),
    ...KEY_SOURCES.map((source) => ({ key: `key_${source}`, text: translate(language, `evidence:panel.keySource.${source}`) })),
    ...FAILURES.map((failure) => ({ key: `failure_${failure}`, text: translate(language, `evidence:dkimFailure.${failure}`) })),
  ];
}
