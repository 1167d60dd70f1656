// Emails signed in the test suite with a maintained signer (mailauth's dkimSign), and the DNS
// records of their keys, so that DKIM tests never reach the network.
import { generateKeyPairSync } from 'node:crypto';
import { dkimSign } from 'mailauth/lib/dkim/sign.js';

export interface TestSigningKey {
  algorithm: 'rsa-sha256' | 'ed25519-sha256';
  privateKey: string;
  /** The TXT record a domain would publish at selector._domainkey.domain. */
  record: string;
}

export function rsaKey(): TestSigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const spki = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  return { algorithm: 'rsa-sha256', privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), record: `v=DKIM1; k=rsa; p=${spki}` };
}

export function ed25519Key(): TestSigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  // The record holds the bare 32-byte key (RFC 8463), the last 32 bytes of its SPKI.
  const raw = publicKey.export({ type: 'spki', format: 'der' }).subarray(-32).toString('base64');
  return { algorithm: 'ed25519-sha256', privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), record: `v=DKIM1; k=ed25519; p=${raw}` };
}

export const SAMPLE_EMAIL = [
  'From: Outlier Onboarding <onboarding@outlier.example>',
  'To: Sam Writer <sam.writer@mail.example>',
  'Subject: Welcome to the project,  Sam',
  'Date: Tue, 10 Mar 2026 09:15:00 +0000',
  'Message-ID: <welcome-1234@outlier.example>',
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Hi Sam,',
  '',
  'Your rate for this project is $45 per hour.  Tasks start Monday.',
  '',
  '<b>This is not rendered</b> <script>alert(1)</script>',
  '',
  '',
].join('\r\n');

export interface SignOptions {
  domain?: string;
  selector?: string;
  canonicalization?: 'relaxed/relaxed' | 'simple/simple' | 'relaxed/simple' | 'simple/relaxed';
  maxBodyLength?: number;
  signTime?: Date;
  headerList?: string[];
}

/** The email with a DKIM-Signature field in front, as the platform's mail server would send it. */
export async function signEmail(email: string, key: TestSigningKey, options: SignOptions = {}): Promise<string> {
  const result = await dkimSign(Buffer.from(email), {
    signatureData: [
      {
        signingDomain: options.domain ?? 'outlier.example',
        selector: options.selector ?? 'mail2026',
        privateKey: key.privateKey,
        algorithm: key.algorithm,
        canonicalization: options.canonicalization ?? 'relaxed/relaxed',
        ...(options.maxBodyLength === undefined ? {} : { maxBodyLength: options.maxBodyLength }),
        ...(options.headerList ? { headerList: options.headerList } : {}),
      },
    ],
    signTime: options.signTime ?? new Date('2026-03-10T09:15:05Z'),
  } as Parameters<typeof dkimSign>[1]);
  if (!result.signatures) throw new Error(`mailauth did not sign: ${JSON.stringify(result.errors)}`);
  return result.signatures + email;
}
