export type ProtocolErrorCode =
  | 'bad_base64'
  | 'bad_length'
  | 'too_large'
  | 'bad_padding'
  | 'cannot_open'
  | 'bad_version'
  | 'bad_digest'
  | 'bad_manifest'
  | 'receipt_word_count'
  | 'receipt_unknown_word'
  | 'receipt_checksum';

/** A protocol-level refusal; `code` is stable, the message is safe to show to a person. */
export class ProtocolError extends Error {
  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}
