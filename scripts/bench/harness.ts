// What the benchmarks share: a Postgres to measure on (DATABASE_URL, or a throwaway cluster),
// a fresh database per measurement, a load generator on its own thread, and cleanup that runs
// on success, error or Ctrl-C.
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { projectRoot } from '../../server/paths.js';

const cleanups: Array<() => unknown> = []; // undone last first

/** Registers an undo step for the end of the run. */
export function atCleanup(undo: () => unknown): void {
  cleanups.push(undo);
}

export async function cleanUp(): Promise<void> {
  for (let undo = cleanups.pop(); undo; undo = cleanups.pop()) {
    try {
      await undo();
    } catch (error) {
      console.error('cleanup failed:', error instanceof Error ? error.message : error);
    }
  }
}

/** Runs `main` with cleanup afterwards, and on Ctrl-C; a failure is printed and exits 1. */
export async function runBenchmark(name: string, main: () => Promise<void>): Promise<void> {
  process.once('SIGINT', () => void cleanUp().finally(() => process.exit(130)));
  try {
    await main();
  } catch (error) {
    // Said before cleanup, which may fail noisily in its turn.
    console.error(`${name} failed:`, error instanceof Error ? error.message : error);
    process.exitCode = 1;
  } finally {
    await cleanUp();
  }
}

let serverUrl: string | undefined;

/** The Postgres server to measure on: DATABASE_URL, else a throwaway cluster stopped at cleanup. */
function postgresServer(): string {
  if (serverUrl) return serverUrl;
  const given = process.env.DATABASE_URL;
  if (given && !/^postgres(ql)?:\/\//.test(given)) throw new Error('DATABASE_URL must be a postgres:// URL');
  if (given) return (serverUrl = given);
  const script = path.join(projectRoot, 'scripts/throwaway-postgres.sh');
  const line = execFileSync('bash', [script, 'start'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const match = /DATABASE_URL=(\S+) PG_THROWAWAY_DIR=(\S+)/.exec(line);
  if (!match) throw new Error(`throwaway-postgres.sh printed no DATABASE_URL: ${line}`);
  const dir = match[2]!;
  atCleanup(() => execFileSync('bash', [script, 'stop', dir], { stdio: ['ignore', 'ignore', 'inherit'] }));
  return (serverUrl = match[1]!);
}

/** A new, empty database on the benchmark's Postgres server, dropped at cleanup; returns its URL. */
export async function freshBenchDatabase(): Promise<string> {
  const server = postgresServer();
  const name = `offscript_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  atCleanup(() => admin.end());
  await admin.query(`create database ${name}`);
  // Not WITH (FORCE): pool.end() resolves before its sockets close, and a plain drop waits for them.
  atCleanup(() => admin.query(`drop database if exists ${name}`));
  return Object.assign(new URL(server), { pathname: `/${name}` }).toString();
}

/** Runs `moduleUrl` as a worker with `job` as its workerData; resolves with its one message. */
export function inWorker<Job, Result>(moduleUrl: URL, job: Job): Promise<Result> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(moduleUrl, { workerData: job });
    worker.once('message', (result: Result) => resolve(result));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`load worker exited (${code}) without a result`)));
  });
}

export const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * CPU time of the calling thread in µs: on the main thread, the servers' (app and bare run
 * there); in a load worker, the load generator's. process.cpuUsage() would add the two.
 */
export function threadCpuMicros(): number {
  const { user, system } = process.threadCpuUsage();
  return user + system;
}

const CLOCK_TICK_MICROS = 10_000; // USER_HZ is 100 on Linux

/** CPU (user + system, µs) of each process named postgres on this machine, by pid; empty where /proc is not there. */
export function postgresCpuByPid(): Map<string, number> {
  const byPid = new Map<string, number>();
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return byPid;
  }
  for (const pid of pids) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') continue;
      // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      byPid.set(pid, (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_MICROS);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return byPid;
}

/** Postgres CPU spent between two readings, µs (a backend that ended in between takes its share with it). */
export function postgresCpuBetween(before: Map<string, number>, after: Map<string, number>): number {
  let micros = 0;
  for (const [pid, cpu] of after) micros += cpu - (before.get(pid) ?? 0);
  return micros;
}

/** Busy and idle time of the whole machine so far, µs, from /proc/stat; zeros where it is not there. */
export function machineCpu(): { busy: number; idle: number } {
  try {
    const [user, nice, system, idle, iowait, irq, softirq] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number) as number[];
    return { busy: (user! + nice! + system! + irq! + softirq!) * CLOCK_TICK_MICROS, idle: (idle! + iowait!) * CLOCK_TICK_MICROS };
  } catch {
    return { busy: 0, idle: 0 };
  }
}

// Above this share of one core the load generator's thread, not the server, may have set the pace.
const GENERATOR_SATURATED = 0.9;

/** A warning when the load generator's thread was busy (nearly) the whole run; undefined otherwise. */
export function generatorLimitWarning(name: string, generatorCpuMicros: number, seconds: number): string | undefined {
  const busy = generatorCpuMicros / (seconds * 1e6);
  if (busy < GENERATOR_SATURATED) return undefined;
  return `WARNING ${name}: the load generator's thread was busy ${(busy * 100).toFixed(0)}% of the run: it, not the server, may have been the limit`;
}

/** What one run of a load generator measured against one URL. */
export interface WrkResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  completed: number;
  /** Answers that were neither 2xx nor 3xx. */
  non2xx: number;
  errors: number;
  timeouts: number;
  seconds: number;
  /** CPU of the load generator (user + system), µs. */
  generatorCpuMicros: number;
}

/** Whether Debian's `wrk` (apt-get install wrk) is on PATH: a load generator in C, far lighter than autocannon on a shared machine. */
export function wrkAvailable(): boolean {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    // wrk --version prints its usage and exits 1; only a missing binary is ENOENT.
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

const WRK_UNITS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function wrkMs(output: string, percentile: string): number {
  const match = new RegExp(`^\\s*${percentile}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(output);
  if (!match) throw new Error(`wrk printed no ${percentile}th percentile:\n${output}`);
  return Number(match[1]) * WRK_UNITS[match[2]!]!;
}

/**
 * `wrk` with one thread and `connections` connections for `seconds` against `url`, without
 * blocking this thread (the servers run here). Its CPU time comes from bash's `times`, which
 * reports the children it waited for.
 */
export function runWrk(url: string, connections: number, seconds: number, headers: Record<string, string> = {}): Promise<WrkResult> {
  return new Promise((resolve, reject) => {
    const headerArgs = Object.entries(headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`]);
    const child = spawn('bash', ['-c', 'wrk -t1 -c"$1" -d"$2"s --latency "${@:4}" "$3" && times', 'wrk', String(connections), String(seconds), url, ...headerArgs], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) return reject(new Error(`wrk exited ${code}:\n${output}`));
      // `times` prints the shell's user/system time, then its children's: "0m1.234s 0m0.567s".
      const childTimes = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s\s*$/.exec(output.trim());
      const completed = /(\d+) requests in ([\d.]+)(us|ms|s|m),/.exec(output);
      if (!childTimes || !completed) return reject(new Error(`unexpected wrk output:\n${output}`));
      const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
      const seconds = (Number(completed[2]) * WRK_UNITS[completed[3]!]!) / 1000;
      resolve({
        requestsPerSecond: Number(completed[1]) / seconds,
        p50Ms: wrkMs(output, '50'),
        p99Ms: wrkMs(output, '99'),
        completed: Number(completed[1]),
        non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0),
        errors: socketErrors ? Number(socketErrors[1]) + Number(socketErrors[2]) + Number(socketErrors[3]) : 0,
        timeouts: socketErrors ? Number(socketErrors[4]) : 0,
        seconds,
        generatorCpuMicros: ((Number(childTimes[1]) * 60 + Number(childTimes[2]) + Number(childTimes[3]) * 60 + Number(childTimes[4])) * 1e6) | 0,
      });
    });
  });
}
