// A Redis of the test's own (Debian's redis-server), on a free port, without persistence, so a
// restart brings it back empty. Tests skip without redis-server unless OFFSCRIPT_REQUIRE_REDIS=1
// (CI), where a missing server fails them instead.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../../scripts/free-port.js';
import { waitUntil } from './wait.js';

export const redisServerAvailable = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
export const redisRequired = process.env.OFFSCRIPT_REQUIRE_REDIS === '1';
export const REDIS_MISSING = 'redis-server not found: install it (Debian: apt-get install redis-server) to run the Redis tests';

export class OwnRedis {
  private child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<OwnRedis> {
    const redis = new OwnRedis(await freePort(), await mkdtemp(path.join(tmpdir(), 'offscript-redis-')));
    await redis.resume();
    return redis;
  }

  /** Starts redis-server (again, empty) and waits until it answers. */
  async resume(): Promise<void> {
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir], { stdio: 'ignore' });
    const client = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => 50 });
    client.on('error', () => {});
    const answers = async () => {
      try {
        await client.connect().catch(() => {});
        return (await client.ping()) === 'PONG';
      } catch {
        return false;
      }
    };
    await waitUntil(answers, 'redis-server answering');
    client.disconnect();
  }

  /** Kills redis-server at once (SIGKILL: no goodbye to the clients). */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    await this.kill();
    await rm(this.dir, { recursive: true, force: true });
  }

  /** A plain client to read what the app stored. */
  client(): Redis {
    return new Redis(this.url, { maxRetriesPerRequest: 1 });
  }
}
