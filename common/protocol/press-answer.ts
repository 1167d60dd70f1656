// A source's private answer to a journalist's question (issue 32, DESIGN §3 Journalists): sealed
// in the source's browser to the journalist's own box public key (made in the journalist's browser
// at enrolment), so that the server and the moderators hold only ciphertext. The question's id is
// inside the seal: a server that moved an answer to another question would be caught on opening.
import { CodedError } from '../errors.js';
import { openPaddedJson, sealPaddedJson, type BoxKeyPair } from './envelope.js';
import type { Sodium } from './sodium.js';

export interface PrivateAnswer {
  v: 1;
  kind: 'offscript/press-answer';
  questionId: string;
  body: string;
  /** Only when the source chose to tell this journalist who they are: their own words, as typed. */
  identity?: string;
}

export function sealPrivateAnswer(sodium: Sodium, answer: { questionId: string; body: string; identity?: string }, journalistPublicKey: Uint8Array): Uint8Array {
  const identity = answer.identity?.trim();
  const value: PrivateAnswer = {
    v: 1,
    kind: 'offscript/press-answer',
    questionId: answer.questionId,
    body: answer.body,
    ...(identity ? { identity } : {}),
  };
  return sealPaddedJson(sodium, value, journalistPublicKey);
}

/** Opens a private answer with the journalist's key pair; refuses one sealed for another question. */
export function openPrivateAnswer(sodium: Sodium, ciphertext: Uint8Array, journalist: BoxKeyPair, questionId: string): PrivateAnswer {
  const value = openPaddedJson(sodium, ciphertext, journalist) as Partial<Record<keyof PrivateAnswer, unknown>>;
  if (value.kind !== 'offscript/press-answer' || typeof value.body !== 'string' || (value.identity !== undefined && typeof value.identity !== 'string')) {
    throw new CodedError('bad_version');
  }
  if (value.questionId !== questionId) throw new CodedError('cannot_open');
  return { v: 1, kind: 'offscript/press-answer', questionId, body: value.body, ...(typeof value.identity === 'string' ? { identity: value.identity } : {}) };
}
