// Which errors mean "the database is away" (a 503) and which are bugs or bad requests (not).
import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '../../server/db/database.js';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it.each([
    ['a restart (57P01)', withCode('57P01')],
    ['starting up (57P03)', withCode('57P03')],
    ['a connection failure (08006)', withCode('08006')],
    ['a full disk (53100)', withCode('53100')],
    ['a read-only server after failover (25006)', withCode('25006')],
    ['a refused connection', withCode('ECONNREFUSED')],
    ['no space on the device', withCode('ENOSPC')],
    ['an ended socket', new Error('Connection terminated unexpectedly')],
    ['a pool that could not connect in time', new Error('timeout exceeded when trying to connect')],
    ['a migration that failed for want of a connection', new Error('Migration unknown failed', { cause: withCode('ECONNREFUSED') })],
    ['every address of a name refused', new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')])],
  ])('yes for %s', (_what, error) => expect(isDatabaseUnavailable(error)).toBe(true));

  it.each([
    ['a unique violation (23505)', withCode('23505')],
    ['a syntax error (42601)', withCode('42601')],
    ['a bug', new TypeError('x is undefined')],
    ['not an error at all', 'ECONNREFUSED'],
  ])('no for %s', (_what, error) => expect(isDatabaseUnavailable(error)).toBe(false));
});
