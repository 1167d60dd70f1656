// A software WebAuthn authenticator for API tests: ES256 credentials, "none" attestation, a
// signature counter, and a PRF stand-in (HMAC-SHA256 of the salt under a per-credential secret,
// as hmac-secret does) so that the browser's PRF wrapping can be done here in Node.
import { createHash, createHmac, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import type { AuthenticationResponseJSON, PublicKeyCredentialCreationOptionsJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { isoCBOR } from '@simplewebauthn/server/helpers';

const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest();
const b64url = (data: Uint8Array) => Buffer.from(data).toString('base64url');

export class SoftwarePasskey {
  readonly credentialId = randomBytes(16);
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  private readonly prfSecret = randomBytes(32);
  private counter = 0;
  /** Whether the authenticator says it verified the person (the UV flag); false: presence only. */
  userVerified = true;

  constructor(
    readonly rpId: string,
    readonly origin: string,
  ) {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey;
  }

  get id(): string {
    return b64url(this.credentialId);
  }

  /** The PRF output for a salt: deterministic per credential, like an authenticator's. */
  prf(salt: Uint8Array): Uint8Array {
    return createHmac('sha256', this.prfSecret).update(salt).digest();
  }

  private authenticatorData(flags: number, attested?: Uint8Array): Buffer {
    // Steps of a thousand: a copy exported to a browser's virtual authenticator counts up by one
    // from the export, so the next assertion here still exceeds the counter the server stored.
    this.counter += 1_000;
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(this.counter);
    return Buffer.concat([sha256(this.rpId), Buffer.from([flags]), counter, ...(attested ? [attested] : [])]);
  }

  private clientData(type: 'webauthn.create' | 'webauthn.get', challenge: string): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin: this.origin, crossOrigin: false }));
  }

  /** A registration response to `options`, as @simplewebauthn/browser would send it. */
  register(options: Pick<PublicKeyCredentialCreationOptionsJSON, 'challenge'>): RegistrationResponseJSON {
    const jwk = this.publicKey.export({ format: 'jwk' });
    const cose = isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 2], // kty: EC2
        [3, -7], // alg: ES256
        [-1, 1], // crv: P-256
        [-2, Buffer.from(jwk.x!, 'base64url')],
        [-3, Buffer.from(jwk.y!, 'base64url')],
      ]),
    );
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(this.credentialId.length);
    const attested = Buffer.concat([Buffer.alloc(16), idLength, this.credentialId, cose]);
    // Flags: user present, user verified, attested credential data.
    const authData = this.authenticatorData(0x01 | (this.userVerified ? 0x04 : 0) | 0x40, attested);
    const noStatement = new Map<string, string>();
    const attestationObject = isoCBOR.encode(
      new Map<string, string | Map<string, string> | Uint8Array>([
        ['fmt', 'none'],
        ['attStmt', noStatement],
        ['authData', authData],
      ]),
    );
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      clientExtensionResults: {},
      response: { clientDataJSON: b64url(this.clientData('webauthn.create', options.challenge)), attestationObject: b64url(attestationObject), transports: ['internal'] },
    };
  }

  /** The credential as WebAuthn.addCredential takes it: a resident key with its PKCS#8 private key and counter. */
  exportForVirtualAuthenticator() {
    return {
      credentialId: this.credentialId.toString('base64'),
      isResidentCredential: true,
      rpId: this.rpId,
      privateKey: this.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
      userHandle: Buffer.from(this.credentialId).toString('base64'),
      signCount: this.counter,
    };
  }

  /** An assertion on `challenge` (base64url), as @simplewebauthn/browser would send it. */
  assert(challenge: string): AuthenticationResponseJSON {
    const authData = this.authenticatorData(0x01 | (this.userVerified ? 0x04 : 0));
    const clientDataJSON = this.clientData('webauthn.get', challenge);
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), this.privateKey);
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      clientExtensionResults: {},
      response: { clientDataJSON: b64url(clientDataJSON), authenticatorData: b64url(authData), signature: b64url(signature) },
    };
  }
}
