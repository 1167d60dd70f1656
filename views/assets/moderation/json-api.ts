// The console's CSRF-carrying JSON fetch. Imports no cryptography, so that the queue page can use it.
import { refusalMessage } from '../../../common/error-messages.js';
import type { ErrorBody } from '../../../common/errors.js';
import { BACKGROUND_REQUEST_HEADER } from '../../../common/moderation/background-request.js';
import { consoleWord } from './console-words.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The refusal's code and details, for a caller that answers one by itself (a login puzzle). */
    readonly refusal?: ErrorBody['error'],
  ) {
    super(message);
  }
}

/** How a page that keeps work in progress renews an ended session in place (session-keys.ts); otherwise the login page. */
let renewSession: (() => Promise<void>) | undefined;

export function renewSessionWith(renew: () => Promise<void>): void {
  renewSession = renew;
}

/**
 * `background`: the page refreshes itself, which must not count as the moderator's activity (the
 * session's idle limit), and an ended session then sends the page to the login instead of asking.
 * A request the moderator made is sent again once the session is renewed in place.
 */
export async function api<T>(path: string, method = 'GET', body?: unknown, { background = false, renewed = false } = {}): Promise<T> {
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
    const error = (parsed as Partial<ErrorBody> | undefined)?.error;
    if (response.status === 401 && error?.code === 'not_logged_in' && renewSession && !background && !renewed) {
      await renewSession();
      return api<T>(path, method, body, { renewed: true });
    }
    const message = refusalMessage(error, consoleWord('common.serverAnswered', { status: response.status }));
    // A page that renews sessions in place keeps its work on screen; any other goes to the login.
    // The press desk (/press, issue 32) logs in at its own page.
    const loginPage = location.pathname.startsWith('/press') ? '/press/login' : '/mod/login';
    if (response.status === 401 && !renewSession && !location.pathname.startsWith(loginPage)) location.assign(loginPage);
    throw new ApiError(response.status, message, error?.code === undefined ? undefined : { code: error.code, message, details: error.details });
  }
  return parsed as T;
}
