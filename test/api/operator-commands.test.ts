// Operator commands on the embedded database (DESIGN §2): they reach the running server through
// its control channel, and open DATA_DIR themselves when no server runs. `npm stop` stops it.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorFor, type Operator } from '../journeys/support.js';

const PUBLIC_ORIGIN = 'https://offscript.example';
const INVITATION = new RegExp(`${PUBLIC_ORIGIN.replaceAll('.', '\\.')}/mod/enrol/[A-Za-z0-9_-]{43}`, 'g');

describe('operator commands on PGlite, with the server running and stopped', () => {
  let dataDir: string;
  let operator: Operator;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'offscript-operator-'));
    // DATABASE_URL is not passed on: this is the embedded database's case whatever the suite runs on.
    operator = await operatorFor({ DATA_DIR: dataDir, PUBLIC_ORIGIN, LOG_LEVEL: 'warn' });
  });
  afterAll(async () => {
    await operator?.stop();
    await rm(dataDir, { recursive: true, force: true, maxRetries: 5 });
  });

  async function everyCommand(): Promise<string[]> {
    return [
      await operator.npm('admin:invite', ['--handle', `carol${randomBytes(3).toString('hex')}`]),
      await operator.npm('release'),
      await operator.npm('purge'),
      await operator.npm('audit:verify'),
    ];
  }

  /** The announcement follows the first ready answer by a moment. */
  async function logShows(text: string): Promise<void> {
    for (let i = 0; i < 100 && !operator.log().includes(text); i++) await new Promise((r) => setTimeout(r, 100));
    expect(operator.log()).toContain(text);
  }

  it('a first start prints one invitation on PUBLIC_ORIGIN, and /mod/login says where it is', async () => {
    await operator.start();
    await logShows('No administrator yet');
    const invitations = operator.log().match(INVITATION) ?? [];
    expect(invitations).toHaveLength(1);
    expect(operator.log()).toContain('No administrator yet');
    const token = invitations[0]!.split('/').at(-1)!;
    expect((await fetch(`${operator.origin}/mod/enrol/${token}`)).status).toBe(200);
    const login = await (await fetch(`${operator.origin}/mod/login`)).text();
    expect(login).toContain('No administrator has enrolled yet');
    expect(login).toContain('npm run admin:invite');
  });

  it('admin:invite, release, purge and audit:verify succeed while the server serves, through its control channel', async () => {
    const [invite, release, purge, audit] = await everyCommand();
    expect(invite).toMatch(INVITATION);
    expect(release).toContain('no batch is due');
    expect(purge).toContain('purged 0 submissions');
    expect(audit).toMatch(/audit log intact: \d+ entries/);
    for (const output of [invite, release, purge, audit])
      expect(output).toMatch(new RegExp(`acted on the PGlite data directory ${dataDir}, run inside the server at ${PUBLIC_ORIGIN} \\(process \\d+\\)`));
    expect((await fetch(`${operator.origin}/healthz`)).status).toBe(200);
  });

  it('migrate runs inside the server; seed refuses, naming the server and the command that stops it', async () => {
    const migrated = await operator.npm('migrate');
    expect(migrated).toContain('nothing to apply');
    expect(migrated).toContain(`acted on the PGlite data directory ${dataDir}, run inside the server`);
    const seeded = await operator.npm('seed', ['--accounts', '1']).catch((error: Error) => error.message);
    expect(seeded).toContain(`a server is running on the PGlite data directory ${dataDir} (${PUBLIC_ORIGIN}, process`);
    expect(seeded).toContain(`DATA_DIR=${dataDir} npm stop`);
  });

  it('npm stop stops the server started with npm start', async () => {
    expect(existsSync(path.join(dataDir, 'server.pid'))).toBe(true);
    expect(await operator.npm('stop')).toContain('Stopped the server');
    await operator.exited();
    await expect(fetch(`${operator.origin}/healthz`)).rejects.toThrow();
    expect(existsSync(path.join(dataDir, 'server.pid'))).toBe(false);
    expect(existsSync(path.join(dataDir, 'control.sock'))).toBe(false);
    expect(await operator.npm('stop')).toContain('No server is running');
  });

  it('the same commands succeed with the server stopped, opening the database themselves', async () => {
    const [invite, release, purge, audit] = await everyCommand();
    expect(invite).toMatch(INVITATION);
    expect(release).toContain('no batch is due');
    expect(purge).toContain('purged 0 submissions');
    expect(audit).toMatch(/audit log intact: \d+ entries/);
    for (const output of [invite, release, purge, audit]) expect(output).toContain(`acted on the PGlite data directory ${dataDir}, opened directly (no server is running on it)`);
  });

  it('with the server stopped and no PUBLIC_ORIGIN or PORT of its own, admin:invite uses the origin it served at', async () => {
    const printed = await new Promise<string>((resolve, reject) => {
      const script = fileURLToPath(new URL('../../dist/scripts/admin-invite.js', import.meta.url));
      const child = spawn(process.execPath, [script, '--handle', 'frank'], { env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      child.stdout.on('data', (c: Buffer) => (text += c.toString()));
      child.stderr.on('data', (c: Buffer) => (text += c.toString()));
      child.once('error', reject);
      child.once('close', (code) => (code === 0 ? resolve(text) : reject(new Error(text))));
    });
    expect(printed).toMatch(INVITATION);
    expect(printed).not.toContain('127.0.0.1:3000');
  });

  it('a restart prints no second invitation while the first is still valid', async () => {
    const before = (operator.log().match(INVITATION) ?? []).length;
    await operator.start();
    await logShows('use the invitation printed when this server first started');
    expect((operator.log().match(INVITATION) ?? []).length).toBe(before);
  });
});
