// What operator commands print about the installation they acted on (issue 28).
import { describe, expect, it } from 'vitest';
import { describeInstallation, pasteableCommand } from '../../server/control/installation.js';

const pglite = { dataDir: '/srv/offscript data', databaseUrl: undefined, publicOrigin: 'https://offscript.example' };
const postgres = { dataDir: '/srv/data', databaseUrl: 'postgres://offscript:s3cret@db.example:5432/offscript', publicOrigin: 'https://offscript.example' };

describe('the installation a command acted on', () => {
  it('names the data directory and the server, or that none runs on it', () => {
    expect(describeInstallation(pglite, { origin: 'http://localhost:3612', pid: 42 })).toBe(
      'acted on the PGlite data directory /srv/offscript data, run inside the server at http://localhost:3612 (process 42)',
    );
    expect(describeInstallation(pglite, undefined)).toBe('acted on the PGlite data directory /srv/offscript data, opened directly (no server is running on it)');
  });

  it('names a Postgres database by host and name, never its password', () => {
    const line = describeInstallation(postgres, undefined);
    expect(line).toBe('acted on the Postgres database db.example:5432/offscript, connected directly');
    expect(pasteableCommand(postgres, 'npm run release', '/opt/offscript')).not.toContain('s3cret');
  });

  it('a pasteable command carries the project directory and DATA_DIR, quoted for the shell', () => {
    expect(pasteableCommand(pglite, 'npm run admin:invite -- --handle NAME', "/home/o'neil/offscript")).toBe(
      `cd '/home/o'\\''neil/offscript' && DATA_DIR='/srv/offscript data' npm run admin:invite -- --handle NAME`,
    );
  });
});
