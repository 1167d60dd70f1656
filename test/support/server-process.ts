// The real server as `npm start` runs it (dist/server/main.js), in a child process.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../scripts/free-port.js';
import { answersOk, waitUntil } from './wait.js';

export const mainScript = fileURLToPath(new URL('../../dist/server/main.js', import.meta.url));

export interface ServerProcess {
  child: ChildProcess;
  origin: string;
  output(): string;
  exited: Promise<number | null>;
}

export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  let output = '';
  const child = spawn(process.execPath, [mainScript], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const origin = `http://127.0.0.1:${port}`;
  await waitUntil(
    () => {
      if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
      return answersOk(`${origin}/readyz`);
    },
    () => `server not ready after 60 s:\n${output}`,
    { timeoutMs: 60_000, intervalMs: 100 },
  );
  return { child, origin, output: () => output, exited };
}

/** Runs the server with `env` until it exits by itself (it should stop before listening), at most 60 s. */
export async function runServerUntilExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const port = String(await freePort());
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(process.execPath, [mainScript], { env: { PATH: process.env.PATH ?? '', ...env, PORT: port }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
