#!/usr/bin/env node
// `npm run bench:first-start`: how long a new operator waits (issue 15's targets on 2 cores: first
// `npm start` to /healthz under 20 s, `npm run demo` under 45 s, a PGlite restart under 5 s), and
// where the time goes. Each run starts from a fresh copy of the committed tree (`git archive
// HEAD`, node_modules linked, no dist/, no data), as a fresh clone after `npm install` would be.
// Plain JavaScript: it removes and rebuilds dist/, so it cannot run from there.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TIMEOUT_MS = 300_000;

function freshCopy() {
  const dir = mkdtempSync(path.join(tmpdir(), 'offscript-first-start-'));
  execFileSync('sh', ['-c', `git -C "${root}" archive HEAD | tar -x -C "${dir}"`]);
  symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function envFor(dir, port) {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', PORT: String(port), HOST: '127.0.0.1', DATA_DIR: path.join(dir, 'data'), LOG_LEVEL: 'warn' };
}

/** Runs `npm <args>` in `dir` until /healthz answers 200; resolves with the seconds taken. */
async function untilHealthy(dir, args, port) {
  const started = performance.now();
  const child = spawn('npm', args, { cwd: dir, env: envFor(dir, port), stdio: ['ignore', 'ignore', 'inherit'], detached: true });
  const deadline = Date.now() + TIMEOUT_MS;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`npm ${args.join(' ')} exited with ${child.exitCode}`);
      try {
        if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return (performance.now() - started) / 1000;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`npm ${args.join(' ')}: no /healthz after ${TIMEOUT_MS / 1000} s`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    execFileSync('npm', ['stop', '--silent'], { cwd: dir, env: envFor(dir, port), stdio: 'ignore' });
    await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
  }
}

function seconds(fn) {
  const started = performance.now();
  fn();
  return (performance.now() - started) / 1000;
}

/** The embedded database's own share: a fresh directory (initdb), the migrations, a reopen. */
function databasePhases(dir) {
  const probe = `
    import { openDatabase } from './dist/server/db/database.js';
    import { migrateToLatest } from './dist/server/db/migrator.js';
    const dataDir = ${JSON.stringify(path.join(dir, 'probe-data'))};
    const time = async (fn) => { const s = performance.now(); const r = await fn(); return [r, (performance.now() - s) / 1000]; };
    const [first, create] = await time(async () => { const h = await openDatabase({ dataDir }); await h.db.selectFrom('pg_catalog.pg_class').select('oid').limit(1).execute().catch(() => {}); return h; });
    const [, migrate] = await time(() => migrateToLatest(first.db));
    await first.db.destroy();
    const [again, reopen] = await time(async () => { const h = await openDatabase({ dataDir }); await migrateToLatest(h.db); return h; });
    await again.db.destroy();
    console.log(JSON.stringify({ create, migrate, reopen }));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', probe], { cwd: dir, encoding: 'utf8' }));
}

const row = (label, value, target) => `${label.padEnd(46)} ${value.toFixed(1).padStart(6)} s${target ? `   (target < ${target} s)` : ''}`;

const startCopy = freshCopy();
const demoCopy = freshCopy();
try {
  const lines = ['first start, from a fresh copy of HEAD:'];
  const port = await freePort();
  lines.push(row('first `npm start` to /healthz (build included)', await untilHealthy(startCopy, ['start'], port), 20));
  lines.push(row('PGlite restart: `npm start` again to /healthz', await untilHealthy(startCopy, ['start'], port), 5));
  lines.push(row('first `npm run demo` to /healthz (build, seed)', await untilHealthy(demoCopy, ['run', 'demo'], port), 45));
  lines.push('', 'where the time goes (fresh copy):');
  rmSync(path.join(startCopy, 'dist'), { recursive: true, force: true });
  lines.push(
    row(
      'build (server and browser bundles)',
      seconds(() => execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: startCopy, stdio: 'ignore' })),
    ),
  );
  const phases = databasePhases(startCopy);
  lines.push(row('PGlite: a new data directory (initdb)', phases.create));
  lines.push(row('PGlite: migrations on it', phases.migrate));
  lines.push(row('PGlite: reopen and check migrations', phases.reopen));
  console.log(lines.join('\n'));
} finally {
  rmSync(startCopy, { recursive: true, force: true });
  rmSync(demoCopy, { recursive: true, force: true });
}
