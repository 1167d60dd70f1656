// The passphrase rule (DESIGN §3 Passphrases): after a seizure, the stored salt and public keys
// let anyone test guesses offline, and one hit opens every account. Only this page ever sees the
// passphrase, so only this page can check it: with a maintained estimator (zxcvbn-ts, its common
// and English dictionaries), for the enrolment page alone, fetched in the background
// (passphrase-estimator.ts, a chunk of its own).
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { codedErrorMessage } from '../error-words.js';
import { CodedError } from '../../../common/errors.js';
import { isDemoPassphrase } from '../../../common/moderation/demo-passphrase.js';
import { consoleWord } from './console-words.js';

/** zxcvbn's estimate of guesses an attacker needs, as a power of ten; its top score starts at 10. */
export const MIN_GUESSES_LOG10 = 20;

let estimator: Promise<ZxcvbnFactory> | undefined;

/** Fetches the estimator once; after a failure the next call tries again. */
export function loadEstimator(): Promise<ZxcvbnFactory> {
  estimator ??= import('./passphrase-estimator.js').then(
    (module) => module.estimator,
    (error: unknown) => {
      estimator = undefined;
      throw error;
    },
  );
  return estimator;
}

export interface PassphraseVerdict {
  strongEnough: boolean;
  /** Said to the person: why not, or that it will do. */
  message: string;
}

export async function judgePassphrase(passphrase: string, userInputs: string[]): Promise<PassphraseVerdict> {
  if (passphrase === '') return { strongEnough: false, message: consoleWord('strength.empty') };
  if (isDemoPassphrase(passphrase)) return { strongEnough: false, message: codedErrorMessage(new CodedError('demo_passphrase')) };
  const result = (await loadEstimator()).check(passphrase, [...userInputs, 'offscript', 'moderator', 'moderation']);
  if (result.score === 4 && result.guessesLog10 >= MIN_GUESSES_LOG10) {
    return { strongEnough: true, message: consoleWord('strength.strong') };
  }
  const advice = [result.feedback.warning, ...result.feedback.suggestions].filter(Boolean).join(' ');
  return {
    strongEnough: false,
    message: `${consoleWord('strength.tooEasy', { guesses: Math.floor(result.guessesLog10), needed: MIN_GUESSES_LOG10 })} ${advice || consoleWord('strength.addWords')}`,
  };
}
