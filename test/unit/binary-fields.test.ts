// decodeField accepts exactly the canonical padded base64 that encoding it again gives back.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CodedError } from '../../common/errors.js';
import { decodeField } from '../../server/binary-fields.js';

/** The definition: Node's decoder, then the bytes encoded again must be the text sent. */
const canonical = (text: string) => Buffer.from(text, 'base64').toString('base64') === text;

const accepts = (text: string): boolean => {
  try {
    decodeField(text, 'field');
    return true;
  } catch (error) {
    if (!(error instanceof CodedError) || !error.is('bad_base64')) throw error;
    return false;
  }
};

// Letters of the alphabet, padding, base64url's letters, whitespace, a stray dot, and beyond ASCII.
const LETTERS = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', '=', '-', '_', ' ', '\n', '\t', '.', 'é', '\u2028', '\uD83D'];

describe('decodeField', () => {
  it('accepts what encodes back to itself and nothing else, on random and mutated texts', () => {
    const letters = fc.array(fc.constantFrom(...LETTERS), { maxLength: 24 }).map((chars) => chars.join(''));
    const mutated = fc
      .tuple(fc.uint8Array({ maxLength: 20 }), fc.nat(), fc.constantFrom(...LETTERS), fc.constantFrom('replace', 'insert', 'delete', 'none'))
      .map(([bytes, at, letter, how]) => {
        const text = Buffer.from(bytes).toString('base64');
        const i = text.length === 0 ? 0 : at % text.length;
        if (how === 'replace') return text.slice(0, i) + letter + text.slice(i + 1);
        if (how === 'insert') return text.slice(0, i) + letter + text.slice(i);
        if (how === 'delete') return text.slice(0, i) + text.slice(i + 1);
        return text;
      });
    fc.assert(
      fc.property(fc.oneof(letters, mutated), (text) => {
        expect(accepts(text), JSON.stringify(text)).toBe(canonical(text));
      }),
      { numRuns: 20_000 },
    );
  });

  it('refuses the spellings a lenient decoder would take', () => {
    for (const text of ['AB==', 'AAB=', 'A-8=', 'A_8=', 'AA==\n', ' AA==', 'AA=A', 'AAA', '====', 'AA=']) expect(accepts(text), text).toBe(false);
    for (const text of ['', 'AA==', 'AAA=', 'AAAA', '+/8=']) expect(accepts(text), text).toBe(true);
  });

  it('names the field and the lengths when the bytes are not as many as expected', () => {
    expect(() => decodeField('AAAA', 'lookupToken', 32)).toThrow(expect.objectContaining({ code: 'bad_length', details: { field: 'lookupToken', expected: 32, actual: 3 } }));
  });
});
