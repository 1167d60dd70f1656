// Each page loads only its own bundle and the chunks it imports: the moderator login page gets
// neither the redaction code (compromise) nor another page's code.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAssetManifest } from '../../server/views.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { createIntakeKey } from '../support/intake.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  await createIntakeKey(t.database.db); // the submission form loads its script only when it can seal
});
afterAll(async () => t?.close());

/** The text of a page's module script and of every module it imports, followed transitively. */
async function scriptsLoadedBy(pagePath: string, followDynamic = false): Promise<Map<string, string>> {
  const page = await t.app.inject({ method: 'GET', url: pagePath });
  expect(page.statusCode).toBe(200);
  return scriptsFrom(
    [...page.body.matchAll(/<script type="module" src="([^"]+)"/g)].map((m) => m[1]!),
    followDynamic,
  );
}

/** These scripts and every module they import statically (and with `followDynamic`, with import()), followed transitively. */
async function scriptsFrom(urls: string[], followDynamic = false): Promise<Map<string, string>> {
  const loaded = new Map<string, string>();
  const pending = [...urls];
  while (pending.length > 0) {
    const url = pending.pop()!;
    if (loaded.has(url)) continue;
    const script = await t.app.inject({ method: 'GET', url });
    expect(script.statusCode, url).toBe(200);
    loaded.set(url, script.body);
    // esbuild's minified static imports: `from"../chunks/chunk-X.js"` or `import"./chunk-X.js"`.
    for (const [, relative] of script.body.matchAll(/(?:from|import)\s*"(\.{1,2}\/[^"]+\.js)"/g)) {
      pending.push(new URL(relative!, `http://x${url}`).pathname);
    }
    if (!followDynamic) continue;
    for (const [, relative] of script.body.matchAll(/import\(\s*"(\.{1,2}\/[^"]+\.js)"\s*\)/g)) {
      pending.push(new URL(relative!, `http://x${url}`).pathname);
    }
  }
  return loaded;
}

// compromise's bundle carries its version string; its package exports no package.json.
const compromiseVersion = (JSON.parse(readFileSync('node_modules/compromise/package.json', 'utf8')) as { version: string }).version;

describe('page bundles', () => {
  it('the login page loads its own bundle and its chunks, without compromise', async () => {
    const loaded = await scriptsLoadedBy('/mod/login');
    const urls = [...loaded.keys()];
    expect(urls[0]).toMatch(/^\/assets\/moderation\/login-[A-Z0-9]+\.js$/);
    expect(urls.slice(1).every((u) => u.startsWith('/assets/chunks/'))).toBe(true);
    for (const text of loaded.values()) expect(text).not.toContain(compromiseVersion);
  });

  it('only the moderator submission bundle carries compromise, not the source submit page', async () => {
    const loaded = await scriptsLoadedBy('/submit');
    expect([...loaded.keys()][0]).toMatch(/^\/assets\/submit-/);
    for (const text of loaded.values()) expect(text).not.toContain(compromiseVersion);
    // The submission page's bundle carries it, in a chunk it shares with the story page's revision form.
    const submission = await scriptsFrom([readAssetManifest()['moderation/submission.js']!]);
    expect([...submission.values()].some((text) => text.includes(compromiseVersion))).toBe(true);
  });

  // The sumo build (Argon2id, ~0.5 MB) is for moderators; a source's pages hash with @noble/hashes.
  // Both builds name crypto_pwhash_argon2id in their JavaScript; only sumo binds the WebAssembly
  // export `_crypto_pwhash_argon2id…`.
  it('the source pages load the standard libsodium build, never the sumo one', async () => {
    for (const page of ['/submit', '/status']) {
      const loaded = await scriptsLoadedBy(page, true);
      expect(
        [...loaded.values()].some((text) => text.includes('crypto_box_seal')),
        page,
      ).toBe(true);
      for (const text of loaded.values()) expect(text, page).not.toContain('_crypto_pwhash_argon2id');
    }
    const login = await scriptsFrom([readAssetManifest()['moderation/login.js']!]);
    expect([...login.values()].some((text) => text.includes('_crypto_pwhash_argon2id'))).toBe(true);
  });

  // Issue 30: before the first keystroke /submit loads its form code only; sealing (libsodium's
  // WebAssembly alone is over 100 KB brotli), the receipt words and the attachment tools come after.
  it("/submit's script before the first keystroke is at most 100 KB brotli, as served, and carries no libsodium", async () => {
    const initial = await scriptsLoadedBy('/submit');
    let brotliBytes = 0;
    for (const url of initial.keys()) {
      const served = await t.app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'br' } });
      expect(served.headers['content-encoding'], url).toBe('br');
      brotliBytes += served.rawPayload.length;
    }
    expect(brotliBytes).toBeLessThanOrEqual(100 * 1024);
    for (const text of initial.values()) expect(text).not.toContain('crypto_box_seal');
    // What loads after: the sealing code and the attachment tools, each by import() from the page's own script.
    const later = [...(await scriptsLoadedBy('/submit', true)).values()];
    expect(later.some((text) => text.includes('crypto_box_seal'))).toBe(true);
    expect(later.some((text) => text.includes('attachments-no-javascript'))).toBe(true);
  });

  // The queue refreshes itself through the console's JSON fetch, which lives apart from console.ts.
  it('the queue page loads no cryptography', async () => {
    const loaded = await scriptsFrom([readAssetManifest()['moderation/queue.js']!]);
    expect([...loaded.values()].some((text) => text.includes('/mod/api/submissions'))).toBe(true);
    for (const text of loaded.values()) {
      expect(text).not.toContain('crypto_box_seal');
      expect(text).not.toContain('libsodium');
    }
  });
});
