// Cached public pages answered in front of Fastify (issue 30). The first time the full path sends
// a cached page's 200, its status, every header and its body are recorded; the next GET of the
// same address that would be answered the same way gets those bytes from node:http directly,
// without routing, hooks or per-header work. Anything that could make the answer differ sends the
// request through Fastify instead: a query, a revalidation (If-None-Match), another method, Host
// or scheme, an onion circuit, other values of a header the response varies by, a published state
// that is not the one the page was rendered in (or not read within the last second), a stop under
// way. Only PublicResponseCache records, so only public pages (no limits, no cookies) are replayed.
import { createServer, type IncomingMessage, type Server, type ServerOptions, type ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest, FastifyServerFactory } from 'fastify';
import { onionCircuitOf } from '../privacy/onion-listener.js';

interface Recorded {
  /** Where and how it was asked, besides its address: a public page's headers depend on these (onion or web origin, HSTS). */
  host: string | undefined;
  forwardedProto: string | string[] | undefined;
  onion: boolean;
  /** The request headers the response varies by (its Vary), with their values when it was recorded. */
  vary: readonly (readonly [name: string, value: string | string[] | undefined])[];
  /**
   * Exactly the headers the full path wrote, in its order (Node adds Date and Connection, on both
   * paths), as writeHead's flat list of names and values: Node walks an object's keys with a
   * for-in and a has-own check per header, a list by index (measured: 2 % of a page's time).
   */
  headers: readonly string[];
  body: Buffer;
  /** Whether the page is still what is published: false sends the request to Fastify, which reads the state again. */
  current: () => boolean;
}

// A few recordings per address: one per Host, scheme, origin and Accept-Encoding it is asked under.
const PER_ADDRESS = 8;

/** Whether `request` would be answered as `recorded` was: asked the same way, with the same values of what it varies by. */
function askedAlike(recorded: Recorded, request: IncomingMessage): boolean {
  if (recorded.host !== request.headers.host || recorded.forwardedProto !== request.headers['x-forwarded-proto']) return false;
  if (recorded.onion !== (onionCircuitOf(request.socket) !== undefined)) return false;
  for (const [name, value] of recorded.vary) if (request.headers[name] !== value) return false;
  return true;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The app's recorded public pages (its count of replayed answers is for tests and benches). */
    replayedResponses: ReplayedResponses;
  }
}

export class ReplayedResponses {
  /** By the address as asked (path, language prefix and all; never a query). */
  private readonly recorded = new Map<string, Recorded[]>();
  private stopped: () => boolean = () => false;
  /** Requests answered from a recording so far. */
  answered = 0;

  constructor(private readonly maxAddresses = 1000) {}

  /** From when `stopped` says so (a graceful stop), every request goes through Fastify, which answers 503 and closes. */
  stopWhen(stopped: () => boolean): void {
    this.stopped = stopped;
  }

  /** Sends the recorded response for `request` and returns true, or returns false for Fastify to answer. */
  answer(request: IncomingMessage, response: ServerResponse): boolean {
    if (request.method !== 'GET' || request.headers['if-none-match'] !== undefined || request.url === undefined) return false;
    const candidates = this.recorded.get(request.url);
    if (candidates === undefined || this.stopped()) return false;
    let recorded: Recorded | undefined;
    for (const candidate of candidates) if (askedAlike(candidate, request)) recorded = candidate;
    if (recorded === undefined || !recorded.current()) return false;
    response.writeHead(200, recorded.headers as string[]); // why: Node's type asks for a mutable list it only reads
    response.end(recorded.body);
    this.answered++;
    return true;
  }

  /**
   * Records the 200 `reply` is about to send with `body`, unless this request could not be replayed
   * (so recording it would be wasted) or it is already recorded. Call after the last header is set.
   */
  record(request: FastifyRequest, reply: FastifyReply, body: Buffer, current: () => boolean): void {
    const raw = request.raw;
    // The address as asked: by now the raw request's url has lost its language prefix (/es/stats is /stats).
    const url = request.originalUrl;
    if (raw.method !== 'GET' || url.includes('?') || raw.headers['if-none-match'] !== undefined) return;
    if (reply.statusCode !== 200 || this.stopped()) return;
    const sent = reply.getHeaders();
    const cacheControl = sent['cache-control'];
    if (typeof cacheControl !== 'string' || !cacheControl.startsWith('public')) return;
    // A number is written as its digits either way; undefined is not written; a list is one line per value.
    const headers: string[] = [];
    for (const [name, value] of Object.entries(sent)) {
      if (value === undefined) continue;
      for (const one of Array.isArray(value) ? value : [value]) headers.push(name, String(one));
    }
    const vary = String(sent.vary ?? '')
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter((name) => name !== '')
      .map((name) => [name, raw.headers[name]] as const);
    const recorded: Recorded = { host: raw.headers.host, forwardedProto: raw.headers['x-forwarded-proto'], onion: onionCircuitOf(raw.socket) !== undefined, vary, headers, body, current };
    const others = (this.recorded.get(url) ?? []).filter((known) => !askedAlike(known, raw) || !known.current());
    if (others.length >= PER_ADDRESS) others.shift();
    if (!this.recorded.has(url) && this.recorded.size >= this.maxAddresses) this.recorded.delete(this.recorded.keys().next().value!);
    this.recorded.set(url, [...others, recorded]);
  }
}

/** How long a connection, its headers and its request may take (DESIGN §7); what Fastify would otherwise set on the server it builds. */
export interface HttpServerSettings {
  http: ServerOptions;
  keepAliveTimeout: number;
  requestTimeout: number;
  connectionTimeout: number;
}

/** The HTTP/1 server Fastify would build with these settings, with recorded public pages answered before Fastify's handler is called. */
export function replayingServerFactory(replay: ReplayedResponses, settings: HttpServerSettings): FastifyServerFactory {
  return (handler): Server => {
    const server = createServer(settings.http, (request, response) => {
      if (!replay.answer(request, response)) handler(request, response);
    });
    server.keepAliveTimeout = settings.keepAliveTimeout;
    server.requestTimeout = settings.requestTimeout;
    server.setTimeout(settings.connectionTimeout);
    return server;
  };
}
