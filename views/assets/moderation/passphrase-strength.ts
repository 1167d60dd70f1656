// The passphrase rule (DESIGN §3 Passphrases): after a seizure, the stored salt and public keys
// let anyone test guesses offline, and one hit opens every account. Only this page ever sees the
// passphrase, so only this page can check it: with a maintained estimator (zxcvbn-ts, its common
// and English dictionaries), bundled for the enrolment page alone.
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';
import { codedErrorMessage } from '../../../common/error-messages.js';
import { CodedError } from '../../../common/errors.js';
import { isDemoPassphrase } from '../../../common/moderation/demo-passphrase.js';

/** zxcvbn's estimate of guesses an attacker needs, as a power of ten; its top score starts at 10. */
export const MIN_GUESSES_LOG10 = 20;

const estimator = new ZxcvbnFactory({
  dictionary: { ...common.dictionary, ...english.dictionary },
  graphs: common.adjacencyGraphs,
  translations: english.translations,
});

export interface PassphraseVerdict {
  strongEnough: boolean;
  /** Said to the person: why not, or that it will do. */
  message: string;
}

export function judgePassphrase(passphrase: string, userInputs: string[]): PassphraseVerdict {
  if (passphrase === '') return { strongEnough: false, message: 'Type a passphrase, or use the suggested one.' };
  if (isDemoPassphrase(passphrase)) return { strongEnough: false, message: codedErrorMessage(new CodedError('demo_passphrase')) };
  const result = estimator.check(passphrase, [...userInputs, 'offscript', 'moderator', 'moderation']);
  if (result.score === 4 && result.guessesLog10 >= MIN_GUESSES_LOG10) {
    return { strongEnough: true, message: 'Strong enough.' };
  }
  const advice = [result.feedback.warning, ...result.feedback.suggestions].filter(Boolean).join(' ');
  return {
    strongEnough: false,
    message: `Too easy to guess offline (about 10^${Math.floor(result.guessesLog10)} guesses; at least 10^${MIN_GUESSES_LOG10} needed). ${advice || 'Add more uncommon words, or use the suggested passphrase.'}`,
  };
}
