// The listener Tor reaches (DESIGN §2 "Onion service"): a Unix socket, not a loopback port (which
// leaks in some set-ups), where each connection opens with the PROXY protocol v1 line that
// `HiddenServiceExportCircuitID haproxy` writes. The circuit it names becomes the client for rate
// limits, so that one Tor user is one client and not every user at once (docs/onion-service.md).
import { chmod, readFile, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';

// "PROXY TCP6 " + two addresses of at most 39 characters + two ports + CRLF: 107 bytes at most (the spec's bound).
export const PROXY_V1_MAX_BYTES = 107;
const PROXY_V1 = /^PROXY (TCP4|TCP6) ([0-9A-Fa-f.:]{2,39}) ([0-9A-Fa-f.:]{2,39}) (\d{1,5}) (\d{1,5})\r\n$/;

/** The PROXY v1 line's source address (for tor: fc00:dead:beef:4dad::/64 plus the circuit's global id), or undefined when it is not one. */
export function parseProxyV1Line(line: string): { source: string; sourcePort: number } | undefined {
  const match = PROXY_V1.exec(line);
  if (!match) return undefined;
  const sourcePort = Number(match[4]);
  if (sourcePort > 65535 || Number(match[5]) > 65535) return undefined;
  return { source: match[2]!, sourcePort };
}

// Sockets that came through the onion listener, and the circuit each one belongs to.
const circuits = new WeakMap<Socket, string>();

/** The Tor circuit a connection came on, or undefined for a connection that did not come through the onion listener. */
export function onionCircuitOf(socket: Socket | undefined): string | undefined {
  return socket === undefined ? undefined : circuits.get(socket);
}

export function isOnionRequest(request: FastifyRequest): boolean {
  return circuits.has(request.raw.socket);
}

/**
 * Reads the PROXY line (at most `PROXY_V1_MAX_BYTES`, within `timeoutMs`), then hands the socket,
 * with whatever followed the line, to the app's HTTP server as if it had connected there.
 */
function acceptOnionConnection(socket: Socket, httpServer: Server, timeoutMs: number): void {
  let received = Buffer.alloc(0);
  const timer = setTimeout(() => socket.destroy(), timeoutMs);
  const giveUp = () => {
    clearTimeout(timer);
    socket.destroy();
  };
  const onData = (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
    const end = received.indexOf('\r\n');
    if (end === -1) {
      if (received.length >= PROXY_V1_MAX_BYTES) giveUp();
      return;
    }
    const header = parseProxyV1Line(received.subarray(0, end + 2).toString('latin1'));
    if (!header) return giveUp();
    clearTimeout(timer);
    socket.off('data', onData);
    socket.off('error', giveUp);
    socket.pause();
    circuits.set(socket, header.source);
    const rest = received.subarray(end + 2);
    if (rest.length > 0) socket.unshift(rest);
    httpServer.emit('connection', socket);
    socket.resume();
  };
  socket.on('data', onData);
  socket.on('error', giveUp);
}

export interface OnionListener {
  path: string;
  close(): Promise<void>;
}

/** Listens on the Unix socket at `socketPath` (a stale one is replaced) for tor's connections to `app`. */
export async function listenForTor(app: FastifyInstance, socketPath: string, headerTimeoutMs: number): Promise<OnionListener> {
  const server = createServer((socket) => acceptOnionConnection(socket, app.server, headerTimeoutMs));
  await rm(socketPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // tor runs as another user (another container): the directory holding the socket is what keeps others out.
  await chmod(socketPath, 0o666);
  return {
    path: socketPath,
    // Stops taking connections; those taken belong to the HTTP server now, which drains them.
    close: async () => void server.close(),
  };
}

/** The onion address tor generated (its `hostname` file), or undefined while tor has not written it. */
export async function onionAddress(hostnameFile: string | undefined): Promise<string | undefined> {
  if (!hostnameFile) return undefined;
  try {
    const name = (await readFile(hostnameFile, 'utf8')).trim();
    return /^[a-z2-7]{56}\.onion$/.test(name) ? name : undefined;
  } catch {
    return undefined;
  }
}

/** The onion origin to hand out: tor's `hostname` file where configured (read again at most once a minute), else ONION_ORIGIN; undefined without either. */
export function onionOriginFor(config: { onionOrigin: string | undefined; onion: { hostnameFile: string | undefined } }): (() => Promise<string | undefined>) | undefined {
  if (!config.onion.hostnameFile && !config.onionOrigin) return undefined;
  let memo: { origin: Promise<string | undefined>; at: number } | undefined;
  return () => {
    const now = performance.now();
    if (!memo || now - memo.at > 60_000) {
      memo = { at: now, origin: onionAddress(config.onion.hostnameFile).then((address) => (address ? `http://${address}` : config.onionOrigin)) };
    }
    return memo.origin;
  };
}

/** What start-up prints for operators: where Tor connects, and the onion address people use. */
export async function onionStartupLine(config: { onionOrigin: string | undefined; onion: { hostnameFile: string | undefined } }, socketPath: string): Promise<string> {
  const address = await onionAddress(config.onion.hostnameFile);
  const origin = address ? `http://${address}` : config.onionOrigin;
  const mismatch = address && config.onionOrigin && new URL(config.onionOrigin).host !== address ? ` (ONION_ORIGIN says ${config.onionOrigin}: set it to http://${address})` : '';
  return origin
    ? `Onion service: ${origin}${mismatch}; tor connects through ${socketPath}`
    : `Onion listener on ${socketPath}; no onion address yet (set ONION_HOSTNAME_FILE to tor's hostname file, or ONION_ORIGIN)`;
}
