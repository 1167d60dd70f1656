// The globals that both browsers and Node.js provide and that common/ uses; declared here because
// common/ compiles with neither the DOM library nor Node's types (common/tsconfig.json).
declare global {
  class TextEncoder {
    encode(input?: string): Uint8Array;
  }
  class TextDecoder {
    constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
    decode(input?: Uint8Array): string;
  }
  // WebCrypto, as far as the DKIM verifier (common/protocol/dkim.ts) uses it.
  interface CryptoKey {
    readonly type: string;
  }
  type WebCryptoAlgorithm = { name: string; hash?: string };
  var crypto: {
    subtle: {
      importKey(format: 'raw' | 'spki', key: Uint8Array, algorithm: WebCryptoAlgorithm, extractable: boolean, usages: 'verify'[]): Promise<CryptoKey>;
      verify(algorithm: WebCryptoAlgorithm, key: CryptoKey, signature: Uint8Array, data: Uint8Array): Promise<boolean>;
    };
  };
}
export {};
