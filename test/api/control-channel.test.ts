// The control channel refuses what is not one of the operator commands, and answers the ones it knows.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlSocketPath, sendToServer, startControlChannel } from '../../server/control/channel.js';
import { startTestApp, type TestApp } from '../support/app.js';

describe('the control channel', () => {
  let t: TestApp;
  let dataDir: string;
  let channel: { stop(): Promise<void> };
  const errors: string[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'offscript-control-'));
    t = await startTestApp({ DATA_DIR: dataDir, PUBLIC_ORIGIN: 'https://tips.example' });
    channel = await startControlChannel(t.database.db, t.config, { error: (_obj, msg) => errors.push(msg) });
  });
  afterAll(async () => {
    await channel?.stop();
    await t?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  function raw(line: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = createConnection(controlSocketPath(dataDir));
      let answer = '';
      socket.on('connect', () => socket.write(line));
      socket.on('data', (chunk) => (answer += chunk.toString()));
      socket.on('end', () => resolve(answer));
      socket.on('error', reject);
    });
  }

  it('is a socket only its owner may use', async () => {
    expect((await stat(controlSocketPath(dataDir))).mode & 0o777).toBe(0o600);
  });

  it('runs a known command with the server configuration (PUBLIC_ORIGIN in the invitation)', async () => {
    const outcome = await sendToServer(dataDir, { command: 'admin:invite', args: { handle: 'dora', role: 'moderator' } });
    expect(outcome?.exitCode).toBe(0);
    expect(outcome?.lines[1]).toMatch(/^https:\/\/tips\.example\/mod\/enrol\/[A-Za-z0-9_-]{43}$/);
    expect(await sendToServer(dataDir, { command: 'admin:invite', args: { handle: 'Not A Handle' } })).toMatchObject({ exitCode: 1 });
    expect(await sendToServer(dataDir, { command: 'admin:invite', args: { handle: 'eve', role: 'owner' } })).toMatchObject({ exitCode: 2 });
  });

  it('refuses unknown commands, malformed lines and over-long requests, and keeps serving', async () => {
    for (const line of ['{"command":"seed","args":{}}\n', 'not json\n', '{"command":"purge","args":{"n":1}}\n', `${'x'.repeat(5000)}`]) {
      expect(JSON.parse(await raw(line)), line.slice(0, 40)).toMatchObject({ exitCode: 2 });
    }
    expect(await sendToServer(dataDir, { command: 'purge', args: {} })).toMatchObject({ exitCode: 0 });
    expect(errors).toEqual([]);
  });

  it('says no server listens when there is no socket', async () => {
    expect(await sendToServer(path.join(dataDir, 'elsewhere'), { command: 'purge', args: {} })).toBeUndefined();
  });
});
