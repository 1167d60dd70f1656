// End to end through a real onion service (issue 25), on a private Tor network on loopback
// (test/support/tor-network.ts): no public relay is ever contacted. The onion service runs the
// app's own generated torrc (a Unix socket, PROXY v1 circuit ids, proof-of-work on); a source
// reaches it through the client's SOCKS port, as Tor Browser would with JavaScript off: fetches
// /submit, gives an account by the no-JavaScript form, reads its status with the receipt words;
// then Chromium does the same through that SOCKS port with JavaScript off.
// Each request reaches the app through the PROXY v1 listener with its circuit id.
// Not in `npm test`: `npm run test:tor` (it takes a minute or two; docs/onion-service.md).
import { execFile } from 'node:child_process';
import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { onionTorrc } from '../../server/privacy/onion-config.js';
import { listenForTor, onionCircuitOf, type OnionListener } from '../../server/privacy/onion-listener.js';
import { captureLog } from '../support/app.js';
import { chromiumAvailable, launchChromium } from '../support/browser.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';
import { createIntakeKey } from '../support/intake.js';
import { socksConnect, startTorNetwork, type TorNetwork } from '../support/tor-network.js';

const torInstalled = await promisify(execFile)('tor-gencert', ['--help']).then(
  () => true,
  (error: { code?: unknown }) => error.code !== 'ENOENT',
);
// CI sets OFFSCRIPT_REQUIRE_TOR: there a missing tor-gencert fails instead of skipping.
if (!torInstalled && process.env.OFFSCRIPT_REQUIRE_TOR === '1') throw new Error("tor-gencert is required (OFFSCRIPT_REQUIRE_TOR=1); it comes with Debian's tor package");

/** One HTTP request over a fresh stream through the SOCKS port (a new stream, maybe a new circuit). */
async function overTor(
  network: TorNetwork,
  method: 'GET' | 'POST',
  urlPath: string,
  form?: Record<string, string>,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const socket = await socksConnect(network.socksPort, network.onionHostname, 80);
  const payload = form ? new URLSearchParams(form).toString() : undefined;
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        createConnection: () => socket,
        method,
        path: urlPath,
        headers: { host: network.onionHostname, ...(payload ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(payload) } : {}) },
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
      },
    );
    request.on('error', reject);
    // socksConnect left the stream paused, so that nothing tor sent is lost before HTTP listens.
    request.once('socket', (stream) => process.nextTick(() => stream.resume()));
    request.end(payload);
  });
}

describe.skipIf(!torInstalled)('through a real onion service on a private Tor network', () => {
  let base: string;
  let network: TorNetwork | undefined;
  let database: TestDatabase;
  let app: FastifyInstance;
  let listener: OnionListener;
  const circuits: (string | undefined)[] = [];
  let started = 0;

  beforeAll(async () => {
    started = Date.now();
    base = await mkdtemp(path.join(os.tmpdir(), 'offscript-tor-'));
    const socketPath = path.join(base, 'onion.sock');
    network = await startTorNetwork(base, (dirs) => onionTorrc({ ...dirs, socketPath }));
    database = await openTestDatabase();
    await createIntakeKey(database.db);
    app = await buildApp({
      config: loadConfig({ PUBLIC_ORIGIN: 'http://127.0.0.1:3000', ONION_ORIGIN: `http://${network.onionHostname}` }),
      db: database.db,
      logDestination: captureLog().stream,
    });
    // What the PROXY v1 listener hands the app for each request: the circuit id tor exported.
    app.addHook('onRequest', async (request) => void circuits.push(onionCircuitOf(request.raw.socket)));
    await app.ready();
    listener = await listenForTor(app, socketPath, 10_000);
  }, 240_000);

  afterAll(async () => {
    await network?.stop();
    await listener?.close();
    await app?.close();
    await database?.close();
    if (!process.env.OFFSCRIPT_KEEP_TOR_NETWORK) await rm(base, { recursive: true, force: true });
  });

  it('serves /submit, takes an account without JavaScript and shows its status, each request keyed by its circuit', { timeout: 300_000 }, async () => {
    try {
      await network!.clientReady(100_000);
      // The descriptor is published some seconds after the client is ready: retry the first fetch.
      let page: Awaited<ReturnType<typeof overTor>> | undefined;
      const deadline = Date.now() + 100_000;
      while (!page) {
        page = await overTor(network!, 'GET', '/submit').catch((error: unknown) => {
          if (Date.now() > deadline) throw error;
          return new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 2000));
        });
      }
      const reachedAfter = (Date.now() - started) / 1000;
      expect(page.status).toBe(200);
      expect(page.body).toContain('<form');
      // The onion origin: no HSTS, no Onion-Location pointing at itself.
      expect(page.headers['strict-transport-security']).toBeUndefined();
      expect(page.headers['onion-location']).toBeUndefined();

      // The form as served, with its one-time token: the account is sealed on the server (no JavaScript).
      const formToken = /name="formToken" value="([^"]+)"/.exec(page.body)![1]!.replaceAll('&#x3D;', '=');
      const given = await overTor(network!, 'POST', '/submit', { narrative: 'Given over a private Tor network.', consent: 'background', formToken });
      expect(given.status).toBe(200);
      expect(await database.db.selectFrom('submissions').select('id').execute()).toHaveLength(1);
      const words = /data-testid="receipt-text">([^<]+)</.exec(given.body)?.[1];
      expect(words?.split(' ')).toHaveLength(12);
      const status = await overTor(network!, 'POST', '/status', { words: words! });
      expect(status.status).toBe(200);
      expect(status.body).toMatch(/received/i);

      // Chromium through the client's SOCKS port with JavaScript off (Tor Browser at "Safest"): the form, then the status.
      if (chromiumAvailable) {
        const browser = await launchChromium([`--proxy-server=socks5://127.0.0.1:${network!.socksPort}`]);
        try {
          const tab = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
          await tab.goto(`http://${network!.onionHostname}/submit`, { timeout: 120_000 });
          await tab.getByLabel('What happened, in your own words (required)').fill('Given in Chromium over a private Tor network.');
          await tab.getByLabel('Count my account in statistics only; never quote it').check();
          await tab.getByRole('button', { name: 'Seal and send my account' }).click();
          await tab.getByRole('heading', { name: 'Your account was received' }).waitFor({ timeout: 120_000 });
          const browserWords = (await tab.getByTestId('receipt-words').locator('li').allTextContents()).join(' ');
          expect(browserWords.split(' ')).toHaveLength(12);
          await tab.goto(`http://${network!.onionHostname}/status`, { timeout: 120_000 });
          await tab.getByLabel('Your twelve words').fill(browserWords);
          await tab.getByRole('button', { name: 'Show my account' }).click();
          await tab.getByTestId('status-text').getByText('waiting for a moderator').waitFor({ timeout: 120_000 });
        } finally {
          await browser.close();
        }
        expect(await database.db.selectFrom('submissions').select('id').execute()).toHaveLength(2);
      }

      // Every request came through the listener with the circuit id tor exported in its PROXY v1 line.
      expect(circuits.length).toBeGreaterThanOrEqual(3);
      for (const circuit of circuits) expect(circuit).toMatch(/^fc00:dead:beef:4dad::[0-9a-f:]+$/);
      console.info(
        `onion reachable ${reachedAfter.toFixed(0)} s after the network started; whole run ${((Date.now() - started) / 1000).toFixed(0)} s; circuits: ${[...new Set(circuits)].join(', ')}`,
      );
    } catch (error) {
      console.error(await network!.logs());
      throw error;
    }
  });
});
