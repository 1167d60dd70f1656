// Intake benchmark: POST /api/v1/submissions on the real app (A) against a bare Fastify + pg
// INSERT (B) on the same Postgres, in alternating rounds, plus the submission bundle's size and
// the browser's seal time.
// Run with `npm run bench:intake`; it reports and exits 0 even when a target is missed.
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import autocannon, { type Options } from 'autocannon';
import Fastify from 'fastify';
import pg from 'pg';
import { chromium } from 'playwright-core';
import { buildApp } from '../../server/app.js';
import { securityHeadersPlugin } from '../../server/privacy/headers.js';
import { loadConfig } from '../../server/config.js';
import { openDatabase } from '../../server/db/database.js';
import { todayUtc } from '../../server/db/day.js';
import { migrateToLatest } from '../../server/db/migrator.js';
import type { Account } from '../../common/intake/account.js';
import { registerIntakeKey } from '../../server/intake/service.js';
import type { SealedSubmission } from '../../common/intake/schemas.js';
import { lookupTokenHash } from '../../common/protocol/digest.js';
import { toBase64 } from '../../common/protocol/encoding.js';
import { sealAccount } from '../../common/protocol/envelope.js';
import { generateIntakeKeyPair } from '../../common/protocol/intake-key.js';
import { SEAL_OVERHEAD } from '../../common/protocol/padding.js';
import { deriveReceiptKeys, drawReceiptEntropy } from '../../common/protocol/receipt.js';
import { loadSodium } from '../../common/protocol/sodium.js';
import { assetsDir } from '../../server/paths.js';
import { LOOKUP_TOKEN_BYTES } from '../../common/protocol/receipt.js';
import { atCleanup, freshBenchDatabase, generatorLimitWarning, inWorker, machineCpu, median, postgresCpuBetween, postgresCpuByPid, runBenchmark, threadCpuMicros } from './harness.js';

const CONNECTIONS = 10;
const DURATION_SECONDS = 10;
const WARMUP_SECONDS = 2;
const ACCOUNT_CHARS = 1_750; // narrative length giving ~2 KB of account JSON
const DISTINCT_CIPHERTEXTS = 200; // sealing takes ~1.2 ms: the ciphertexts (and reply keys) repeat
const TARGET_RATIO = 0.9;
const ROUNDS = 3; // A, B, A, B, …: neither server always runs first, on a cold or a warm machine
const CHROMIUM = '/usr/bin/chromium';
const SUBMISSIONS = '/api/v1/submissions';

interface LoadJob {
  url: string;
  intakeKeyId: string;
  intakePublicKey: Uint8Array;
  seconds: number;
}
interface LoadResult {
  envelopes: number;
  completed: number;
  seconds: number;
  requestsPerSecond: number;
  p99Ms: number;
  non2xx: number;
  non201: number;
  errors: number;
  firstFailure: string | undefined;
  /** CPU of the load generator's thread during the run, µs. */
  generatorCpuMicros: number;
}
interface Measured extends LoadResult {
  serverCpuUsPerRequest: number;
  /** CPU of this machine's postgres processes per request: the statements' share of the work. */
  postgresCpuUsPerRequest: number;
  /** Share of the machine's two cores nobody used during the run. */
  machineIdle: number;
}

/** A realistic ~2 KB account: its JSON lands in the 4 KiB padding bucket. */
function account(narrativeChars: number): Account {
  const sentence = 'I rated chatbot answers to screenplay prompts for eight months, then the project stopped overnight. ';
  return {
    v: 1,
    role: 'writer',
    platforms: ['outlier', 'mercor'],
    taskTypes: ['rating_responses'],
    payBand: '40_59',
    hoursBand: '20_29',
    conditions: { nda_signed: 'yes', stopped_without_notice: 'yes' },
    consent: 'quote',
    narrative: sentence.repeat(Math.ceil(narrativeChars / sentence.length)).slice(0, narrativeChars),
  };
}

/**
 * An envelope supply that cannot run out: DISTINCT_CIPHERTEXTS bodies sealed as
 * views/assets/submit.ts does, each request taking the next one with a lookup token of its own
 * (a token is accepted once): a random prefix for the run and a counter, spliced into the JSON.
 * The server cannot tell the repeated ciphertexts and reply keys apart from fresh ones, and
 * splicing costs the load generator the same on the app's side as on the bare one.
 */
async function envelopeSupply(job: LoadJob): Promise<{ next: () => Buffer; drawn: () => number }> {
  const sodium = await loadSodium();
  const plain = account(ACCOUNT_CHARS);
  const TOKEN = '@@lookup-token@@';
  const templates = Array.from({ length: DISTINCT_CIPHERTEXTS }, () => {
    const { replyKeyPair } = deriveReceiptKeys(sodium, drawReceiptEntropy(sodium));
    const body: SealedSubmission = {
      v: 1,
      intakeKeyId: job.intakeKeyId,
      ciphertext: toBase64(sodium, sealAccount(sodium, plain, job.intakePublicKey)),
      replyPublicKey: toBase64(sodium, replyKeyPair.publicKey),
      lookupToken: TOKEN,
    };
    const [before, after] = JSON.stringify(body).split(TOKEN) as [string, string];
    return { before: Buffer.from(before), after: Buffer.from(after) };
  });
  const token = Buffer.alloc(LOOKUP_TOKEN_BYTES);
  randomBytes(LOOKUP_TOKEN_BYTES - 8).copy(token); // this run's prefix; the last 8 bytes count
  let drawn = 0;
  return {
    next: () => {
      const template = templates[drawn % templates.length]!;
      token.writeBigUInt64BE(BigInt(drawn++), LOOKUP_TOKEN_BYTES - 8);
      return Buffer.concat([template.before, Buffer.from(token.toString('base64')), template.after]);
    },
    drawn: () => drawn,
  };
}

/** One autocannon run of `seconds`, each request with a fresh envelope from `supply`. */
async function fire(url: string, supply: { next: () => Buffer; drawn: () => number }, seconds: number): Promise<LoadResult> {
  let non201 = 0,
    firstFailure: string | undefined;
  const drawnBefore = supply.drawn();
  const options: Options = {
    url,
    connections: CONNECTIONS,
    pipelining: 1,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: SUBMISSIONS,
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => ({ ...request, body: supply.next() }),
        onResponse: (status, body) => {
          if (status !== 201) {
            non201++;
            firstFailure ??= `${status} ${body.slice(0, 200)}`;
          }
        },
      },
    ],
  };
  const cpuBefore = threadCpuMicros();
  const raw = await autocannon(options);
  const generatorCpuMicros = threadCpuMicros() - cpuBefore;
  // Off the main thread autocannon leaves aggregation to its caller.
  const result = 'latency' in raw ? raw : autocannon.aggregateResult([raw], options);
  return {
    envelopes: supply.drawn() - drawnBefore,
    completed: result.requests.total,
    seconds: result.duration,
    requestsPerSecond: result.requests.total / result.duration,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    non201,
    errors: result.errors,
    firstFailure,
    generatorCpuMicros,
  };
}

/** Worker side: the load generator gets its own thread so it does not share the server's event loop. */
async function loadWorker(job: LoadJob): Promise<void> {
  parentPort?.postMessage(await fire(job.url, await envelopeSupply(job), job.seconds));
}

function runLoad(job: LoadJob): Promise<LoadResult> {
  return inWorker(new URL(import.meta.url), job);
}

function check(name: string, result: LoadResult): LoadResult {
  if (result.non201 > 0 || result.errors > 0) {
    throw new Error(`${name}: ${result.non201} non-201 responses, ${result.errors} connection errors; first: ${result.firstFailure ?? '-'}`);
  }
  return result;
}

/** Baseline B: the same row, one plain INSERT a request, through `pg` alone: no plugins, no validation, no resend check (with `headers`, DESIGN §7's response headers). */
async function bareApp(pool: pg.Pool, headers = false) {
  const app = Fastify({ logger: false, bodyLimit: 128 * 1024 });
  if (headers) await app.register(securityHeadersPlugin, { publicOrigin: 'http://127.0.0.1', onionOrigin: undefined });
  app.post<{ Body: SealedSubmission }>(SUBMISSIONS, async (request, reply) => {
    const ciphertext = Buffer.from(request.body.ciphertext, 'base64');
    const today = todayUtc();
    await pool.query(
      `insert into submissions (id, received_on, intake_key_id, envelope, padding_bucket, reply_public_key, lookup_hash, status_changed_on)
       values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        randomUUID(),
        today,
        request.body.intakeKeyId,
        ciphertext,
        ciphertext.length - SEAL_OVERHEAD,
        Buffer.from(request.body.replyPublicKey, 'base64'),
        lookupTokenHash(Buffer.from(request.body.lookupToken, 'base64')),
        today,
      ],
    );
    return reply.code(201).send({ status: 'received' });
  });
  return app;
}

// Runs in the page (scripts/ compiles without DOM types): click send, resolve when the receipt
// panel ("Your account is stored", shown only after the 201) appears.
const SEND_AND_TIME = `new Promise((resolve, reject) => {
  const panel = document.getElementById('receipt-panel'), progress = document.getElementById('send-progress');
  const start = performance.now();
  const timer = setTimeout(() => reject(new Error('no answer within 30 s')), 30000);
  new MutationObserver((_, observer) => {
    if (!panel.hidden) { observer.disconnect(); clearTimeout(timer); resolve(performance.now() - start); }
    else if (progress.textContent.startsWith('Not sent')) { observer.disconnect(); reject(new Error(progress.textContent)); }
  }).observe(document.body, { subtree: true, attributes: true, childList: true, characterData: true });
  document.getElementById('submit-button').click();
})`;

/** Median over 5 runs of the real page: fill, then time send → the stored account's receipt panel. */
async function browserSealMs(appUrl: string): Promise<string> {
  if (!existsSync(CHROMIUM)) return `skipped (${CHROMIUM} not installed)`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage();
    const narrative = account(60_000).narrative;
    const times: number[] = [];
    for (let run = 0; run < 5; run++) {
      await page.goto(`${appUrl}/submit`);
      await page.fill('#narrative', narrative);
      await page.check('#consent-quote');
      const ms: unknown = await page.evaluate(SEND_AND_TIME);
      if (typeof ms !== 'number') throw new Error(`seal timing returned ${String(ms)}`);
      times.push(ms);
    }
    return `${median(times).toFixed(0)} ms (median of 5; runs ${times.map((t) => t.toFixed(0)).join(', ')} ms)`;
  } finally {
    await browser.close();
  }
}

/** The files a source's browser loads for the submit page before it can type: its script and every chunk it imports statically. */
function submitPageScripts(entry: string): Buffer[] {
  const seen = new Set<string>();
  const files: Buffer[] = [];
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const bytes = readFileSync(file);
    files.push(bytes);
    for (const match of bytes.toString('utf8').matchAll(/(?:from|import)\s*["'](\.{1,2}\/[^"']+\.js)["']/g)) {
      if (match[1]) visit(path.resolve(path.dirname(file), match[1]));
    }
  };
  visit(entry);
  return files;
}

function bundleSizes(): string[] {
  const manifest = JSON.parse(readFileSync(path.join(assetsDir, 'manifest.json'), 'utf8')) as Record<string, string>;
  const file = manifest['submit.js'];
  if (!file) throw new Error('dist/assets/manifest.json has no submit.js');
  // Code splitting: the page's weight is its entry plus the chunks it imports, each compressed as served.
  const files = submitPageScripts(path.join(assetsDir, path.basename(file)));
  const sum = (sizes: number[]) => sizes.reduce((a, b) => a + b, 0);
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB (${n} bytes)`;
  const raw = sum(files.map((bytes) => bytes.length));
  const gzip = sum(files.map((bytes) => gzipSync(bytes, { level: 9 }).length));
  const brotli = sum(files.map((bytes) => brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length));
  return [
    `submit page scripts before the first keystroke (${files.length} files, static imports; sealing and attachments follow by import()) brotli 11: ${kb(brotli)} (target <= 100 KB: ${brotli <= 100 * 1024 ? 'met' : 'MISSED'})`,
    `  gzip -9: ${kb(gzip)}; raw ${kb(raw)} (for information)`,
  ];
}

async function main(): Promise<void> {
  // Smaller settings only to see that the bench runs: its figures come from the defaults on a quiet machine.
  const { values } = parseArgs({
    options: { seconds: { type: 'string', default: String(DURATION_SECONDS) }, rounds: { type: 'string', default: String(ROUNDS) }, browser: { type: 'boolean', default: true } },
    allowNegative: true,
  });
  const seconds = Number(values.seconds),
    roundCount = Number(values.rounds);
  if (!(seconds > 0) || !Number.isSafeInteger(roundCount) || roundCount < 1) throw new Error('--seconds must be positive and --rounds a whole number >= 1');
  const benchUrl = await freshBenchDatabase();
  const { db } = await openDatabase({ databaseUrl: benchUrl, dataDir: '' });
  atCleanup(() => db.destroy());
  await migrateToLatest(db);
  const keyPair = generateIntakeKeyPair(await loadSodium());
  const key = await registerIntakeKey(db, keyPair.publicKey);
  const job = { intakeKeyId: key.id, intakePublicKey: key.publicKey };

  const config = loadConfig({ ...process.env, DATABASE_URL: benchUrl, LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '1000000' });
  const app = await buildApp({ config, db });
  atCleanup(() => app.close());
  const appUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  const pool = new pg.Pool({ connectionString: benchUrl, max: 20 }); // the same pool size as openDatabase
  atCleanup(() => pool.end());
  const bare = await bareApp(pool);
  atCleanup(() => bare.close());
  const bareUrl = await bare.listen({ host: '127.0.0.1', port: 0 });

  // Each run starts from an empty table, not behind the other's rows and their vacuum; the
  // server not under load sits idle. cascade: messages (empty here) refer to submissions.
  // A warm-up (JIT, pool connections) of its own, so that the servers' CPU is read around the measured run only.
  const measure = async (name: string, url: string): Promise<Measured> => {
    await pool.query('truncate submissions cascade');
    console.error(`${name} at ${url}…`);
    check(`${name} warm-up`, await runLoad({ ...job, url, seconds: Math.min(WARMUP_SECONDS, seconds) }));
    const before = threadCpuMicros(),
      postgresBefore = postgresCpuByPid(),
      machineBefore = machineCpu();
    const result = check(name, await runLoad({ ...job, url, seconds }));
    const machine = machineCpu();
    const [busy, idle] = [machine.busy - machineBefore.busy, machine.idle - machineBefore.idle];
    return {
      ...result,
      serverCpuUsPerRequest: (threadCpuMicros() - before) / result.completed,
      postgresCpuUsPerRequest: postgresCpuBetween(postgresBefore, postgresCpuByPid()) / result.completed,
      machineIdle: busy + idle > 0 ? idle / (busy + idle) : 0,
    };
  };
  const loadBefore = loadavg()[0]!;
  const rounds: { a: Measured; b: Measured }[] = [];
  for (let round = 1; round <= roundCount; round++) {
    const a = await measure(`round ${round}, A (real app)`, appUrl);
    const b = await measure(`round ${round}, B (bare Fastify + pg)`, bareUrl);
    rounds.push({ a, b });
  }
  // For information: how much of the gap the response headers every page must carry explain.
  const bareWithHeaders = await bareApp(pool, true);
  atCleanup(() => bareWithHeaders.close());
  const withHeaders = await measure('B+ (bare Fastify + pg + DESIGN §7 headers)', await bareWithHeaders.listen({ host: '127.0.0.1', port: 0 }));
  console.error('Chromium: seal and send a 60 KB account…');
  const sealed = values.browser ? await browserSealMs(appUrl) : 'skipped (--no-browser)';

  const cells = (...values: string[]) => values.map((v, i) => (i === 0 ? v.padEnd(26) : v.padStart(16))).join('');
  const row = (label: string, r: Measured) =>
    cells(
      label,
      r.requestsPerSecond.toFixed(0),
      r.p99Ms.toFixed(1),
      String(r.non2xx),
      String(r.completed),
      r.seconds.toFixed(1),
      String(r.envelopes),
      r.serverCpuUsPerRequest.toFixed(0),
      r.postgresCpuUsPerRequest.toFixed(0),
      ((r.generatorCpuMicros / (r.seconds * 1e6)) * 100).toFixed(0),
      (r.machineIdle * 100).toFixed(0),
    );
  const accountBytes = Buffer.byteLength(JSON.stringify(account(ACCOUNT_CHARS)));
  console.log(
    `\nPOST ${SUBMISSIONS}: ${accountBytes}-byte account (4 KiB bucket), ${CONNECTIONS} connections, pipelining 1, ~${seconds} s after a ${Math.min(WARMUP_SECONDS, seconds)} s warm-up, ${roundCount} rounds of A then B`,
  );
  console.log(`envelope supply: ${DISTINCT_CIPHERTEXTS} sealed envelopes reused, each request with a lookup token of its own: unbounded, so neither side ran out (the ratio is a ratio)`);
  console.log(
    `machine: ${cpus().length} CPUs shared by the servers' thread, the load generator's thread and Postgres; 1-minute load average ${loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after`,
  );
  console.log(cells('', 'req/s avg', 'p99 (ms)', 'non-2xx', 'requests', 'seconds', 'envelopes', 'server µs/req', 'postgres µs/req', 'generator %', 'idle %'));
  const ratios = rounds.map(({ a, b }, i) => {
    console.log(row(`${i + 1}A real app`, a));
    console.log(row(`${i + 1}B bare Fastify + pg`, b));
    return a.requestsPerSecond / b.requestsPerSecond;
  });
  console.log(row('B+ bare + §7 headers', withHeaders));
  const ratio = median(ratios);
  console.log(`ratio (app / bare) per round: ${ratios.map((r) => r.toFixed(2)).join(', ')}`);
  console.log(`ratio (app / bare), median of rounds = ${ratio.toFixed(2)} (target >= ${TARGET_RATIO}: ${ratio >= TARGET_RATIO ? 'met' : 'MISSED'})`);
  const cpuA = median(rounds.map((r) => r.a.serverCpuUsPerRequest)),
    cpuB = median(rounds.map((r) => r.b.serverCpuUsPerRequest));
  console.log(`server CPU per request (servers' thread), median of rounds: app ${cpuA.toFixed(0)} µs, bare ${cpuB.toFixed(0)} µs; bare / app = ${(cpuB / cpuA).toFixed(2)}`);
  const postgresA = median(rounds.map((r) => r.a.postgresCpuUsPerRequest)),
    postgresB = median(rounds.map((r) => r.b.postgresCpuUsPerRequest));
  console.log(
    `postgres CPU per request (this machine's postgres processes), median of rounds: app ${postgresA.toFixed(0)} µs, bare ${postgresB.toFixed(0)} µs (the app stores the envelopes that arrive during one statement together in the next; the bare route runs one statement a request)`,
  );
  const all = [
    ...rounds.flatMap(
      ({ a, b }, i) =>
        [
          [`${i + 1}A`, a],
          [`${i + 1}B`, b],
        ] as const,
    ),
    ['B+', withHeaders] as const,
  ];
  for (const [label, r] of all) {
    const warning = generatorLimitWarning(label, r.generatorCpuMicros, r.seconds);
    if (warning) console.log(warning);
  }
  console.log(
    `for information: bare + §7 headers / bare (median) = ${(withHeaders.requestsPerSecond / median(rounds.map((r) => r.b.requestsPerSecond))).toFixed(2)}; app / (bare + §7 headers) = ${(median(rounds.map((r) => r.a.requestsPerSecond)) / withHeaders.requestsPerSecond).toFixed(2)}\n`,
  );
  for (const line of bundleSizes()) console.log(line);
  console.log(`seal and send a 60 KB account in Chromium: ${sealed}`);
}

if (isMainThread) {
  await runBenchmark('bench:intake', main);
} else {
  await loadWorker(workerData as LoadJob);
}
