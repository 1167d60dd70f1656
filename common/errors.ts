// The error shape of DESIGN §8: `{error: {code, message}}` on /api, an HTML page elsewhere.

/** A refusal a service decides on; the message is written for the person who sent the request. */
export class ServiceError extends Error {
  constructor(
    readonly statusCode: 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 429 | 503,
    readonly code: string,
    message: string,
    /** Sent as Retry-After: when a refusal ends by itself (429, 503). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

export interface ErrorBody {
  error: { code: string; message: string };
}

export const errorResponseSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' } },
    },
  },
} as const;
