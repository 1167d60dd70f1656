import { describe, expect, it } from 'vitest';
import { CodedError, ERROR_STATUSES, isErrorCode } from '../../common/errors.js';
import { codedErrorMessage, describeError, ENGLISH, refusalMessage } from '../../common/error-messages.js';

describe('one error type, words from one catalogue', () => {
  it('carries the code, the status the code maps to and data details; its own message is only the code', () => {
    const error = new CodedError('handle_taken', { handle: 'ana' });
    expect([error.code, error.statusCode, error.details, error.message]).toEqual(['handle_taken', 409, { handle: 'ana' }, 'handle_taken']);
    expect(codedErrorMessage(error)).toBe('The handle "ana" is already in use.');
    expect(new CodedError('login_paused', { minutes: 3 }, { retryAfterSeconds: 170 }).retryAfterSeconds).toBe(170);
  });

  it('has words for every code, and every code is a client or server error status', () => {
    for (const code of Object.keys(ERROR_STATUSES)) {
      expect(isErrorCode(code)).toBe(true);
      expect(ENGLISH).toHaveProperty(code);
      expect(ERROR_STATUSES[code as keyof typeof ERROR_STATUSES]).toBeGreaterThanOrEqual(400);
    }
    expect(isErrorCode('toString')).toBe(false);
  });

  it('renders a JSON refusal from its code and details in the browser, else keeps the server words', () => {
    expect(refusalMessage({ code: 'purged', message: 'x', details: { purgedOn: '2026-01-02' } }, 'fallback')).toContain('deleted on 2026-01-02');
    expect(refusalMessage({ code: 'empty_message', message: 'server words' }, 'fallback')).toBe(ENGLISH.empty_message);
    expect(refusalMessage({ code: 'some_newer_code', message: 'server words' }, 'fallback')).toBe('server words');
    expect(refusalMessage({ code: 'purged', message: 'server words' }, 'fallback')).toBe('server words');
    expect(refusalMessage(undefined, 'fallback')).toBe('fallback');
  });

  it('describes anything thrown: coded errors by their words, other errors by their message', () => {
    expect(describeError(new CodedError('cannot_open'), 'fallback')).toBe(ENGLISH.cannot_open);
    expect(describeError(new Error('plain'), 'fallback')).toBe('plain');
    expect(describeError('a string', 'fallback')).toBe('fallback');
  });
});
