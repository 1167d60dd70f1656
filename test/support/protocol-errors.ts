import { CodedError } from '../../common/errors.js';

/** The CodedError code `fn` throws, or undefined if it returns; any other error propagates. */
export function protocolErrorCodeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof CodedError) return error.code;
    throw error;
  }
  return undefined;
}
