import { describe, expect, it } from 'vitest';
import { AccountInvalidError, accountFromForm } from '../../common/intake/account.js';

function refusal(fields: Record<string, string | string[]>): AccountInvalidError {
  try {
    accountFromForm(fields);
  } catch (error) {
    if (error instanceof AccountInvalidError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('accountFromForm', () => {
  it('keeps only answered fields and ignores empty choices', () => {
    expect(
      accountFromForm({ role: '', platforms: ['mercor'], payBand: '', narrative: ' It happened. ', consent: 'background', quotable: '  ' }),
    ).toEqual({ v: 1, platforms: ['mercor'], taskTypes: [], conditions: {}, narrative: ' It happened. ', consent: 'background' });
  });

  it.each([
    [{ narrative: 'x', consent: 'quote', role: 'producer' }, 'role'],
    [{ narrative: 'x', consent: 'quote', platforms: ['mercor', 'mercor'] }, 'platforms'],
    [{ narrative: 'x', consent: 'quote', taskTypes: 'coding' }, 'taskTypes'],
    [{ narrative: 'x', consent: 'quote', hoursBand: '168' }, 'hoursBand'],
    [{ narrative: 'x', consent: 'everything' }, 'consent'],
    [{ narrative: 'x', consent: ['quote', 'stats'] }, 'consent'],
    [{ narrative: 'x', consent: 'quote', quotable: 'q'.repeat(1001) }, 'quotable'],
    [{ narrative: '', consent: 'quote' }, 'narrative'],
  ])('refuses %o naming the field', (fields, field) => {
    expect(refusal(fields).field).toBe(field);
  });
});
