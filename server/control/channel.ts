// The control channel (DESIGN §2 "Operator commands while serving"): on the embedded database one
// process owns DATA_DIR, so the serving process listens on a unix socket inside it, mode 0600, and
// runs operator commands against its own database. Nothing else listens: no port, no HTTP route.
import { chmod, rm } from 'node:fs/promises';
import { createConnection, createServer, type Socket } from 'node:net';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import { openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrator.js';
import type { Database } from '../db/schema.js';
import { isOperatorCommand, runCommand, type CommandOutcome, type CommandRequest } from './commands.js';
import type { ServingProcess } from './installation.js';

/** A server's answer names the server, so that the command can say which installation it acted on. */
export type ServerAnswer = CommandOutcome & { server?: ServingProcess };

// A request is one line of JSON: a command name and a few short arguments.
const MAX_REQUEST_BYTES = 4096;

export function controlSocketPath(dataDir: string): string {
  return path.join(dataDir, 'control.sock');
}

export interface ControlChannelLog {
  error(obj: { err: unknown }, msg: string): void;
}

function parseRequest(line: string): CommandRequest | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { command, args } = parsed as { command?: unknown; args?: unknown };
  if (!isOperatorCommand(command) || typeof args !== 'object' || args === null) return undefined;
  const entries = Object.entries(args);
  if (!entries.every(([, value]) => typeof value === 'string')) return undefined;
  return { command, args: Object.fromEntries(entries) as Record<string, string> };
}

function answer(socket: Socket, outcome: ServerAnswer): void {
  socket.end(`${JSON.stringify(outcome)}\n`);
}

/** Listens on DATA_DIR/control.sock; call only while holding the data directory (PGlite's lock). */
export async function startControlChannel(db: Kysely<Database>, config: Config, log: ControlChannelLog): Promise<{ stop(): Promise<void> }> {
  const socketPath = controlSocketPath(config.dataDir);
  // This process holds the data directory's lock, so a socket file here was left by a dead server.
  await rm(socketPath, { force: true });
  const server = createServer((socket) => {
    let received = '';
    socket.setEncoding('utf8');
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (received.length > MAX_REQUEST_BYTES) return answer(socket, { lines: ['request too long'], exitCode: 2 });
      const end = received.indexOf('\n');
      if (end < 0) return;
      socket.removeAllListeners('data');
      const request = parseRequest(received.slice(0, end));
      if (!request) return answer(socket, { lines: ['unknown command or malformed request'], exitCode: 2 });
      runCommand(db, config, request).then(
        (outcome) => answer(socket, { ...outcome, server: { origin: config.publicOrigin, pid: process.pid } }),
        (err: unknown) => {
          log.error({ err }, `control channel: ${request.command} failed`);
          answer(socket, { lines: [`${request.command} failed inside the server; its log says why`], exitCode: 1 });
        },
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  // Whoever may use the socket may run these commands: the data directory's owner only.
  await chmod(socketPath, 0o600);
  return {
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The server holding DATA_DIR, if one answers on its control channel (embedded database only). */
export async function serverOn(config: Config): Promise<ServingProcess | undefined> {
  if (config.databaseUrl) return undefined;
  return (await sendToServer(config.dataDir, { command: 'status', args: {} }))?.server;
}

/** Asks the serving process to run a command; undefined when no server listens on DATA_DIR. */
export function sendToServer(dataDir: string, request: CommandRequest): Promise<ServerAnswer | undefined> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(controlSocketPath(dataDir));
    let received = '';
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED') resolve(undefined);
      else reject(error);
    });
    socket.on('end', () => {
      try {
        resolve(JSON.parse(received) as ServerAnswer);
      } catch {
        reject(new Error('the server closed the control channel without an answer'));
      }
    });
  });
}

/** Where a command ran: inside the serving process, or on a database this process opened. */
export type CommandVenue = 'server' | 'own process';

/** Runs a command in the serving process when one holds DATA_DIR, otherwise on the database directly. */
export async function runOperatorCommand(config: Config, request: CommandRequest): Promise<ServerAnswer & { venue: CommandVenue }> {
  if (!config.databaseUrl) {
    const answered = await sendToServer(config.dataDir, request);
    if (answered) return { ...answered, venue: 'server' };
  }
  const { db } = await openDatabase(config);
  try {
    // `migrate` reports what it applies itself.
    if (request.command !== 'migrate') await migrateToLatest(db);
    return { ...(await runCommand(db, config, request)), venue: 'own process' };
  } finally {
    await db.destroy();
  }
}
