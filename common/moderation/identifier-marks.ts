// The refusal for a draft that still carries unresolved identifier marks: the console says it
// before sending, and the server says it again from the console's count (it cannot read the text).
import { codedErrorMessage } from '../error-messages.js';
import { CodedError } from '../errors.js';
export function unresolvedMarksMessage(unresolved: number): string {
  return codedErrorMessage(new CodedError('unresolved_identifiers', { unresolved }));
}
