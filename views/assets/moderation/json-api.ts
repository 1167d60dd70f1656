// The console's CSRF-carrying JSON fetch. Imports no cryptography, so that the queue page can use it.
import { refusalMessage } from '../../../common/error-messages.js';
import type { ErrorBody } from '../../../common/errors.js';
import { BACKGROUND_REQUEST_HEADER } from '../../../common/moderation/background-request.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** `background`: the page refreshes itself, which must not count as the moderator's activity (the session's idle limit). */
export async function api<T>(path: string, method = 'GET', body?: unknown, { background = false } = {}): Promise<T> {
  const csrf = document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? '';
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: {
      ...(method === 'GET' ? {} : { 'content-type': 'application/json' }),
      ...(background ? { [BACKGROUND_REQUEST_HEADER]: '1' } : {}),
      'x-csrf-token': csrf,
    },
    body: method === 'GET' ? undefined : JSON.stringify(body ?? {}),
  });
  const text = await response.text();
  const parsed = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) {
    const message = refusalMessage((parsed as Partial<ErrorBody> | undefined)?.error, `The server answered ${response.status}.`);
    if (response.status === 401 && !location.pathname.startsWith('/mod/login')) location.assign('/mod/login');
    throw new ApiError(response.status, message);
  }
  return parsed as T;
}
