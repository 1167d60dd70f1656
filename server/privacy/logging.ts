// Logs never hold an address, port, agent, referrer, cookie, body or query string (DESIGN §7).
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify';
import type { LogLevel } from '../config.js';

interface RequestLike {
  method?: string;
  url?: string;
  routeOptions?: { url?: string };
}

/** The path without its query string, so nothing typed into a URL reaches a log. */
export function pathOnly(url: string | undefined): string {
  return (url ?? '').split(/[?#]/, 1)[0] ?? '';
}

/** Only the error's class, code and stack frames: messages may quote what a client sent. */
export function describeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { type: typeof err };
  const frames = (err.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  return {
    type: err.name,
    code: (err as { code?: unknown }).code,
    statusCode: (err as { statusCode?: unknown }).statusCode,
    stack: frames.join('\n'),
  };
}

export function loggerOptions(level: LogLevel, destination?: NodeJS.WritableStream): FastifyServerOptions['logger'] & object {
  return {
    level,
    ...(destination ? { stream: destination } : {}),
    serializers: {
      req: (req: RequestLike) => ({ method: req.method, path: pathOnly(req.routeOptions?.url ?? req.url) }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      err: describeError,
    },
  } as FastifyServerOptions['logger'] & object;
}

/**
 * The log level of every route a source uses (DESIGN §7: nothing per request, at any level):
 * not even an error line, whose time alone could be matched to a submission.
 */
export const SOURCE_ROUTE_LOG_LEVEL = 'silent' as const;

const silentLoggers = new WeakMap<FastifyBaseLogger, FastifyBaseLogger>();

/**
 * A request's logger. A source route's writes nothing and carries no request id, so one silent
 * logger serves every such request instead of a child built per request.
 */
export const childLoggerFactory: NonNullable<FastifyServerOptions['childLoggerFactory']> = (logger, bindings, options) => {
  if (options.level !== SOURCE_ROUTE_LOG_LEVEL) return logger.child(bindings, options);
  let silent = silentLoggers.get(logger);
  if (!silent) silentLoggers.set(logger, (silent = logger.child({}, { level: SOURCE_ROUTE_LOG_LEVEL })));
  return silent;
};

/** Request ids are random, never derived from the connection. */
export const genReqId = (): string => randomUUID();
