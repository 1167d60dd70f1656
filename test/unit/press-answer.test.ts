// The private answer to a journalist (issue 32): known-answer vectors (test/vectors/press-answer-v1.json)
// and the question workflow's transition table (common/workflow.ts).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromBase64 } from '../../common/protocol/encoding.js';
import { openPrivateAnswer, sealPrivateAnswer } from '../../common/protocol/press-answer.js';
import { bucketOfSealedLength } from '../../common/protocol/padding.js';
import { loadSodium } from '../../common/protocol/sodium.js';
import { protocolErrorCodeOf } from '../support/protocol-errors.js';
import { answerApprovalRefusal, mayEnter, transition } from '../../common/workflow.js';

const sodium = await loadSodium();
const { vectors } = JSON.parse(readFileSync(new URL('../vectors/press-answer-v1.json', import.meta.url), 'utf8')) as {
  vectors: { journalistSeedHex: string; journalistPublicKeyBase64: string; questionId: string; body: string; identity?: string; ciphertextBase64: string }[];
};

const codeOf = protocolErrorCodeOf;

describe('private press answers: known-answer vectors', () => {
  it.each(vectors.map((v) => [v.questionId, v] as const))('question %s', (_id, vector) => {
    const keyPair = sodium.crypto_box_seed_keypair(sodium.from_hex(vector.journalistSeedHex));
    expect(sodium.to_base64(keyPair.publicKey, sodium.base64_variants.ORIGINAL)).toBe(vector.journalistPublicKeyBase64);
    const ciphertext = fromBase64(sodium, vector.ciphertextBase64);
    // Padded to a bucket: the length says only the bucket.
    expect(bucketOfSealedLength(ciphertext.length)).toBeDefined();
    const opened = openPrivateAnswer(sodium, ciphertext, keyPair, vector.questionId);
    expect(opened.body).toBe(vector.body);
    expect(opened.identity).toBe(vector.identity);
    // Moved to another question, the answer is refused.
    expect(codeOf(() => openPrivateAnswer(sodium, ciphertext, keyPair, '00000000-0000-4000-8000-000000000000'))).toBe('cannot_open');
    // Another key pair cannot open it.
    expect(codeOf(() => openPrivateAnswer(sodium, ciphertext, sodium.crypto_box_keypair(), vector.questionId))).toBe('cannot_open');
  });

  it('round-trips, and an empty identity is left out', () => {
    const keyPair = sodium.crypto_box_keypair();
    const sealed = sealPrivateAnswer(sodium, { questionId: 'q', body: 'hello', identity: '  ' }, keyPair.publicKey);
    expect(openPrivateAnswer(sodium, sealed, keyPair, 'q')).toEqual({ v: 1, kind: 'offscript/press-answer', questionId: 'q', body: 'hello' });
  });
});

describe('question workflow', () => {
  it('moves along the one transition table (common/workflow.ts) and refuses everything else', () => {
    expect(transition('question', 'asked', 'relay', 'moderator')).toBe('relayed');
    expect(() => transition('question', 'asked', 'answer_privately', 'source')).toThrow(expect.objectContaining({ code: 'question_wrong_state' }));
    expect(transition('question', 'relayed', 'answer_privately', 'source')).toBe('answered_privately');
    expect(answerApprovalRefusal('a', 'a')).toBe('own_answer_draft');
    expect(answerApprovalRefusal('a', 'b')).toBeUndefined();
    expect(transition('question', 'answer_awaiting_second_review', 'approve_answer', 'moderator')).toBe('answer_published');
  });
  it('keeps journalists out of the console and moderators out of the press desk', () => {
    expect(mayEnter('journalist', 'console')).toBe(false);
    expect(mayEnter('journalist', 'press')).toBe(true);
    expect(mayEnter('moderator', 'press')).toBe(false);
    expect(mayEnter('administrator', 'console')).toBe(true);
  });
});
