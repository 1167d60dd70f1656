// Tabs of one browser hand a moderator's unwrapped keys to each other over a BroadcastChannel
// (same origin, same browser profile only), so that a submission opened in a new tab needs no
// second unlock. A tab answers only for the moderator it is logged in as (the page says which).
// Imports no cryptography: it moves sessionStorage's items as they are.
import { KEY_HANDOFF_CHANNEL } from './key-handoff-channel.js';

/** The sessionStorage items that make up a tab's unlocked keys (console.ts writes them). */
export const KEY_ITEMS = ['offscript.moderator.keys', 'offscript.moderator.binding'] as const;

type TabMessage = { kind: 'need-keys'; moderator: string } | { kind: 'keys'; moderator: string; items: Record<string, string> } | { kind: 'logged-out' };

const loggedInAs = (): string | undefined => document.body.dataset.moderator;

/** Answers other tabs' requests for this moderator's keys, and drops this tab's keys when another tab logs out. */
export function answerKeyRequests(): void {
  const me = loggedInAs();
  if (!me || !('BroadcastChannel' in window)) return;
  const channel = new BroadcastChannel(KEY_HANDOFF_CHANNEL);
  channel.addEventListener('message', (event: MessageEvent<TabMessage>) => {
    const message = event.data;
    if (message.kind === 'logged-out') return sessionStorage.clear();
    if (message.kind !== 'need-keys' || message.moderator !== me) return;
    const items: Record<string, string> = {};
    for (const name of KEY_ITEMS) {
      const value = sessionStorage.getItem(name);
      if (value !== null) items[name] = value;
    }
    if (items[KEY_ITEMS[0]]) channel.postMessage({ kind: 'keys', moderator: me, items } satisfies TabMessage);
  });
}

/** Asks the other open tabs for this moderator's keys; true once they are in this tab's sessionStorage. */
export function keysFromAnotherTab(waitMs = 1500): Promise<boolean> {
  const me = loggedInAs();
  if (!me || !('BroadcastChannel' in window)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const channel = new BroadcastChannel(KEY_HANDOFF_CHANNEL);
    const finish = (received: boolean) => {
      clearTimeout(timer);
      channel.close();
      resolve(received);
    };
    const timer = setTimeout(() => finish(false), waitMs);
    channel.addEventListener('message', (event: MessageEvent<TabMessage>) => {
      const message = event.data;
      if (message.kind !== 'keys' || message.moderator !== me) return;
      for (const name of KEY_ITEMS) {
        const value = message.items[name];
        if (typeof value === 'string') sessionStorage.setItem(name, value);
      }
      finish(true);
    });
    channel.postMessage({ kind: 'need-keys', moderator: me } satisfies TabMessage);
  });
}
