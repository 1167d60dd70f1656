// The one place that loads libsodium for code that runs in browsers and in Node alike.
import sodium from 'libsodium-wrappers';

export type Sodium = typeof sodium;

let ready: Promise<Sodium> | undefined;

/** Resolves once libsodium's WebAssembly is instantiated; cheap after the first call. */
export function loadSodium(): Promise<Sodium> {
  ready ??= sodium.ready.then(() => sodium);
  return ready;
}
