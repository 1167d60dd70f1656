// Debian's Chromium driven by playwright-core. Browser tests skip (with a message) only when
// no Chromium is installed and CI has not required one.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type CDPSession, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { toBase64 } from '../../common/protocol/encoding.js';
import { startListeningTestApp, type ListeningTestApp, type TestAppDependencies } from './app.js';
import { s, type TestModerator } from './moderation.js';
import type { SoftwarePasskey } from './passkey.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const chromiumAvailable = existsSync(CHROMIUM_PATH);

if (!chromiumAvailable) {
  const message = `Chromium not found at ${CHROMIUM_PATH}: browser tests are skipped. Install it with "apt-get install -y chromium".`;
  if (process.env.OFFSCRIPT_REQUIRE_BROWSER) throw new Error(message);
  console.warn(message);
}

/** `extraArgs`: more switches, such as --host-resolver-rules for a second host name on loopback. */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', ...extraArgs],
  });
}

/** A page in a context of its own (no cookies, no storage), its script errors reported, its dialogs accepted. */
export async function newWatchedPage(browser: Browser): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  page.on('pageerror', (error) => console.error('page error:', error.message));
  page.on('dialog', (dialog) => void dialog.accept());
  return page;
}

/** A listening app and a Chromium for one test file, started before its tests and closed after. */
export function appAndChromium(env: Record<string, string> = {}, deps: TestAppDependencies = {}): { readonly t: ListeningTestApp; readonly browser: Browser } {
  let t: ListeningTestApp | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    t = await startListeningTestApp(env, undefined, deps);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });
  return {
    get t() {
      return t!;
    },
    get browser() {
      return browser!;
    },
  };
}

export interface VirtualAuthenticator {
  /** The DevTools protocol's id for it, for WebAuthn.removeVirtualAuthenticator and friends. */
  authenticatorId: string;
  cdp: CDPSession;
}

/**
 * A virtual WebAuthn authenticator on `page` (DevTools WebAuthn domain): discoverable credentials,
 * user verification, presence confirmed automatically; with or without the PRF extension.
 * `passkeys` (from API enrolment) are installed in it, so that the page can log in with them.
 * Chrome allows one internal (platform) authenticator per page: a second is a USB security key.
 */
export async function addVirtualAuthenticator(
  page: Page,
  { prf = true, passkeys = [], transport = 'internal' }: { prf?: boolean; passkeys?: SoftwarePasskey[]; transport?: 'internal' | 'usb' } = {},
): Promise<VirtualAuthenticator> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport, hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true, hasPrf: prf },
  });
  for (const passkey of passkeys) await cdp.send('WebAuthn.addCredential', { authenticatorId, credential: passkey.exportForVirtualAuthenticator() });
  return { authenticatorId, cdp };
}

/** A tab in which `who` is logged in: their session cookie and key pairs, as the login page leaves them. */
export async function moderatorTab(browser: Browser, who: TestModerator, origin: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addCookies(
    Object.entries(who.cookies).map(([name, value]) => ({ name, value, domain: new URL(origin).hostname, path: '/mod', httpOnly: true, sameSite: 'Strict' as const })),
  );
  const pair = (p: { publicKey: Uint8Array; privateKey: Uint8Array }) => ({ publicKey: toBase64(s, p.publicKey), privateKey: toBase64(s, p.privateKey) });
  const stored = JSON.stringify({ box: pair(who.keys.boxKeyPair), sign: pair(who.keys.signKeyPair) });
  await context.addInitScript((value: string) => sessionStorage.setItem('offscript.moderator.keys', value), stored);
  return context.newPage();
}

/** A PNG of random opaque pixels drawn by Chromium (no compression helps): about 3 bytes a pixel. */
export async function noisePicturePng(page: Page, side: number): Promise<Buffer> {
  const base64 = await page.evaluate(async (side) => {
    const canvas = document.createElement('canvas');
    canvas.width = side;
    canvas.height = side;
    const context = canvas.getContext('2d')!;
    const pixels = context.createImageData(side, side);
    for (let at = 0; at < pixels.data.length; at += 65536) crypto.getRandomValues(pixels.data.subarray(at, at + 65536));
    for (let at = 3; at < pixels.data.length; at += 4) pixels.data[at] = 255;
    context.putImageData(pixels, 0, 0);
    const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let text = '';
    for (let at = 0; at < bytes.length; at += 8192) text += String.fromCharCode(...bytes.subarray(at, at + 8192));
    return btoa(text);
  }, side);
  return Buffer.from(base64, 'base64');
}
