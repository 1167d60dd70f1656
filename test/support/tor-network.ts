// A private Tor network on loopback for `npm run test:tor` (issue 25), built as chutney builds
// one: three directory authorities (keys from Debian's tor-gencert), a few relays, an onion
// service and a client, each a `tor` process with `TestingTorNetwork 1` and the fast voting
// schedule chutney uses. Nothing touches the public Tor network: every DirAuthority is local.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../scripts/free-port.js';

const run = promisify(execFile);

interface Node {
  nick: string;
  dir: string;
  torrc: string;
  process?: ChildProcess;
}

export interface TorNetwork {
  /** The client's SOCKS port on 127.0.0.1. */
  socksPort: number;
  /** The onion service's address (xxx.onion), as its tor wrote it. */
  onionHostname: string;
  /** Resolves once the client has bootstrapped to 100 %. */
  clientReady(timeoutMs: number): Promise<void>;
  /** Every node's notice log, for a failure's message. */
  logs(): Promise<string>;
  stop(): Promise<void>;
}

// The fast schedule of chutney's authority template: a consensus within seconds, not hours.
const AUTHORITY_TIMING = [
  'TestingV3AuthInitialVotingInterval 10',
  'TestingV3AuthInitialVoteDelay 2',
  'TestingV3AuthInitialDistDelay 2',
  'V3AuthVotingInterval 10',
  'V3AuthVoteDelay 2',
  'V3AuthDistDelay 2',
];

function common(nick: string, dir: string, authorities: string[]): string[] {
  return [
    'TestingTorNetwork 1',
    // Every relay is reachable and may serve as guard, exit and HSDir at once: the network is small.
    'AssumeReachable 1',
    'PathsNeededToBuildCircuits 0.25',
    'TestingDirAuthVoteExit *',
    'TestingDirAuthVoteGuard *',
    'TestingDirAuthVoteHSDir *',
    'TestingMinExitFlagThreshold 0',
    'V3AuthNIntervalsValid 2',
    `DataDirectory ${dir}`,
    `Nickname ${nick}`,
    'ShutdownWaitLength 0',
    `Log notice file ${path.join(dir, 'notice.log')}`,
    'SafeLogging 0',
    ...authorities,
  ];
}

async function privateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await chmod(dir, 0o700);
}

/** An authority's keys: tor-gencert's v3 identity (empty passphrase) and the relay identity tor prints. */
async function authorityKeys(nick: string, dir: string, orPort: number, dirPort: number): Promise<{ v3ident: string; fingerprint: string }> {
  const keys = path.join(dir, 'keys');
  await privateDir(keys);
  await new Promise<void>((resolve, reject) => {
    const gencert = spawn(
      'tor-gencert',
      [
        '--create-identity-key',
        '--passphrase-fd',
        '0',
        '-i',
        path.join(keys, 'authority_identity_key'),
        '-s',
        path.join(keys, 'authority_signing_key'),
        '-c',
        path.join(keys, 'authority_certificate'),
        '-m',
        '12',
        '-a',
        `127.0.0.1:${dirPort}`,
      ],
      { stdio: ['pipe', 'ignore', 'pipe'] },
    );
    let stderr = '';
    gencert.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    gencert.stdin!.end('\n');
    gencert.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`tor-gencert failed: ${stderr}`))));
  });
  const certificate = await readFile(path.join(keys, 'authority_certificate'), 'utf8');
  const v3ident = /^fingerprint ([0-9A-F]{40})$/m.exec(certificate)![1]!;
  const { stdout } = await run('tor', ['--ignore-missing-torrc', '-f', path.join(dir, 'none'), '--list-fingerprint', '--DataDirectory', dir, '--ORPort', String(orPort), '--Nickname', nick]);
  const fingerprint = new RegExp(`^${nick} ((?:[0-9A-F]{4} ?){10})$`, 'm').exec(stdout)![1]!.replaceAll(' ', '');
  return { v3ident, fingerprint };
}

/**
 * Builds and starts the network under `base`: the onion service forwards port 80 to
 * `serviceTorrc` (the app's generated torrc, a Unix socket with PROXY v1 circuit ids).
 */
export async function startTorNetwork(base: string, serviceTorrc: (dirs: { hiddenServiceDir: string; dataDirectory: string }) => string, relays = 4): Promise<TorNetwork> {
  const nodes: Node[] = [];
  const authorityLines: string[] = [];
  const authorities: { nick: string; dir: string; orPort: number; dirPort: number }[] = [];
  for (let i = 0; i < 3; i++) {
    const nick = `auth${i}`;
    const dir = path.join(base, nick);
    await privateDir(dir);
    const orPort = await freePort();
    const dirPort = await freePort();
    const { v3ident, fingerprint } = await authorityKeys(nick, dir, orPort, dirPort);
    authorityLines.push(`DirAuthority ${nick} orport=${orPort} no-v2 v3ident=${v3ident} 127.0.0.1:${dirPort} ${fingerprint}`);
    authorities.push({ nick, dir, orPort, dirPort });
  }
  for (const a of authorities) {
    nodes.push({
      nick: a.nick,
      dir: a.dir,
      torrc: [
        ...common(a.nick, a.dir, authorityLines),
        'AuthoritativeDirectory 1',
        'V3AuthoritativeDirectory 1',
        `ContactInfo ${a.nick}@test.test`,
        ...AUTHORITY_TIMING,
        'SocksPort 0',
        'Address 127.0.0.1',
        `ORPort 127.0.0.1:${a.orPort}`,
        `DirPort 127.0.0.1:${a.dirPort}`,
        'ExitRelay 0',
      ].join('\n'),
    });
  }
  for (let i = 0; i < relays; i++) {
    const nick = `relay${i}`;
    const dir = path.join(base, nick);
    await privateDir(dir);
    nodes.push({
      nick,
      dir,
      torrc: [...common(nick, dir, authorityLines), 'SocksPort 0', 'Address 127.0.0.1', `ORPort 127.0.0.1:${await freePort()}`, `DirPort 127.0.0.1:${await freePort()}`, 'ExitRelay 0'].join(
        '\n',
      ),
    });
  }
  // The onion service: the app's own torrc, on the private network.
  const serviceDir = path.join(base, 'service');
  const hiddenServiceDir = path.join(serviceDir, 'hidden_service');
  await privateDir(serviceDir);
  await privateDir(hiddenServiceDir);
  const serviceBase = serviceTorrc({ hiddenServiceDir, dataDirectory: serviceDir });
  nodes.push({ nick: 'service', dir: serviceDir, torrc: [serviceBase, ...common('service', serviceDir, authorityLines).filter((line) => !line.startsWith('DataDirectory'))].join('\n') });
  // The client: Tor Browser's part, a SOCKS port.
  const clientDir = path.join(base, 'client');
  await privateDir(clientDir);
  const socksPort = await freePort();
  nodes.push({ nick: 'client', dir: clientDir, torrc: [...common('client', clientDir, authorityLines), `SocksPort 127.0.0.1:${socksPort}`].join('\n') });

  for (const node of nodes) {
    const file = path.join(node.dir, 'torrc');
    await writeFile(file, `${node.torrc}\n`);
    node.process = spawn('tor', ['-f', file], { stdio: 'ignore' });
  }

  const hostnameFile = path.join(hiddenServiceDir, 'hostname');
  const onionHostname = await waitFor(async () => (await readFile(hostnameFile, 'utf8').catch(() => '')).trim() || undefined, 30_000, 'the onion service wrote no hostname');
  const clientLog = path.join(clientDir, 'notice.log');
  return {
    socksPort,
    onionHostname,
    clientReady: (timeoutMs) =>
      waitFor(async () => ((await readFile(clientLog, 'utf8').catch(() => '')).includes('Bootstrapped 100%') ? true : undefined), timeoutMs, 'the client did not bootstrap').then(
        () => undefined,
      ),
    logs: async () =>
      (
        await Promise.all(
          nodes.map(async (node) => {
            const text = await readFile(path.join(node.dir, 'notice.log'), 'utf8').catch(() => '(no log)');
            return `--- ${node.nick}\n${text.split('\n').slice(-15).join('\n')}`;
          }),
        )
      ).join('\n'),
    stop: async () => {
      await Promise.all(
        nodes.map(
          (node) =>
            new Promise<void>((resolve) => {
              if (!node.process || node.process.exitCode !== null) return resolve();
              // ShutdownWaitLength 0 makes tor leave at once; one that does not is killed.
              const kill = setTimeout(() => node.process?.kill('SIGKILL'), 5000);
              node.process.once('exit', () => {
                clearTimeout(kill);
                resolve();
              });
              node.process.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(what);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** A TCP stream to `host:port` through the SOCKS5 proxy on 127.0.0.1:`socksPort`, the name resolved by tor. */
export async function socksConnect(socksPort: number, host: string, port: number): Promise<Socket> {
  const socket = connect(socksPort, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const read = (bytes: number) =>
    new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let length = 0;
      const onData = (chunk: Buffer) => {
        chunks.push(chunk);
        length += chunk.length;
        if (length < bytes) return;
        socket.off('data', onData);
        socket.off('error', reject);
        const all = Buffer.concat(chunks);
        if (all.length > bytes) socket.unshift(all.subarray(bytes));
        resolve(all.subarray(0, bytes));
      };
      socket.on('data', onData);
      socket.once('error', reject);
    });
  socket.write(Buffer.from([5, 1, 0]));
  const greeting = await read(2);
  if (greeting[0] !== 5 || greeting[1] !== 0) throw new Error('SOCKS: no-authentication refused');
  const name = Buffer.from(host);
  socket.write(Buffer.concat([Buffer.from([5, 1, 0, 3, name.length]), name, Buffer.from([port >> 8, port & 255])]));
  const reply = await read(10);
  if (reply[1] !== 0) throw new Error(`SOCKS: connect to ${host} refused (${reply[1]})`);
  socket.pause();
  return socket;
}
