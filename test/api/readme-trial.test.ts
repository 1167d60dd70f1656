// The README's trial path, run as written (issue 28): its commands are read from README.md, so that
// a change there that breaks them fails here. Start, invite and release all name the same DATA_DIR;
// the invitation and the release act on the trial's installation, through its server, though they
// are given no PORT; and the command the start-up hint prints works when pasted into a shell.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorFor, type Operator } from '../journeys/support.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

interface WrittenCommand {
  env: Record<string, string>;
  /** What follows `npm`. */
  npm: string[];
  line: string;
}

/** The shell commands of the README's trial section, in order: `VAR=value … npm …` lines of its sh blocks. */
function trialCommands(): WrittenCommand[] {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const start = readme.indexOf('**A first published story on a fresh install.**');
  const end = readme.indexOf('Why the real defaults are what they are', start);
  expect(start, 'the README’s trial section').toBeGreaterThan(0);
  const section = readme.slice(start, end);
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const lines = blocks
    .flatMap((b) => b.split('\n'))
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  return lines.map((line) => {
    const words = line.split(/\s+/);
    const env: Record<string, string> = {};
    while (words[0] && /^[A-Z_]+=/.test(words[0])) {
      const [name, ...value] = words.shift()!.split('=');
      env[name!] = value.join('=');
    }
    expect(words[0], `"${line}" runs npm`).toBe('npm');
    return { env, npm: words.slice(1), line };
  });
}

/** A command line run in a shell from the project's directory, with only PATH and HOME besides what it says. */
function shell(line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', line], { cwd: root, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (c: Buffer) => (text += c.toString()));
    child.stderr.on('data', (c: Buffer) => (text += c.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`${line} failed (${code}):\n${text}`))));
  });
}

describe('the README’s trial path, as written', () => {
  const commands = trialCommands();
  let dataDir: string;
  let operator: Operator | undefined;
  /** The README's DATA_DIR (/tmp/offscript-trial), swapped for a fresh directory of this test's own. */
  const asWritten = (command: WrittenCommand) => {
    const env = { ...command.env, DATA_DIR: dataDir };
    return `${Object.entries(env)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')} npm ${command.npm.join(' ')}`;
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'offscript-trial-'));
  });
  afterAll(async () => {
    await operator?.stop();
    await rm(dataDir, { recursive: true, force: true, maxRetries: 5 });
  });

  it('lists start, invite and release, all on one DATA_DIR', () => {
    expect(commands.map((c) => c.npm.slice(0, 2).join(' '))).toEqual(['start', 'run admin:invite', 'run release']);
    const dataDirs = new Set(commands.map((c) => c.env.DATA_DIR));
    expect([...dataDirs]).toHaveLength(1);
    expect([...dataDirs][0]).toMatch(/^\//);
  });

  it('start, then invite and release act on the trial installation through its server, without its PORT', async () => {
    const [start, invite, release] = commands as [WrittenCommand, WrittenCommand, WrittenCommand];
    // Only the port is this test's (another may hold 3000): the rest of the environment is the README's.
    operator = await operatorFor({ ...start.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
    await operator.start();
    const acted = `acted on the PGlite data directory ${dataDir}, run inside the server at ${operator.origin}`;

    const invited = await shell(asWritten(invite));
    expect(invited).toContain(`${operator.origin}/mod/enrol/`);
    expect(invited).toContain(acted);

    const released = await shell(asWritten(release));
    expect(released).toContain(acted);
    // The trial's settings, not the defaults: with STATISTICS_REFRESH_MONTHS=0 the server's hourly
    // job published nothing on its own, so this release is the first, a refresh without stories
    // (on the monthly default the job would have released batch 1 at start already).
    expect(released).toContain('released batch 1: 0 stories; statistics refreshed');

    // The start-up hint's command, pasted as printed (NAME filled in), makes an invitation on the trial too.
    for (let i = 0; i < 100 && !operator.log().includes('Lost it?'); i++) await new Promise((r) => setTimeout(r, 100));
    const hint = /^ {2}(cd .+ npm run admin:invite -- --handle NAME)$/m.exec(operator.log())?.[1];
    expect(hint, operator.log()).toContain(`DATA_DIR=${dataDir}`);
    const pasted = await shell(hint!.replace('NAME', 'carol'));
    expect(pasted).toContain(`${operator.origin}/mod/enrol/`);
    expect(pasted).toContain(acted);
  });
});
