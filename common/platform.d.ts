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
}
export {};
