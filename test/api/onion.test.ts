// The onion service (issue 25, DESIGN §2): the generated torrc passes Debian's own `tor
// --verify-config`, tor writes the onion address the app prints at start-up, and the listener
// Tor connects to reads real PROXY v1 lines, one client per circuit.
import { execFile, spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import http, { type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPOSE_TORRC_OPTIONS, onionTorrc } from '../../server/privacy/onion-config.js';
import { listenForTor, onionStartupLine, parseProxyV1Line, type OnionListener } from '../../server/privacy/onion-listener.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { createIntakeKey, sealForTest, type TestIntakeKey } from '../support/intake.js';
import { call, visit } from '../support/moderation.js';

const run = promisify(execFile);
const torInstalled = await run('tor', ['--version']).then(
  () => true,
  () => false,
);
// CI installs tor and sets OFFSCRIPT_REQUIRE_TOR: there a missing tor fails instead of skipping.
if (!torInstalled && process.env.OFFSCRIPT_REQUIRE_TOR === '1') throw new Error('tor is required (OFFSCRIPT_REQUIRE_TOR=1) but `tor --version` failed');
const ONION_ORIGIN = 'http://uvdwcarytwoc76reigzw7c3g3vmdfddd2ydeqmjgausaf4et44cwfbqd.onion';
const MODERATOR_ONION_ORIGIN = 'http://abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'offscript-onion-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** A torrc for paths under the test's directory, with the directories tor insists on (private, existing). */
async function torrcIn(name: string, withModeratorOnion = false): Promise<{ file: string; serviceDir: string }> {
  const base = path.join(dir, name);
  const serviceDir = path.join(base, 'service');
  for (const d of [base, serviceDir, path.join(base, 'data'), path.join(base, 'mod')]) {
    await mkdir(d, { recursive: true });
    await chmod(d, 0o700);
  }
  const file = path.join(base, 'torrc');
  const text = onionTorrc({
    hiddenServiceDir: serviceDir,
    socketPath: path.join(base, 'onion.sock'),
    dataDirectory: path.join(base, 'data'),
    ...(withModeratorOnion ? { moderatorService: { hiddenServiceDir: path.join(base, 'mod') } } : {}),
  });
  await writeFile(file, text);
  return { file, serviceDir };
}

describe.skipIf(!torInstalled)('the generated torrc, checked by Debian tor', () => {
  it('is the compose deployment’s deploy/tor/torrc', async () => {
    expect(await readFile(new URL('../../deploy/tor/torrc', import.meta.url), 'utf8')).toBe(onionTorrc(COMPOSE_TORRC_OPTIONS));
  });

  it.each([false, true])('passes tor --verify-config (second onion for /mod: %s), and a broken one does not', async (withModeratorOnion) => {
    const { file } = await torrcIn(`verify-${withModeratorOnion}`, withModeratorOnion);
    const { stdout } = await run('tor', ['--verify-config', '-f', file]);
    expect(stdout).toContain('Configuration was valid');
    await writeFile(file, `${await readFile(file, 'utf8')}HiddenServiceExportCircuitID sideways\n`);
    await expect(run('tor', ['--verify-config', '-f', file])).rejects.toThrow();
  });

  it('makes tor write the onion address, which start-up prints', { timeout: 30_000 }, async () => {
    const { file, serviceDir } = await torrcIn('start');
    // No network: tor creates the service's keys and hostname and goes no further.
    const tor = spawn('tor', ['-f', file, '--DisableNetwork', '1'], { stdio: 'ignore' });
    try {
      const hostnameFile = path.join(serviceDir, 'hostname');
      const deadline = Date.now() + 20_000;
      while (
        !(await stat(hostnameFile).then(
          (s) => s.size > 0,
          () => false,
        ))
      ) {
        if (Date.now() > deadline) throw new Error('tor wrote no hostname');
        await new Promise((r) => setTimeout(r, 100));
      }
      const hostname = (await readFile(hostnameFile, 'utf8')).trim();
      expect(hostname).toMatch(/^[a-z2-7]{56}\.onion$/);
      const line = await onionStartupLine({ onionOrigin: undefined, onion: { hostnameFile } }, '/run/offscript/onion.sock');
      expect(line).toBe(`Onion service: http://${hostname}; tor connects through /run/offscript/onion.sock`);
    } finally {
      tor.kill('SIGTERM');
    }
  });
});

describe('PROXY v1 lines', () => {
  it.each([
    // What tor writes with HiddenServiceExportCircuitID haproxy: the circuit id in the address's last 32 bits.
    ['PROXY TCP6 fc00:dead:beef:4dad::0:2a ::1 65535 80\r\n', 'fc00:dead:beef:4dad::0:2a'],
    ['PROXY TCP4 192.0.2.1 192.0.2.2 5000 80\r\n', '192.0.2.1'],
  ])('reads %j', (line, source) => {
    expect(parseProxyV1Line(line)?.source).toBe(source);
  });

  it.each(['PROXY TCP6 fc00::1 ::1 65535 80\n', 'PROXY UNKNOWN\r\n', 'GET / HTTP/1.1\r\n', 'PROXY TCP6 fc00::1 ::1 99999 80\r\n', 'PROXY TCP6 fc00::1 ::1 65535 80 extra\r\n'])(
    'refuses %j',
    (line) => expect(parseProxyV1Line(line)).toBeUndefined(),
  );
});

interface OnionResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A request through the onion listener as tor makes it: a PROXY v1 line for the circuit, then HTTP. */
function onionRequest(socketPath: string, circuit: number, options: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<OnionResponse> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        method: options.method ?? 'GET',
        path: options.path,
        headers: { host: new URL(ONION_ORIGIN).host, connection: 'close', ...options.headers },
        createConnection: () => {
          const socket = connect(socketPath);
          socket.write(`PROXY TCP6 fc00:dead:beef:4dad::${(circuit >>> 16).toString(16)}:${(circuit & 0xffff).toString(16)} ::1 65535 80\r\n`);
          return socket;
        },
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body }));
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

/** Raw bytes in, everything the listener answers before closing out. */
function rawExchange(socketPath: string, ...pieces: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
    socket.on('connect', async () => {
      for (const piece of pieces) {
        socket.write(piece);
        await new Promise((r) => setTimeout(r, 20));
      }
    });
  });
}

describe('the onion listener', () => {
  let t: TestApp;
  let listener: OnionListener;
  let key: TestIntakeKey;
  let socketPath: string;

  beforeAll(async () => {
    // Served over TLS on clearnet (HSTS there), with a proxy in front (TRUST_PROXY=1), limits at their default.
    t = await startTestApp({ PUBLIC_ORIGIN: 'https://offscript.example', ONION_ORIGIN, MODERATOR_ONION_ORIGIN, TRUST_PROXY: '1', RATE_LIMIT_MAX: '3' });
    socketPath = path.join(dir, 'app.sock');
    listener = await listenForTor(t.app, socketPath, 2000);
    key = await createIntakeKey(t.database.db);
  });
  afterAll(async () => {
    await listener?.close();
    await t?.close();
  });

  const submit = async (circuit: number, headers: Record<string, string> = {}) =>
    onionRequest(socketPath, circuit, {
      method: 'POST',
      path: '/api/v1/submissions',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify((await sealForTest(key)).body),
    });

  it('answers through the socket, without HSTS or an Onion-Location to itself', async () => {
    const response = await onionRequest(socketPath, 1, { path: '/healthz' });
    expect(response.status).toBe(200);
    expect(response.headers['strict-transport-security']).toBeUndefined();
    expect(response.headers['onion-location']).toBeUndefined();
    expect(response.headers['content-security-policy']).toBeDefined();
    // The clearnet origin advertises the onion and keeps HSTS.
    const clearnet = await t.app.inject({ url: '/healthz', headers: { host: 'offscript.example' } });
    // Operators find the address to hand out on /readyz.
    expect((await t.app.inject({ url: '/readyz' })).json()).toMatchObject({ onion: ONION_ORIGIN });
    expect(clearnet.headers['onion-location']).toBe(`${ONION_ORIGIN}/healthz`);
    expect(clearnet.headers['strict-transport-security']).toBeDefined();
  });

  it('makes each circuit one client: one circuit spent its budget, another submits; forged X-Forwarded-For changes nothing', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await submit(7, { 'x-forwarded-for': `203.0.113.${i}` })).status);
    expect(statuses).toEqual([201, 201, 201, 429]);
    expect((await submit(8)).status).toBe(201);
  });

  // The moderator's side (login at once after the junk) is test/api/limits.test.ts: the login steps keep no per-client limit at all.
  it('1,000 junk login requests on one circuit leave a source’s submission on that circuit working', { timeout: 120_000 }, async () => {
    const junk: Record<string, string>[] = [
      { 'content-type': 'application/json' },
      { 'content-type': 'application/json', 'x-csrf-token': 'forged' },
      { 'content-type': 'application/json', origin: 'https://evil.example' },
    ];
    const statuses = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const response = await onionRequest(socketPath, 9, { method: 'POST', path: i % 2 ? '/mod/api/login' : '/mod/api/login/passkey', headers: junk[i % 3]!, body: '{"handle":"admin"}' });
      statuses.add(response.status);
    }
    expect([...statuses].every((status) => status === 400 || status === 403)).toBe(true);
    expect((await submit(9)).status).toBe(201);
  });

  it.each([
    ['https://offscript.example', 'offscript.example'],
    [ONION_ORIGIN, new URL(ONION_ORIGIN).hostname],
    [MODERATOR_ONION_ORIGIN, new URL(MODERATOR_ONION_ORIGIN).hostname],
  ])('the console accepts %s as its own origin, a relying party of its own', async (origin, rpId) => {
    const who = await visit(t.app);
    const response = await call(t.app, who, 'POST', '/mod/api/login/challenge', { handle: 'anyone' }, { origin, host: new URL(origin).host, 'sec-fetch-site': 'same-origin' });
    expect(response.statusCode).toBe(200);
    expect((response.json() as { passkey: { rpId: string } }).passkey.rpId).toBe(rpId);
    const elsewhere = await call(t.app, who, 'POST', '/mod/api/login/challenge', { handle: 'anyone' }, { origin: 'http://evil.onion', host: new URL(ONION_ORIGIN).host });
    expect(elsewhere.statusCode).toBe(403);
  });

  it('drops a connection without a valid PROXY line, and reads one that arrives in pieces', async () => {
    expect(await rawExchange(socketPath, 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).toBe('');
    expect(await rawExchange(socketPath, 'PROXY TCP6 fc00:dead:beef:4dad::0:', '2a ::1 65535 80\r\nGET /healthz HTTP/1.1\r\n', 'Host: x\r\nConnection: close\r\n\r\n')).toMatch(
      /^HTTP\/1\.1 200/,
    );
  });
});
