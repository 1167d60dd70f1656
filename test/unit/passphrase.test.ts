// The passphrase rule (issue 13, item 3): the estimator's verdict and the suggested passphrase.
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { describe, expect, it } from 'vitest';
import { loadSodiumSumo } from '../../common/protocol/sodium-sumo.js';
import { generatePassphrase, SUGGESTED_PASSPHRASE_BITS, SUGGESTED_PASSPHRASE_MIN_WORDS } from '../../common/protocol/moderator-keys.js';
import { judgePassphrase } from '../../views/assets/moderation/passphrase-strength.js';
import { DEMO_PASSPHRASE } from '../../common/moderation/demo-passphrase.js';
import { carryPageWords } from '../support/page-words.js';

const sodium = await loadSodiumSumo();
// The enrolment page carries its words; here, the English ones.
carryPageWords('en');

describe('judgePassphrase', () => {
  it.each(['aaaaaaaaaaaaaaaa', 'correct horse battery staple', 'Tr0ub4dor&3xyz!', 'P@ssw0rd2024!P@ssw0rd2024!', 'one two three four', 'dana dana dana dana dana'])(
    'refuses %j, which the old rule (four words or sixteen characters) let through or nearly',
    async (passphrase) => {
      const verdict = await judgePassphrase(passphrase, ['dana']);
      expect(verdict.strongEnough).toBe(false);
      expect(verdict.message).toMatch(/^Too easy to guess offline/);
    },
  );

  it('counts the handle as known to an attacker', async () => {
    expect((await judgePassphrase('velvet lantern orbit meadow', ['bob'])).strongEnough).toBe(true);
    expect((await judgePassphrase('velvetlantern orbit meadow', ['velvetlantern'])).strongEnough).toBe(false);
  });

  it('refuses the demo passphrase printed in the README, in any case or spacing (issue 26)', async () => {
    for (const typed of [DEMO_PASSPHRASE, ` Demo only  FICTIONAL offscript moderator `]) {
      const verdict = await judgePassphrase(typed, ['alice']);
      expect(verdict.strongEnough).toBe(false);
      expect(verdict.message).toMatch(/README/);
    }
  });

  it('accepts every suggested passphrase', async () => {
    for (let i = 0; i < 20; i++) expect((await judgePassphrase(generatePassphrase(sodium, wordlist), ['alice'])).strongEnough).toBe(true);
  });
});

describe('generatePassphrase', () => {
  it('draws enough words from the list for 80 bits, at least seven', () => {
    const words = generatePassphrase(sodium, wordlist).split(' ');
    expect(words.length).toBeGreaterThanOrEqual(SUGGESTED_PASSPHRASE_MIN_WORDS);
    expect(words.length * Math.log2(wordlist.length)).toBeGreaterThanOrEqual(SUGGESTED_PASSPHRASE_BITS);
    expect(words.every((w) => wordlist.includes(w))).toBe(true);
    // A short list needs more words: 16 words of 4 bits would be 64; 20 are drawn.
    expect(generatePassphrase(sodium, 'abcdefghijklmnop'.split('')).split(' ')).toHaveLength(20);
  });
});
