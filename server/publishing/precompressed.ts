// Public pages in the encodings browsers ask for, compressed once per published state and
// language, never per request: /stats is 270 KB of HTML, a few dozen KB in brotli, and the day a
// story runs a small server's uplink is spent on it. Only public pages are compressed: they hold
// no secret a compression side channel (BREACH) could reveal, and no cookie or CSRF token.
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { Negotiator } from '@fastify/accept-negotiator';

export type ContentCoding = 'br' | 'gzip';

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

// Below this a page fits one packet anyway; the encodings would cost more than they save.
const SMALLEST_WORTH_COMPRESSING = 1024;

// Brotli first: smaller than gzip on HTML; identity last, for clients that name neither.
const negotiator = new Negotiator<ContentCoding | 'identity'>({ supportedValues: ['br', 'gzip', 'identity'] });

/** Which stored encoding `acceptEncoding` prefers (q-values honoured), or undefined for the bytes as they are. */
export function preferredCoding(acceptEncoding: string | undefined): ContentCoding | undefined {
  if (acceptEncoding === undefined) return undefined;
  const chosen = negotiator.negotiate(acceptEncoding);
  return chosen === null || chosen === 'identity' ? undefined : chosen;
}

// Not the highest settings: brotli 11 took 300 ms on a 240 KB table like /stats (brotli 9: 7 ms,
// no larger), and gzip 9 ten times gzip 6's time for a sixth fewer bytes. Anyone can ask for a page
// not yet cached (a valid cursor, a language): making one must cost about what rendering it does.
const BROTLI_QUALITY = 9;
const GZIP_LEVEL = 6;

/** `body` in every stored encoding that makes it smaller (done once, on zlib's thread pool); an encoding that would not save anything is left out. */
export async function compressedCodings(body: Buffer): Promise<Partial<Record<ContentCoding, Buffer>>> {
  if (body.length < SMALLEST_WORTH_COMPRESSING) return {};
  const [br, gz] = await Promise.all([
    brotli(body, { params: { [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }),
    gzipped(body, { level: GZIP_LEVEL }),
  ]);
  return { ...(br.length < body.length ? { br } : {}), ...(gz.length < body.length ? { gzip: gz } : {}) };
}
