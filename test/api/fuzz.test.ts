// A seeded fuzz of the whole HTTP surface (issue 13): every route the app registers (the OpenAPI
// document's among them), every HTML form on its pages, the /mod/api routes without a session
// and with a moderator's and an administrator's, hostile strings everywhere. No answer may be a
// 5xx, every answer carries the CSP, and the server is healthy and working afterwards.
import fc from 'fast-check';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { captureLog, TEST_ORIGIN as ORIGIN } from '../support/app.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';
import { sealForTest } from '../support/intake.js';
import { enrolViaApi, logInViaApi, type TestModerator } from '../support/moderation.js';
import { currentIntakeKey } from '../../server/intake/service.js';

const SEED = 13_2026;
const REQUESTS = 2000;
const TIME_BUDGET_MS = 50_000;

interface Target {
  method: string;
  url: string;
  /** JSON schema of the body, when the route declares one; forms list their field names. */
  bodySchema?: unknown;
  formFields?: string[];
  querySchema?: unknown;
}

let database: TestDatabase;
let app: FastifyInstance;
const routes: RouteOptions[] = [];
let moderator: TestModerator;
let admin: TestModerator;

beforeAll(async () => {
  database = await openTestDatabase();
  app = await buildApp({
    config: loadConfig({ PUBLIC_ORIGIN: ORIGIN, LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '100000' }),
    db: database.db,
    logDestination: captureLog().stream,
    onRoute: (route) => routes.push(route),
  });
  await app.ready();
  await enrolViaApi(app, database.db, 'admin', 'administrator', { createIntakeKey: true });
  admin = await logInViaApi(app, 'admin', 'admin lantern orbit meadow', ORIGIN);
  await enrolViaApi(app, database.db, 'mod', 'moderator');
  moderator = await logInViaApi(app, 'mod', 'mod lantern orbit meadow', ORIGIN);
});
afterAll(async () => {
  await app?.close();
  await database?.close();
});

/** Forms as the pages render them: action, method and the names of their fields. */
function formsIn(html: string): Target[] {
  const forms: Target[] = [];
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const attributes = match[1]!;
    if (!/method="post"/i.test(attributes)) continue;
    const action = /action="([^"]+)"/.exec(attributes)?.[1];
    if (!action) continue;
    const names = [...match[2]!.matchAll(/\bname="([^"]+)"/g)].map((m) => m[1]!);
    forms.push({ method: 'POST', url: action, formFields: [...new Set(names)] });
  }
  return forms;
}

const HOSTILE = [
  '\u0000',
  'a\u0000b',
  '%00',
  '\u000b',
  '\u001f',
  '\u007f',
  '\u0085',
  '\ufffe',
  '\ud800',
  '\udfff x',
  '𝕏'.repeat(50),
  "' OR 1=1 --",
  '"; drop table submissions; --',
  '<script>alert(1)</script>',
  '{{constructor.constructor("x")()}}',
  '../../etc/passwd',
  '%2e%2e%2f',
  '%ff',
  '%e0%a4%a',
  '__proto__',
  'constructor',
  '',
  ' ',
  '\r\n\r\nX: y',
  'a'.repeat(600),
  'AAAA',
  'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
  '00000000-0000-4000-8000-000000000000',
  '-1',
  '1e309',
  'NaN',
  'true',
];

const CONTROL = fc.constantFrom('\u0000', '\u0001', '\u0008', '\u000b', '\u000c', '\u001b', '\u007f', '\u0085', '\ufffe', '\ud800');

// Mostly strings, as most fields are; many hold a control character somewhere in ordinary text.
const value = fc.oneof(
  { arbitrary: fc.constantFrom(...HOSTILE), weight: 4 },
  { arbitrary: fc.tuple(fc.string({ maxLength: 12 }), CONTROL, fc.string({ maxLength: 12 })).map((parts) => parts.join('')), weight: 4 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 2 },
  { arbitrary: fc.uuid(), weight: 1 },
  { arbitrary: fc.oneof(fc.integer(), fc.boolean(), fc.constant(null)), weight: 1 },
  { arbitrary: fc.array(fc.constantFrom(...HOSTILE), { maxLength: 4 }), weight: 1 },
  { arbitrary: fc.constant('x'.repeat(70_000)), weight: 1 },
);

const plan = fc.record({
  target: fc.nat(),
  identity: fc.constantFrom('none', 'moderator', 'admin'),
  csrf: fc.constantFrom('valid', 'missing', 'wrong'),
  origin: fc.constantFrom(undefined, ORIGIN, 'https://evil.example', 'null'),
  contentType: fc.constantFrom('application/json', 'application/json', 'application/x-www-form-urlencoded', 'text/plain', undefined),
  shape: fc.constantFrom('schema', 'schema', 'schema', 'garbage', 'empty'),
  pathValue: fc.oneof(fc.uuid(), fc.constantFrom(...HOSTILE)),
  values: fc.array(value, { minLength: 12, maxLength: 12 }),
  extraKey: fc.constantFrom(undefined, '__proto__', 'constructor', 'extra', '\u0000'),
  garbage: fc.constantFrom('{', '[]', 'null', '"x"', '{"a":', '\u0000', '{"__proto__":{"x":1}}', 'a=b&a=c', '9'.repeat(400)),
  address: fc.integer({ min: 1, max: 250 }),
  seed: fc.integer(),
});

type Plan = typeof plan extends fc.Arbitrary<infer T> ? T : never;

/** A small deterministic generator per request, so that fields mix valid values and hostile ones. */
function chooser(step: Plan) {
  let state = step.seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  let used = 0;
  return { chance: (p: number) => next() < p, pick: <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!, hostile: () => step.values[used++ % step.values.length] };
}

type Chooser = ReturnType<typeof chooser>;
interface SchemaNode {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  items?: SchemaNode;
  anyOf?: SchemaNode[];
}

/** Valid where the schema is easy to satisfy, hostile elsewhere, sometimes hostile throughout. */
function fromSchema(schema: SchemaNode | undefined, choose: Chooser, depth = 0): unknown {
  if (!schema || depth > 4 || choose.chance(0.3)) return choose.hostile();
  if (schema.anyOf) return fromSchema(choose.pick(schema.anyOf), choose, depth + 1);
  if (schema.enum) return choose.pick(schema.enum);
  if ('const' in schema) return schema.const;
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (type === 'object' || schema.properties) {
    const object: Record<string, unknown> = {};
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      if (schema.required?.includes(name) || choose.chance(0.6)) object[name] = fromSchema(property, choose, depth + 1);
    }
    return object;
  }
  if (type === 'array') return Array.from({ length: choose.pick([0, 1, 2, 3]) }, () => fromSchema(schema.items, choose, depth + 1));
  if (type === 'integer' || type === 'number') return choose.pick([0, 1, 7, -1, 2 ** 53]);
  if (type === 'boolean') return choose.chance(0.5);
  if (schema.format === 'uuid') return choose.pick(['00000000-0000-4000-8000-000000000000', '6f1c2a7e-9b1d-4c3a-8e2f-0a1b2c3d4e5f']);
  if (schema.format === 'date') return '2026-01-01';
  // Plain text: where the control-character rule has to hold.
  return choose.hostile();
}

function fill(names: string[], step: Plan): Record<string, unknown> {
  const choose = chooser(step);
  const object: Record<string, unknown> = {};
  for (const name of names) if (choose.chance(0.7)) object[name] = choose.hostile();
  if (step.extraKey) object[step.extraKey] = step.values[11];
  return object;
}

// Byte by byte, so that lone surrogates (which encodeURIComponent refuses) travel as their UTF-8 replacement.
const percentEncode = (text: string) =>
  [...Buffer.from(text, 'utf8')].map((b) => (/[A-Za-z0-9._~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0')}`)).join('');

function encodePath(url: string, step: Plan): string {
  return url.replace(/:[A-Za-z]+/g, () => (step.pathValue.startsWith('%') ? step.pathValue : percentEncode(step.pathValue)));
}

function requestFor(target: Target, step: Plan) {
  const who = step.identity === 'admin' ? admin : step.identity === 'moderator' ? moderator : undefined;
  const headers: Record<string, string> = {};
  if (step.origin) headers.origin = step.origin;
  if (who && step.csrf !== 'missing') headers['x-csrf-token'] = step.csrf === 'valid' ? who.csrf : `${who.csrf.slice(0, -2)}xx`;
  let url = encodePath(target.url, step);
  if (target.method === 'GET' && target.querySchema) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries((fromSchema(target.querySchema as SchemaNode, chooser(step)) ?? {}) as Record<string, unknown>)) params.append(k, String(v));
    url += `?${params.toString()}`;
  }
  let payload: string | undefined;
  if (target.method !== 'GET' && target.method !== 'HEAD') {
    if (step.contentType) headers['content-type'] = step.contentType;
    if (step.shape === 'garbage') payload = step.garbage;
    else if (step.shape === 'schema') {
      // A bare hostile value (a route without a body schema, or a 30% draw) may be null.
      const body = target.formFields ? fill(target.formFields, step) : fromSchema(target.bodySchema as SchemaNode | undefined, chooser(step));
      payload =
        step.contentType === 'application/x-www-form-urlencoded'
          ? new URLSearchParams(Object.entries((body ?? {}) as Record<string, unknown>).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])).toString()
          : JSON.stringify(body);
    }
  }
  return { method: target.method as 'GET', url, headers, cookies: who?.cookies ?? {}, remoteAddress: `10.13.${step.address}.7`, ...(payload === undefined ? {} : { payload }) };
}

describe('a seeded fuzz of every route and form', () => {
  it(`${REQUESTS} requests: no 5xx, the CSP on every answer, the server healthy and working afterwards`, async () => {
    const targets: Target[] = [];
    for (const route of routes) {
      const methods = ([] as string[]).concat(route.method).filter((m) => m !== 'HEAD' && m !== 'OPTIONS');
      for (const method of methods) {
        // Logging out would end the sessions the fuzz uses; it is fuzzed below without them.
        if (route.url.includes('logout')) continue;
        targets.push({ method, url: route.url, bodySchema: route.schema?.body, querySchema: route.schema?.querystring });
      }
    }
    const openapi = app.swagger() as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(openapi.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`));
    expect(documented.length).toBeGreaterThan(0);
    for (const route of documented)
      expect(
        targets.map((t) => `${t.method} ${t.url}`),
        route,
      ).toContain(route);
    for (const page of ['/', '/submit', '/status', '/stories', '/mod/login', '/mod', '/mod/team', '/mod/stories']) {
      const response = await app.inject({ url: page, cookies: admin.cookies });
      targets.push(...formsIn(response.body));
    }
    targets.push({ method: 'POST', url: '/mod/logout' }, { method: 'POST', url: '/mod/api/logout' });
    expect(targets.filter((t) => t.formFields).length).toBeGreaterThanOrEqual(3);

    const steps = fc.sample(plan, { seed: SEED, numRuns: REQUESTS });
    const started = Date.now();
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let sent = 0;
    for (const step of steps) {
      // Bounded in time as well as in count: a machine busy with other test files still finishes.
      if (Date.now() - started > TIME_BUDGET_MS) break;
      sent += 1;
      const target = targets[step.target % targets.length]!;
      // The logout targets run without a session only.
      if (target.url.endsWith('logout')) step.identity = 'none';
      const request = requestFor(target, step);
      const response = await app.inject(request);
      statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
      if (response.statusCode >= 500) failures.push(`${request.method} ${request.url.slice(0, 120)} → ${response.statusCode} ${response.body.slice(0, 200)}`);
      if (!String(response.headers['content-security-policy'] ?? '').includes("default-src 'none'")) failures.push(`${request.method} ${request.url.slice(0, 120)}: no CSP`);
    }
    console.log(`fuzz: ${sent} requests over ${targets.length} targets in ${Date.now() - started} ms; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
    expect(failures).toEqual([]);
    expect(sent, 'requests sent within the time budget').toBeGreaterThanOrEqual(REQUESTS / 2);

    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
    const sealed = await sealForTest((await currentIntakeKey(database.db))!);
    const submitted = await app.inject({ method: 'POST', url: '/api/v1/submissions', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(sealed.body) });
    expect(submitted.statusCode).toBe(201);
    expect((await app.inject({ url: '/mod/api/team', cookies: admin.cookies })).statusCode).toBe(200);
  }, 120_000);
});
