import { describe, expect, it } from 'vitest';
import { accountFromForm, isAccountRefusal, type AccountRefusal, halfYearOf, halfYearsUpTo, readAccount } from '../../common/intake/account.js';
import { loadSodium } from '../../common/protocol/sodium.js';
import { codedErrorMessage } from '../../server/i18n/error-messages.js';
import { openAccount, sealAccount } from '../../common/protocol/envelope.js';

function refusal(fields: Record<string, string | string[]>): AccountRefusal {
  try {
    accountFromForm(fields);
  } catch (error) {
    if (isAccountRefusal(error)) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('accountFromForm', () => {
  it('keeps only answered fields and ignores empty choices', () => {
    expect(accountFromForm({ role: '', platforms: ['mercor'], payBand: '', narrative: ' It happened. ', consent: 'background', quotable: '  ' })).toEqual({
      v: 3,
      platforms: ['mercor'],
      taskTypes: [],
      conditions: {},
      narrative: ' It happened. ',
      consent: 'background',
    });
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
    [{ narrative: 'x', consent: 'quote', advertisedPayBand: 'over_9000' }, 'advertisedPayBand'],
    [{ narrative: 'x', consent: 'quote', unpaidHours: '20' }, 'unpaidHours'],
    [{ narrative: 'x', consent: 'quote', paidShare: 'none' }, 'paidShare'],
    [{ narrative: 'x', consent: 'quote', deactivated: 'unsure' }, 'deactivated'],
    [{ narrative: 'x', consent: 'quote', union: 'teamsters' }, 'union'],
    [{ narrative: 'x', consent: 'quote', latePay: ['never', 'often'] }, 'latePay'],
    [{ narrative: 'x', consent: 'quote', location: 'los_angeles' }, 'location'],
    [{ narrative: 'x', consent: 'quote', toldOfBreach: 'maybe' }, 'toldOfBreach'],
  ])('refuses %o naming the field', (fields, field) => {
    expect(refusal(fields).details.field).toBe(field);
  });
});

describe('account version 2', () => {
  const everything = {
    narrative: 'It happened.',
    consent: 'quote',
    platforms: ['outlier'],
    payBand: '40_59',
    advertisedPayBand: 'over_150',
    unpaidHours: '20_49',
    paidShare: 'about_half',
    latePay: 'sometimes',
    endedWithoutNotice: 'yes',
    noticeGiven: 'none',
    rateCut: 'yes',
    deactivated: 'yes',
    appealPossible: 'no',
    monitoring: 'unsure',
    union: 'wga',
    // Version 3 (issue 32).
    aiInterview: 'yes',
    monitoringTools: 'screenshots_keystrokes',
    idVerification: 'no',
    toldOfBreach: 'not_told',
    classification: 'contractor',
    payMethod: 'hourly',
    relaunchedLower: 'yes',
    realClientData: 'no',
    complaint: 'lost_work',
    trainingPaid: 'some_paid',
    location: 'us_federal',
    halfYear: '2025-H2',
  };

  it('carries v: 3, every answer under facts and the half-year', () => {
    const account = accountFromForm(everything);
    expect(account.v).toBe(3);
    expect(account.halfYear).toBe('2025-H2');
    const { narrative: _n, consent: _c, platforms: _p, payBand: _b, halfYear: _h, ...facts } = everything;
    expect(account.facts).toEqual(facts);
  });

  it('refuses a half-year in the future, before 2018, or a date, naming the field', () => {
    const now = new Date();
    const next = halfYearOf(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 6, 1)));
    for (const halfYear of [next, `${now.getUTCFullYear() + 1}-H1`, '2017-H2', '2026-03-14', '2026-03', 'spring 2026', '2026-H3']) {
      const error = refusal({ ...everything, halfYear });
      expect(error.details.field).toBe('halfYear');
    }
    expect(codedErrorMessage(refusal({ ...everything, halfYear: '2026-03-14' }))).toContain('never a date');
    expect(codedErrorMessage(refusal({ ...everything, halfYear: '2017-H2' }))).toContain('before 2018');
    expect(codedErrorMessage(refusal({ ...everything, halfYear: next }))).toContain('future');
    expect(accountFromForm({ ...everything, halfYear: halfYearOf(now) }).halfYear).toBe(halfYearOf(now));
    expect(accountFromForm({ ...everything, halfYear: '2018-H1' }).halfYear).toBe('2018-H1');
  });

  it('lists every half-year from 2018-H1 to today', () => {
    expect(halfYearsUpTo(new Date('2019-07-01T00:00:00Z'))).toEqual(['2018-H1', '2018-H2', '2019-H1', '2019-H2']);
    expect(halfYearsUpTo(new Date('2018-06-30T23:59:59Z'))).toEqual(['2018-H1']);
  });
});

describe('readAccount: accounts as opened by a moderator', () => {
  const v1 = { v: 1, role: 'writer', platforms: ['mercor'], taskTypes: ['annotation'], payBand: '60_89', conditions: { nda_signed: 'yes' }, narrative: 'Then.', consent: 'stats' };

  it('opens, validates and keeps a version-1 account as it was: no facts, no half-year', async () => {
    const sodium = await loadSodium();
    const intake = sodium.crypto_box_keypair();
    const opened = openAccount(sodium, sealAccount(sodium, v1, intake.publicKey), intake);
    expect(readAccount(opened)).toEqual(v1);
  });

  it('opens and validates a version-2 account sealed from the form', async () => {
    const sodium = await loadSodium();
    const intake = sodium.crypto_box_keypair();
    const account = accountFromForm({ narrative: 'Now.', consent: 'quote', platforms: ['outlier'], paidShare: 'most', halfYear: '2026-H1' });
    expect(readAccount(openAccount(sodium, sealAccount(sodium, account, intake.publicKey), intake), new Date('2026-12-01T00:00:00Z'))).toEqual(account);
  });

  it('opens a version-3 account sealed from the form, its 2026 answers under facts', async () => {
    const sodium = await loadSodium();
    const intake = sodium.crypto_box_keypair();
    const account = accountFromForm({ narrative: 'Now.', consent: 'quote', platforms: ['mercor'], toldOfBreach: 'learned_elsewhere', location: 'canada', classification: 'agency_temp' });
    expect(account.v).toBe(3);
    const opened = readAccount(openAccount(sodium, sealAccount(sodium, account, intake.publicKey), intake), new Date('2026-12-01T00:00:00Z'));
    expect(opened).toEqual(account);
    expect(opened.facts).toEqual({ toldOfBreach: 'learned_elsewhere', location: 'canada', classification: 'agency_temp' });
  });

  it('still opens a version-2 account as it was sealed: its 2026 questions were never asked', () => {
    const v2 = { ...v1, v: 2, facts: { paidShare: 'most', monitoring: 'yes' }, halfYear: '2025-H2' };
    expect(readAccount(v2, new Date('2026-12-01T00:00:00Z'))).toEqual(v2);
  });

  it.each([
    [{ ...v1, v: 4 }, 'v'],
    [{ ...v1, v: 2, facts: { location: 'canada' } }, 'facts.location'],
    [{ ...v1, facts: { paidShare: 'most' } }, 'v'],
    [{ ...v1, v: 2, facts: { paidShare: 'everything' } }, 'paidShare'],
    [{ ...v1, v: 2, facts: { salary: '100' } }, 'facts.salary'],
    [{ ...v1, v: 2, halfYear: '2026-05-01' }, 'halfYear'],
    [{ ...v1, payBand: 'lots' }, 'payBand'],
  ])('refuses %o naming the field', (value, field) => {
    try {
      readAccount(value, new Date('2026-12-01T00:00:00Z'));
    } catch (error) {
      expect(isAccountRefusal(error) && error.details.field).toBe(field);
      return;
    }
    throw new Error('expected a refusal');
  });
});
