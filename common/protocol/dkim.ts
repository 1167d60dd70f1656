// DKIM verification (RFC 6376; Ed25519-SHA256 from RFC 8463) of a saved email, in the moderator's
// browser (docs/signed-email.md): the server never sees the email, only which domain and selector
// to fetch a key for. No maintained verifier runs in a browser (mailauth needs node:crypto and
// node:dns), so this is a small one over WebCrypto, tested against mailauth's signer.
// Bytes are handled as "binary strings" (one char per byte) so that canonicalisation is byte-exact.
import { bytesToHex } from '@noble/hashes/utils.js';
import { sha256 } from './digest.js';
import type { Sodium } from './sodium.js';

/** Why a signature did not verify; each has words in the `evidence` namespace (`dkim.failure.*`). */
export type DkimFailure =
  | 'malformed_signature'
  | 'unsupported_algorithm'
  | 'key_unavailable'
  | 'key_revoked'
  | 'key_malformed'
  | 'key_type_mismatch'
  | 'body_length_beyond_body'
  | 'body_hash_mismatch'
  | 'signature_mismatch'
  | 'from_not_signed'
  | 'unsigned_from_added';

/** Where the key came from: fetched from DNS now (or from the server's cache of that), pinned by the operator, or not found. */
export type DkimKeySource = 'live' | 'pinned' | 'unavailable';

export interface DkimKeyLookup {
  source: DkimKeySource;
  /** The TXT record ("v=DKIM1; k=rsa; p=…"); absent when unavailable. */
  record?: string;
}

export type DkimKeyFetcher = (domain: string, selector: string) => Promise<DkimKeyLookup>;

export interface DkimVerdict {
  status: 'pass' | 'fail';
  failure?: DkimFailure;
  domain: string;
  selector: string;
  algorithm: string;
  canonicalization: string;
  keySource: DkimKeySource | undefined;
  /** The t= tag: when the signature claims it was made (seconds since 1970), if it says. */
  signedAt: number | undefined;
  /** Header fields the signature covers, in h= order (lower case, repeats kept). */
  signedHeaders: string[];
  /** Header fields present in the email that the signature does not cover (lower case, once each). */
  unsignedHeaders: string[];
  /** Canonical body bytes in all, and how many the signature covers (fewer when l= is set). */
  bodyBytes: number;
  bodyBytesSigned: number;
  /** The b= value decoded, base64: what the duplicate marker is made from. */
  signature: string;
}

const WSP = /[ \t]+/g;

/** Bytes to a binary string, one char per byte. */
function binary(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return out;
}

function bytesOf(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

interface HeaderField {
  name: string;
  /** The field as it stands, folding included, without its final CRLF. */
  raw: string;
}

/** Splits an email into header fields and body; bare LF line ends (as some clients save) count as CRLF. */
export function splitEmail(bytes: Uint8Array): { headers: HeaderField[]; body: string } {
  const text = binary(bytes).replace(/\r?\n/g, '\r\n');
  const end = text.indexOf('\r\n\r\n');
  const head = end < 0 ? text : text.slice(0, end + 2);
  const body = end < 0 ? '' : text.slice(end + 4);
  const headers: HeaderField[] = [];
  for (const line of head.split('\r\n')) {
    if (line === '') continue;
    const last = headers.at(-1);
    if ((line.startsWith(' ') || line.startsWith('\t')) && last) last.raw += `\r\n${line}`;
    else
      headers.push({
        name: line
          .slice(0, Math.max(line.indexOf(':'), 0))
          .trim()
          .toLowerCase(),
        raw: line,
      });
  }
  return { headers, body };
}

function canonicalHeader(field: HeaderField, mode: string): string {
  if (mode === 'simple') return field.raw;
  const colon = field.raw.indexOf(':');
  const value = field.raw
    .slice(colon + 1)
    .replace(/\r\n(?=[ \t])/g, '')
    .replace(WSP, ' ')
    .trim();
  return `${field.raw.slice(0, colon).trim().toLowerCase()}:${value}`;
}

export function canonicalBody(body: string, mode: string): string {
  let lines = body.split('\r\n');
  // split leaves '' after a final CRLF; every line but that one ended with CRLF.
  if (lines.at(-1) === '') lines.pop();
  if (mode === 'relaxed') lines = lines.map((line) => line.replace(WSP, ' ').replace(/ $/, ''));
  while (lines.length > 0 && lines.at(-1) === '') lines.pop();
  if (lines.length === 0) return mode === 'relaxed' ? '' : '\r\n';
  return `${lines.join('\r\n')}\r\n`;
}

/** The tag=value list of a DKIM-Signature or key record; whitespace inside values removed. */
export function dkimTags(list: string): Map<string, string> {
  const tags = new Map<string, string>();
  for (const part of list.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (name && !tags.has(name)) tags.set(name, part.slice(eq + 1).replace(/[ \t\r\n]+/g, ''));
  }
  return tags;
}

function base64Bytes(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 === 1) return undefined;
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const clean = text.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let value = 0;
  let at = 0;
  for (const char of clean) {
    value = (value << 6) | alphabet.indexOf(char);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = (value >> bits) & 0xff;
    }
  }
  return out;
}

function base64Of(bytes: Uint8Array): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += alphabet[(n >> 18) & 63]! + alphabet[(n >> 12) & 63]! + (i + 1 < bytes.length ? alphabet[(n >> 6) & 63]! : '=') + (i + 2 < bytes.length ? alphabet[n & 63]! : '=');
  }
  return out;
}

/** DER SubjectPublicKeyInfo prefix for an RSA key given as a bare PKCS#1 RSAPublicKey (older records). */
function spkiOfPkcs1(pkcs1: Uint8Array): Uint8Array {
  const length = (n: number) => (n < 128 ? [n] : n < 256 ? [0x81, n] : [0x82, n >> 8, n & 0xff]);
  const algorithm = [0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00];
  const bitString = [0x03, ...length(pkcs1.length + 1), 0x00];
  const inner = algorithm.length + bitString.length + pkcs1.length;
  return new Uint8Array([0x30, ...length(inner), ...algorithm, ...bitString, ...pkcs1]);
}

async function signatureHolds(keyType: string, keyBytes: Uint8Array, signatureBytes: Uint8Array, dataBytes: Uint8Array): Promise<boolean> {
  const subtle = globalThis.crypto.subtle;
  // Copies over a plain ArrayBuffer, which is what WebCrypto's types ask for.
  const [key, signature, data] = [Uint8Array.from(keyBytes), Uint8Array.from(signatureBytes), Uint8Array.from(dataBytes)];
  if (keyType === 'ed25519') {
    // RFC 8463: Ed25519 signs the SHA-256 of the canonical header data, not the data itself.
    const publicKey = await subtle.importKey('raw', key, { name: 'Ed25519' }, false, ['verify']);
    return subtle.verify({ name: 'Ed25519' }, publicKey, signature, Uint8Array.from(sha256(data)));
  }
  const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  let publicKey;
  try {
    publicKey = await subtle.importKey('spki', key, algorithm, false, ['verify']);
  } catch {
    publicKey = await subtle.importKey('spki', Uint8Array.from(spkiOfPkcs1(key)), algorithm, false, ['verify']);
  }
  return subtle.verify(algorithm, publicKey, signature, data);
}

const ALGORITHMS: Record<string, string> = { 'rsa-sha256': 'rsa', 'ed25519-sha256': 'ed25519' };

/** Verifies one DKIM-Signature field of the email. */
async function verifyOne(field: HeaderField, headers: readonly HeaderField[], body: string, fetchKey: DkimKeyFetcher): Promise<DkimVerdict> {
  const tags = dkimTags(field.raw.slice(field.raw.indexOf(':') + 1));
  const [headerMode = 'simple', bodyMode = 'simple'] = (tags.get('c') ?? 'simple/simple').toLowerCase().split('/');
  const signedHeaders = (tags.get('h') ?? '').toLowerCase().split(':').filter(Boolean);
  const present = [...new Set(headers.map((h) => h.name).filter((name) => name !== 'dkim-signature'))];
  const t = tags.get('t');
  const l = tags.get('l');
  const verdict: DkimVerdict = {
    status: 'fail',
    domain: (tags.get('d') ?? '').toLowerCase(),
    selector: (tags.get('s') ?? '').toLowerCase(),
    algorithm: (tags.get('a') ?? '').toLowerCase(),
    canonicalization: `${headerMode}/${bodyMode}`,
    keySource: undefined,
    signedAt: t && /^\d{1,12}$/.test(t) ? Number(t) : undefined,
    signedHeaders,
    unsignedHeaders: present.filter((name) => !signedHeaders.includes(name)),
    bodyBytes: 0,
    bodyBytesSigned: 0,
    signature: '',
  };
  const fail = (failure: DkimFailure): DkimVerdict => ({ ...verdict, status: 'fail', failure });
  const signature = base64Bytes(tags.get('b') ?? '');
  const bodyHash = base64Bytes(tags.get('bh') ?? '');
  const modes = ['simple', 'relaxed'];
  if (
    tags.get('v') !== '1' ||
    !verdict.domain ||
    !verdict.selector ||
    !signature?.length ||
    !bodyHash ||
    !modes.includes(headerMode) ||
    !modes.includes(bodyMode) ||
    (l !== undefined && !/^\d{1,76}$/.test(l))
  ) {
    return fail('malformed_signature');
  }
  verdict.signature = base64Of(signature);
  const keyType = ALGORITHMS[verdict.algorithm];
  if (!keyType) return fail('unsupported_algorithm');
  // A From field the signature does not cover can be what a mail client shows (RFC 6376 §8.15).
  if (!signedHeaders.includes('from')) return fail('from_not_signed');
  if (headers.filter((h) => h.name === 'from').length > signedHeaders.filter((h) => h === 'from').length) return fail('unsigned_from_added');

  const canonical = canonicalBody(body, bodyMode);
  verdict.bodyBytes = canonical.length;
  const covered = l === undefined ? canonical : canonical.slice(0, Number(l));
  if (l !== undefined && Number(l) > canonical.length) return fail('body_length_beyond_body');
  verdict.bodyBytesSigned = covered.length;
  if (bytesToHex(sha256(bytesOf(covered))) !== bytesToHex(bodyHash)) return fail('body_hash_mismatch');

  const lookup = await fetchKey(verdict.domain, verdict.selector);
  verdict.keySource = lookup.source;
  if (lookup.source === 'unavailable' || lookup.record === undefined) return fail('key_unavailable');
  const record = dkimTags(lookup.record);
  const p = record.get('p');
  if (p === '') return fail('key_revoked');
  const key = base64Bytes(p ?? '');
  if (!key?.length) return fail('key_malformed');
  if ((record.get('k') ?? 'rsa').toLowerCase() !== keyType) return fail('key_type_mismatch');
  // A key may name the hashes and services it is for (RFC 6376 §3.6.1); ours are SHA-256 and email.
  const hashes = record.get('h')?.toLowerCase().split(':');
  const services = record.get('s')?.toLowerCase().split(':');
  if ((hashes && !hashes.includes('sha256')) || (services && !services.includes('*') && !services.includes('email'))) return fail('key_type_mismatch');

  // Each name in h= takes the lowest instance not yet taken; a missing one adds nothing (§5.4.2).
  const taken = new Set<HeaderField>();
  let data = '';
  for (const name of signedHeaders) {
    const instance = [...headers].reverse().find((h) => h.name === name && !taken.has(h) && h !== field);
    if (!instance) continue;
    taken.add(instance);
    data += `${canonicalHeader(instance, headerMode)}\r\n`;
  }
  const colon = field.raw.indexOf(':');
  const withoutB = field.raw.slice(0, colon + 1) + field.raw.slice(colon + 1).replace(/(^|;)([ \t\r\n]*b[ \t\r\n]*=)[^;]*/, '$1$2');
  data += canonicalHeader({ name: field.name, raw: withoutB }, headerMode);
  let holds = false;
  try {
    holds = await signatureHolds(keyType, key, signature, bytesOf(data));
  } catch {
    return fail('key_malformed');
  }
  return holds ? { ...verdict, status: 'pass' } : fail('signature_mismatch');
}

/** Every DKIM signature of a saved email, each verified (an email with none gives an empty list). */
export async function verifyDkim(email: Uint8Array, fetchKey: DkimKeyFetcher): Promise<DkimVerdict[]> {
  const { headers, body } = splitEmail(email);
  const verdicts: DkimVerdict[] = [];
  for (const field of headers.filter((h) => h.name === 'dkim-signature')) verdicts.push(await verifyOne(field, headers, body, fetchKey));
  return verdicts;
}

/** The only time the account keeps: the half-year of the signature's t= ("2026-H1"). */
export function halfYearOf(seconds: number): string {
  const date = new Date(seconds * 1000);
  return `${date.getUTCFullYear()}-H${date.getUTCMonth() < 6 ? 1 : 2}`;
}

/**
 * The duplicate marker (DESIGN §3): keyed BLAKE2b-256 of the decoded signature under a key derived
 * from the deployment's first intake secret key, which only moderators' browsers hold (wrapped for
 * each). Never an unkeyed digest: the platform that sent the email could match that against its outbox.
 */
export function duplicateMarker(sodium: Sodium, intakeSecretKey: Uint8Array, signatureBase64: string): string {
  const key = sodium.crypto_kdf_derive_from_key(32, 1, 'dkimdupe', intakeSecretKey);
  const signature = base64Bytes(signatureBase64);
  if (!signature?.length) throw new Error('No signature to mark.');
  const marker = sodium.crypto_generichash(32, signature, key);
  sodium.memzero(key);
  return bytesToHex(marker);
}
