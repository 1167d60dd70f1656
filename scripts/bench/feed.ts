// Public feed benchmark: GET /stories and GET /stats on the real app against bare Fastify
// routes serving the same pages' bytes as static Buffers, in one run, on Postgres seeded with
// 5,000 demo accounts. For information, also the bare routes with the app's security headers,
// and node:http alone sending the app's headers and bytes (the ceiling for any server that sends
// DESIGN §7's headers). Then seeds 1,000,000 accounts into a second database and reports how
// long the statistics take to recompute at release (`--statistics-accounts N`; 0 skips it).
// The load comes from Debian's wrk when installed (`apt-get install wrk`), else from autocannon
// on a worker thread, whose JavaScript HTTP parser costs the shared CPUs far more per response.
// Run with `npm run bench:feed`; it reports and exits 0 even when a target is missed.
import { createServer, get as httpGet, type Server } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import autocannon, { type Options } from 'autocannon';
import Fastify from 'fastify';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { openDatabase } from '../../server/db/database.js';
import { migrateToLatest } from '../../server/db/migrator.js';
import { PUBLIC_CACHE_CONTROL } from '../../server/publishing/cache.js';
import { EPSILON_PER_COUNT, epsilonValue, geometricNoise } from '../../server/publishing/noise.js';
import { computeStatistics } from '../../server/publishing/statistics.js';
import { securityHeadersPlugin } from '../../server/privacy/headers.js';
import { seedWithProgress } from '../seed.js';
import { atCleanup, freshBenchDatabase, generatorLimitWarning, inWorker, median, runBenchmark, runWrk, threadCpuMicros, wrkAvailable } from './harness.js';

const ACCOUNTS = 5_000;
const CONNECTIONS = 50;
const DURATION_SECONDS = 10;
const WARMUP_SECONDS = 2;
const TARGET_RATIO = 0.9;
const TARGET_P99_OVER_BARE_MS = 1;
const TARGET_STATISTICS_MS = 1_000;
const ROUNDS = 3; // app, bare, app, bare, …: neither always runs first
const STATISTICS_ACCOUNTS = 1_000_000;

type Generator = 'wrk' | 'autocannon';

// What Chromium sends: public pages go out in brotli to it (server/publishing/precompressed.ts).
const BROWSER_ACCEPT_ENCODING = 'gzip, deflate, br, zstd';
const ASKS = ['browser', 'whole'] as const;
type Ask = (typeof ASKS)[number];
const barePath = (page: string, ask: Ask) => (ask === 'browser' ? `/bare${page}` : `/bare-whole${page}`);

/** A page's bytes and headers exactly as the app sent them (not decoded), less the headers Node writes itself. */
interface PageAsSent {
  body: Buffer;
  headers: [string, string][];
  coding: string | undefined;
}

function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; headers: [string, string][]; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const request = httpGet(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const pairs: [string, string][] = [];
        for (let i = 0; i < response.rawHeaders.length; i += 2) pairs.push([response.rawHeaders[i]!.toLowerCase(), response.rawHeaders[i + 1]!]);
        resolve({ status: response.statusCode ?? 0, headers: pairs, body: Buffer.concat(chunks) });
      });
    });
    request.on('error', reject);
  });
}

/** `page` as the app sends it to a client asking with `acceptEncoding`, once its compressed forms are ready (they follow the first request). */
async function pageAsSent(appUrl: string, page: string, acceptEncoding: string | undefined): Promise<PageAsSent> {
  for (let tries = 0; ; tries++) {
    const response = await rawGet(`${appUrl}${page}`, acceptEncoding ? { 'accept-encoding': acceptEncoding } : {});
    if (response.status !== 200) throw new Error(`GET ${page} answered ${response.status}`);
    const coding = response.headers.find(([name]) => name === 'content-encoding')?.[1];
    if (acceptEncoding && coding === undefined && tries < 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    return { body: response.body, headers: response.headers.filter(([name]) => !['date', 'connection', 'keep-alive'].includes(name)), coding };
  }
}

interface LoadJob {
  url: string;
  path: string;
  seconds: number;
  connections: number;
  generator: Generator;
  /** The request's Accept-Encoding, or none (every page whole). */
  acceptEncoding: string | undefined;
}
interface LoadResult {
  path: string;
  requestsPerSecond: number;
  p99Ms: number;
  p50Ms: number;
  completed: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  seconds: number;
  firstFailure: string | undefined;
  /** CPU of the load generator's thread during the run, µs. */
  generatorCpuMicros: number;
}

/** One autocannon run of `seconds` against one path. */
async function fire(job: LoadJob): Promise<LoadResult> {
  // No onResponse: with one, autocannon turns every response's headers into an object, work
  // that grows with the header set and fell on the load generator, the limit on two cores.
  // autocannon counts non-2xx answers itself; the first failure is fetched once afterwards.
  const options: Options = {
    url: `${job.url}${job.path}`,
    connections: job.connections,
    pipelining: 1,
    duration: job.seconds,
    ...(job.acceptEncoding ? { headers: { 'accept-encoding': job.acceptEncoding } } : {}),
  };
  const cpuBefore = threadCpuMicros();
  const raw = await autocannon(options);
  const generatorCpuMicros = threadCpuMicros() - cpuBefore;
  // Off the main thread autocannon leaves aggregation to its caller.
  const result = 'latency' in raw ? raw : autocannon.aggregateResult([raw], options);
  let firstFailure: string | undefined;
  if (result.non2xx > 0) {
    const response = await fetch(`${job.url}${job.path}`);
    firstFailure = `afterwards: ${response.status} ${(await response.text()).slice(0, 200)}`;
  }
  return {
    path: job.path,
    requestsPerSecond: result.requests.total / result.duration,
    p99Ms: result.latency.p99,
    p50Ms: result.latency.p50,
    completed: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds: result.duration,
    firstFailure,
    generatorCpuMicros,
  };
}

/** Worker side: the load generator gets its own thread so it does not share the server's event loop. */
async function loadWorker(job: LoadJob): Promise<void> {
  parentPort?.postMessage(await fire(job));
}

interface Measured extends LoadResult {
  cpuUsPerRequest: number;
}

/**
 * A warm-up run (JIT, pool connections, the cache's first render), then the measured one, with
 * the CPU time of the servers' thread (this process's main thread) per request around it: on a
 * shared machine req/s moves with other people's load, CPU time per request much less.
 */
async function measure(job: LoadJob): Promise<Measured> {
  await runLoad({ ...job, seconds: Math.min(WARMUP_SECONDS, job.seconds) });
  const before = threadCpuMicros();
  const result = await runLoad(job);
  return { ...result, cpuUsPerRequest: (threadCpuMicros() - before) / result.completed };
}

async function runLoad(job: LoadJob): Promise<LoadResult> {
  if (job.generator === 'autocannon') return inWorker(new URL(import.meta.url), job);
  const result = await runWrk(`${job.url}${job.path}`, job.connections, job.seconds, job.acceptEncoding ? { 'accept-encoding': job.acceptEncoding } : {});
  let firstFailure: string | undefined;
  if (result.non2xx > 0) {
    const response = await fetch(`${job.url}${job.path}`);
    firstFailure = `afterwards: ${response.status} ${(await response.text()).slice(0, 200)}`;
  }
  return { ...result, path: job.path, firstFailure };
}

function check<R extends LoadResult>(name: string, result: R): R {
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(`${name}: ${result.non2xx} non-2xx responses, ${result.errors} errors, ${result.timeouts} timeouts; first: ${result.firstFailure ?? '-'}`);
  }
  return result;
}

/** Seeds `accounts` demo accounts into a fresh database (with its releases); returns how long statistics took. */
async function seeded(accounts: number) {
  const config = loadConfig({ ...process.env, DATABASE_URL: await freshBenchDatabase(), LOG_LEVEL: 'warn' });
  const { db } = await openDatabase(config);
  atCleanup(() => db.destroy());
  await migrateToLatest(db);
  console.error(`seeding ${accounts} demo accounts…`);
  const seed = await seedWithProgress(db, { accounts, kMin: config.kMin, batchMin: config.batchMin }, (line) => console.error(`  ${line}`));
  if (seed.batches.length === 0) throw new Error('the seed released no batch');
  // The same computation again, outside a release: median of 5, warm.
  const recomputations: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    await computeStatistics(db, config.kMin, geometricNoise(), epsilonValue(EPSILON_PER_COUNT));
    recomputations.push(performance.now() - started);
  }
  const atReleases = seed.batches.map((b) => b.statisticsMs);
  return {
    config,
    db,
    seed,
    summary: `at the releases ${atReleases.map((ms) => `${ms.toFixed(0)} ms`).join(', ')}; again, warm: ${median(recomputations).toFixed(0)} ms (median of 5)`,
    lastReleaseMs: atReleases.at(-1)!,
  };
}

async function main(): Promise<void> {
  // Smaller settings only to see that the bench runs: its figures come from the defaults on a quiet machine.
  const { values } = parseArgs({
    options: {
      'statistics-accounts': { type: 'string', default: String(STATISTICS_ACCOUNTS) },
      accounts: { type: 'string', default: String(ACCOUNTS) },
      seconds: { type: 'string', default: String(DURATION_SECONDS) },
      rounds: { type: 'string', default: String(ROUNDS) },
      connections: { type: 'string', default: String(CONNECTIONS) },
      generator: { type: 'string', default: wrkAvailable() ? 'wrk' : 'autocannon' },
    },
  });
  const chosen = values.generator;
  if (chosen !== 'wrk' && chosen !== 'autocannon') throw new Error('--generator must be wrk or autocannon');
  const generator: Generator = chosen;
  if (generator === 'autocannon')
    console.error('load from autocannon (wrk is not installed: apt-get install wrk): its parser costs the shared CPUs more per response, the more headers a response has');
  const [statisticsAccounts, accounts, seconds, roundCount, connections] = (['statistics-accounts', 'accounts', 'seconds', 'rounds', 'connections'] as const).map((name) => {
    const value = Number(values[name]);
    if (!Number.isSafeInteger(value) || value < (name === 'statistics-accounts' ? 0 : 1)) throw new Error(`--${name} must be a whole number${name === 'statistics-accounts' ? '' : ' >= 1'}`);
    return value;
  }) as [number, number, number, number, number];

  const { config, db, seed, summary } = await seeded(accounts);
  const app = await buildApp({ config, db });
  atCleanup(() => app.close());
  const appUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  // Each page as a browser asks for it (compressed) and as a client that names no encoding gets it
  // (whole), with the app's own response headers as sent, less those Node writes itself.
  const sent: Record<string, Record<Ask, PageAsSent>> = {};
  for (const page of ['/stories', '/stats']) sent[page] = { browser: await pageAsSent(appUrl, page, BROWSER_ACCEPT_ENCODING), whole: await pageAsSent(appUrl, page, undefined) };
  // Baseline: Fastify alone, no plugins, sending each page's own bytes as a Buffer (its fastest
  // body), with the type and, for a compressed page, the coding that make them readable. Not filler
  // text of the same size: autocannon decodes every body into a string, and an ASCII-only body
  // decodes on a fast path that the pages' dashes and quotes leave, which made the load
  // generator, on the same CPUs, slower for the app than for a filler baseline.
  // With `headers`, also the response headers the app's public pages carry (DESIGN §7 and caching).
  const bareServer = async (headers: boolean) => {
    const server = Fastify({ logger: false });
    if (headers) await server.register(securityHeadersPlugin, { publicOrigin: config.publicOrigin, onionOrigin: undefined });
    for (const [page, asks] of Object.entries(sent)) {
      for (const ask of ASKS) {
        const { body, coding } = asks[ask];
        server.get(barePath(page, ask), async (_request, reply) => {
          if (headers) reply.header('etag', '"0123456789abcdef0123456789abcdef"').header('cache-control', PUBLIC_CACHE_CONTROL).header('vary', 'accept-encoding');
          if (coding) reply.header('content-encoding', coding);
          return reply.type('text/html; charset=utf-8').send(body);
        });
      }
    }
    atCleanup(() => server.close());
    return { server, url: await server.listen({ host: '127.0.0.1', port: 0 }) };
  };
  const { server: bare, url: bareUrl } = await bareServer(false);
  // The ceiling: node:http alone writing the app's headers and bytes in one writeHead, in its
  // fastest form (a flat list of names and values), as fast as Node sends them: it validates
  // every header of every response, and nothing public skips that.
  const nodeServer = async () => {
    const prepared = new Map(Object.entries(sent).flatMap(([page, asks]) => ASKS.map((ask) => [barePath(page, ask), { headers: asks[ask].headers.flat(), body: asks[ask].body }] as const)));
    const server: Server = createServer((request, response) => {
      const page = prepared.get(request.url ?? '');
      if (!page) return void response.writeHead(404).end();
      response.writeHead(200, page.headers);
      response.end(page.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    atCleanup(() => new Promise((resolve) => server.close(resolve)));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('node:http server has no port');
    return { server, url: `http://127.0.0.1:${address.port}` };
  };

  const loadBefore = loadavg()[0]!;
  console.error(`load: ${connections} connections, ${Math.min(WARMUP_SECONDS, seconds)} s warm-up then ${seconds} s per path, ${roundCount} rounds…`);
  const paths = [
    { name: '/stories', app: '/stories', bare: barePath('/stories', 'browser') },
    { name: '/stats', app: '/stats', bare: barePath('/stats', 'browser') },
  ];
  // Every request asks as a browser does, app and baselines alike (the baselines answer with the bytes the app sends it).
  const load = { seconds, connections, generator, acceptEncoding: BROWSER_ACCEPT_ENCODING };
  const rounds: { name: string; app: Measured; bare: Measured }[][] = [];
  for (let round = 0; round < roundCount; round++) {
    const measured = [];
    for (const path of paths) {
      const app = check(path.app, await measure({ ...load, url: appUrl, path: path.app }));
      const bare = check(path.bare, await measure({ ...load, url: bareUrl, path: path.bare }));
      measured.push({ name: path.name, app, bare });
    }
    rounds.push(measured);
  }
  // For information: the bare routes again, carrying the same response headers as the app.
  const { server: bareWithHeaders, url: bareWithHeadersUrl } = await bareServer(true);
  const withHeaders = new Map<string, Measured>();
  for (const path of paths) withHeaders.set(path.name, check(`${path.bare} + headers`, await measure({ ...load, url: bareWithHeadersUrl, path: path.bare })));
  const { server: plainNode, url: plainNodeUrl } = await nodeServer();
  const nodeAlone = new Map<string, Measured>();
  for (const path of paths) nodeAlone.set(path.name, check(`node:http ${path.bare}`, await measure({ ...load, url: plainNodeUrl, path: path.bare })));
  // For information: one round of whole pages, asked with no Accept-Encoding (curl, feed readers, the previous bench).
  const whole = new Map<string, { app: Measured; bare: Measured }>();
  for (const path of paths) {
    const wholeLoad = { ...load, acceptEncoding: undefined };
    const app = check(`${path.app} whole`, await measure({ ...wholeLoad, url: appUrl, path: path.app }));
    whole.set(path.name, { app, bare: check(`${path.name} whole, bare`, await measure({ ...wholeLoad, url: bareUrl, path: barePath(path.name, 'whole') })) });
  }
  const loadAfter = loadavg()[0]!;
  await app.close();
  await bare.close();
  await bareWithHeaders.close();
  plainNode.closeAllConnections();

  const cells = (...values: string[]) => values.map((v, i) => (i === 0 ? v.padEnd(30) : v.padStart(11))).join('');
  const row = (label: string, r: Measured, bytes: number) =>
    cells(
      label,
      r.requestsPerSecond.toFixed(0),
      r.p50Ms.toFixed(1),
      r.p99Ms.toFixed(1),
      String(r.non2xx),
      String(r.completed),
      String(bytes),
      r.cpuUsPerRequest.toFixed(0),
      ((r.generatorCpuMicros / (r.seconds * 1e6)) * 100).toFixed(0),
    );
  const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
  console.log(
    `\nGET on Postgres with ${accounts} seeded accounts (${seed.stories} stories in ${seed.batches.length} batches), ${connections} connections, pipelining 1, ~${seconds} s each after a ${Math.min(WARMUP_SECONDS, seconds)} s warm-up, ${roundCount} rounds of app then bare, load from ${generator}${generator === 'wrk' ? ' (one thread, its own process)' : ' (a worker thread)'}`,
  );
  console.log(`machine: ${cpus().length} CPUs shared by the servers, the load generator and Postgres; 1-minute load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after`);
  console.log(cells('', 'req/s avg', 'p50 (ms)', 'p99 (ms)', 'non-2xx', 'requests', 'bytes', 'CPU µs/req', 'generator %'));
  rounds.forEach((measured, round) => {
    for (const { name, app, bare } of measured) {
      const { body, coding } = sent[name]!.browser;
      console.log(row(`${round + 1} app ${name}${coding ? ` (${coding})` : ''}`, app, body.length));
      console.log(row(`${round + 1} bare Fastify, same bytes`, bare, body.length));
    }
  });
  for (const path of paths) {
    const results = rounds.map((measured) => measured.find((m) => m.name === path.name)!);
    const ratios = results.map(({ app, bare }) => app.requestsPerSecond / bare.requestsPerSecond);
    const cpuApp = median(results.map(({ app }) => app.cpuUsPerRequest)),
      cpuBare = median(results.map(({ bare }) => bare.cpuUsPerRequest));
    const ratio = median(ratios);
    console.log(
      `ratio ${path.name.padEnd(8)} / bare = ${ratio.toFixed(2)}, median of ${ratios.map((r) => r.toFixed(2)).join(', ')} (target >= ${TARGET_RATIO}: ${verdict(ratio >= TARGET_RATIO)})`,
    );
    console.log(`  servers' CPU per request, median of rounds: app ${cpuApp.toFixed(0)} µs, bare ${cpuBare.toFixed(0)} µs; bare / app = ${(cpuBare / cpuApp).toFixed(2)}`);
    const p99App = median(results.map(({ app }) => app.p99Ms)),
      p99Bare = median(results.map(({ bare }) => bare.p99Ms));
    console.log(
      `  p99, median of rounds: app ${p99App.toFixed(1)} ms, bare ${p99Bare.toFixed(1)} ms (target app <= bare + ${TARGET_P99_OVER_BARE_MS} ms: ${verdict(p99App <= p99Bare + TARGET_P99_OVER_BARE_MS)})`,
    );
    const headed = withHeaders.get(path.name)!;
    const bareMedian = median(results.map((r) => r.bare.requestsPerSecond)),
      appMedian = median(results.map((r) => r.app.requestsPerSecond));
    console.log(
      `  for information: bare with the app's response headers / bare = ${(headed.requestsPerSecond / bareMedian).toFixed(2)}; app / that = ${(appMedian / headed.requestsPerSecond).toFixed(2)}`,
    );
    const wholeRun = whole.get(path.name)!;
    console.log(
      `  for information, whole pages (${sent[path.name]!.whole.body.length} bytes, no Accept-Encoding), one round: app ${wholeRun.app.requestsPerSecond.toFixed(0)} req/s (${wholeRun.app.cpuUsPerRequest.toFixed(0)} µs CPU/req, p99 ${wholeRun.app.p99Ms.toFixed(1)} ms), bare ${wholeRun.bare.requestsPerSecond.toFixed(0)} req/s (${wholeRun.bare.cpuUsPerRequest.toFixed(0)} µs, p99 ${wholeRun.bare.p99Ms.toFixed(1)} ms); app / bare = ${(wholeRun.app.requestsPerSecond / wholeRun.bare.requestsPerSecond).toFixed(2)}`,
    );
    const ceiling = nodeAlone.get(path.name)!;
    console.log(
      `  the ceiling: node:http alone sending the app's headers and bytes / bare = ${(ceiling.requestsPerSecond / bareMedian).toFixed(2)} (${ceiling.requestsPerSecond.toFixed(0)} req/s, ${ceiling.cpuUsPerRequest.toFixed(0)} µs CPU/req); app / that = ${(appMedian / ceiling.requestsPerSecond).toFixed(2)}`,
    );
  }
  rounds.concat([[...whole].map(([name, { app, bare }]) => ({ name: `${name} whole`, app, bare }))]).forEach((measured, round) => {
    for (const { name, app, bare } of measured) {
      for (const [side, r] of [
        ['app', app],
        ['bare', bare],
      ] as const) {
        const warning = generatorLimitWarning(`round ${round + 1} ${side} ${name}`, r.generatorCpuMicros, r.seconds);
        if (warning) console.log(warning);
      }
    }
  });
  console.log(`statistics for ${accounts} accounts: ${summary}`);

  if (statisticsAccounts > 0) {
    const large = await seeded(statisticsAccounts);
    console.log(`statistics for ${statisticsAccounts} accounts: ${large.summary}`);
    console.log(
      `  last release, over all ${statisticsAccounts} accounts: ${large.lastReleaseMs.toFixed(0)} ms (target < ${TARGET_STATISTICS_MS} ms: ${verdict(large.lastReleaseMs < TARGET_STATISTICS_MS)})`,
    );
  }
}

if (isMainThread) {
  await runBenchmark('bench:feed', main);
} else {
  await loadWorker(workerData as LoadJob);
}
