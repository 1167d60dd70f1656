// The strength estimator with its dictionaries (zxcvbn-ts, common and English): most of the
// enrolment page's bytes, so passphrase-strength.ts imports this module dynamically and the page
// is usable while it arrives.
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';

export const estimator = new ZxcvbnFactory({
  dictionary: { ...common.dictionary, ...english.dictionary },
  graphs: common.adjacencyGraphs,
  translations: english.translations,
});
