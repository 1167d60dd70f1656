import { ProtocolError } from '../../common/protocol/errors.js';

/** The ProtocolError code `fn` throws, or undefined if it returns; any other error propagates. */
export function protocolErrorCodeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof ProtocolError) return error.code;
    throw error;
  }
  return undefined;
}
