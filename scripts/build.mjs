#!/usr/bin/env node
// Builds the server (esbuild, file by file) and the browser bundles (esbuild, content-hashed names).
// `--if-needed` skips the work when dist/ is newer than every source file.
// `--assets-only` builds only the browser bundles (the test suite's global setup).
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress as brotliCompressCallback, constants, gzip as gzipCallback } from 'node:zlib';
import * as esbuild from 'esbuild';

// Every npm script that runs the app builds first, so this is where an old runtime is told
// plainly what to do (Kysely 0.29 and our build target need Node 22; 24 LTS is the supported one).
const [nodeMajor] = process.versions.node.split('.').map(Number);
if (nodeMajor < 22) {
  console.error(`offscript: Node.js 22 or later is needed (24 LTS recommended); this is ${process.version}.
  Without changing the system's Node: npm install --prefix ~/.local/node24 node@24 && export PATH=~/.local/node24/node_modules/.bin:$PATH`);
  process.exit(1);
}

const gzip = promisify(gzipCallback);
const brotliCompress = promisify(brotliCompressCallback);

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const stamp = path.join(dist, '.build-stamp');
const assetsOut = path.join(dist, 'assets');

// One entry per page that runs code, so that each page loads only what it needs; code that
// several pages share goes to chunks (esbuild code splitting) that the browser caches once.
export const MODERATION_PAGES = ['login', 'enrol', 'queue', 'submission', 'team', 'story', 'stories', 'audit', 'passkeys', 'passkey-link'];
export const BROWSER_ENTRIES = [
  'views/assets/submit.ts',
  // The pdf.js worker, started only once a source attaches a PDF.
  'views/assets/attachments/pdf-worker.ts',
  'views/assets/status.ts',
  'views/assets/api-docs.ts',
  ...MODERATION_PAGES.map((page) => `views/assets/moderation/${page}.ts`),
  // The press desk and the moderators' press page (issue 32).
  'views/assets/press/login.ts',
  'views/assets/press/desk.ts',
  'views/assets/press/moderation.ts',
  'views/assets/site.css',
  'views/assets/api-docs.css',
];

function newestSource() {
  let newest = 0;
  const visit = (p) => {
    const stat = statSync(p);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(p)) visit(path.join(p, entry));
    } else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const p of ['common', 'server', 'migrations', 'scripts', 'views', 'locales', 'package.json', 'package-lock.json', 'tsconfig.json']) {
    if (existsSync(path.join(root, p))) visit(path.join(root, p));
  }
  return newest;
}

export async function buildAssets() {
  rmSync(assetsOut, { recursive: true, force: true });
  mkdirSync(assetsOut, { recursive: true });
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: BROWSER_ENTRIES,
    outdir: assetsOut,
    outbase: 'views/assets',
    entryNames: '[dir]/[name]-[hash]',
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome120', 'firefox115', 'safari16'],
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  // Map each entry's plain name (submit.js, moderation/login.js) to its hashed public path.
  const manifest = {};
  for (const [file, output] of Object.entries(result.metafile.outputs)) {
    if (!output.entryPoint) continue;
    const plain = path.relative('views/assets', output.entryPoint).replace(/\.ts$/, '.js');
    manifest[plain] = `/assets/${path.relative(assetsOut, path.resolve(root, file)).split(path.sep).join('/')}`;
  }
  writeFileSync(path.join(assetsOut, 'manifest.json'), JSON.stringify(manifest, null, 2));
  // Pre-compressed copies, served by @fastify/static when the browser accepts them. Brotli at its
  // best quality is most of the build's time: the files are compressed in parallel on libuv's pool.
  await Promise.all(
    readdirSync(assetsOut, { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.(js|css)$/.test(f))
      .map(async (file) => {
        const bytes = readFileSync(path.join(assetsOut, file));
        const [gz, br] = await Promise.all([
          gzip(bytes, { level: 9 }),
          brotliCompress(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }),
        ]);
        writeFileSync(path.join(assetsOut, `${file}.gz`), gz);
        writeFileSync(path.join(assetsOut, `${file}.br`), br);
      }),
  );
  return { manifest, metafile: result.metafile };
}

/** Bytes each page's script loads (its entry and every chunk it imports), raw, gzip and brotli. */
export function pageWeights(metafile) {
  const sizeOf = (file) => ({
    raw: statSync(path.resolve(root, file)).size,
    gzip: statSync(path.resolve(root, `${file}.gz`)).size,
    brotli: statSync(path.resolve(root, `${file}.br`)).size,
  });
  const weights = {};
  for (const [file, output] of Object.entries(metafile.outputs)) {
    if (!output.entryPoint || !file.endsWith('.js')) continue;
    const loaded = new Set();
    const visit = (f) => {
      if (loaded.has(f)) return;
      loaded.add(f);
      for (const imported of metafile.outputs[f]?.imports ?? []) if (imported.kind === 'import-statement') visit(imported.path);
    };
    visit(file);
    const total = { files: loaded.size, raw: 0, gzip: 0, brotli: 0 };
    for (const f of loaded) {
      const size = sizeOf(f);
      total.raw += size.raw;
      total.gzip += size.gzip;
      total.brotli += size.brotli;
    }
    weights[path.relative('views/assets', output.entryPoint).replace(/\.ts$/, '.js')] = total;
  }
  return weights;
}

const SERVER_SOURCES = ['common', 'server', 'migrations', 'scripts'];

function serverEntryPoints() {
  const files = [];
  const visit = (p) => {
    if (statSync(p).isDirectory()) for (const entry of readdirSync(p)) visit(path.join(p, entry));
    else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) files.push(path.relative(root, p));
  };
  for (const dir of SERVER_SOURCES) visit(path.join(root, dir));
  return files;
}

// Transpiled file by file, layout kept (dist/server/main.js…). Types are checked by
// `npm run typecheck` (and CI), not on every start: tsc took most of a first start.
async function buildServer() {
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: serverEntryPoints(),
    outdir: dist,
    outbase: '.',
    bundle: false,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    sourcemap: true,
    logLevel: 'warning',
  });
  // common/vocabulary.ts imports the English vocabulary labels: the one JSON file the server's code imports.
  mkdirSync(path.join(dist, 'locales', 'en'), { recursive: true });
  copyFileSync(path.join(root, 'locales', 'en', 'vocabulary.json'), path.join(dist, 'locales', 'en', 'vocabulary.json'));
}

async function main() {
  const args = new Set(process.argv.slice(2));
  if (args.has('--assets-only')) {
    const { metafile } = await buildAssets();
    if (args.has('--sizes')) console.table(pageWeights(metafile));
    return;
  }
  if (args.has('--if-needed') && existsSync(stamp) && statSync(stamp).mtimeMs >= newestSource()) return;
  console.error('building server and browser bundles…');
  await Promise.all([buildServer(), buildAssets()]);
  writeFileSync(stamp, new Date().toISOString());
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
