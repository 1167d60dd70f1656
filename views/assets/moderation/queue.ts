// The queue page: keyboard navigation (j / ↓ and k / ↑ move between submissions, Enter opens the
// one in focus: it is a link), and a queue that keeps itself current while the tab is visible,
// rows and counts updated in place without moving the keyboard focus. Imports no cryptography.
import { queueRowWords, type QueueItem, type QueueView } from '../../../common/moderation/queue-view.js';
import { api, ApiError } from './json-api.js';
import { startPage } from './page-start.js';
import { consoleWord } from './console-words.js';

/** How often a visible queue asks for news; also on coming back to the tab. */
export const QUEUE_REFRESH_MS = 30_000;

const openLinks = () => [...document.querySelectorAll<HTMLAnchorElement>('#queue-table a[data-testid="open-submission"]')];

function initKeyboard(): void {
  document.addEventListener('keydown', (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target as HTMLElement | null;
    // Typing in a filter must not move the focus.
    if (target && target.closest('input, select, textarea, [contenteditable]')) return;
    const step = event.key === 'j' || event.key === 'ArrowDown' ? 1 : event.key === 'k' || event.key === 'ArrowUp' ? -1 : 0;
    if (step === 0) return;
    const all = openLinks();
    if (all.length === 0) return;
    event.preventDefault();
    const at = all.indexOf(document.activeElement as HTMLAnchorElement);
    const next = at === -1 ? (step > 0 ? 0 : all.length - 1) : Math.min(all.length - 1, Math.max(0, at + step));
    all[next]!.focus();
  });
}

function el(tag: string, text?: string, className?: string): HTMLElement {
  const made = document.createElement(tag);
  if (text !== undefined) made.textContent = text;
  if (className) made.className = className;
  return made;
}

/** Sets a cell's content unless it already reads the same, so that an unchanged link keeps its focus. */
function setCell(cell: Element, content: Node[]): void {
  const probe = document.createElement('div');
  probe.append(...content);
  if (probe.innerHTML !== cell.innerHTML) cell.replaceChildren(...probe.childNodes);
}

/** The cells of one row, as the page's template (views/pages/mod/queue.hbs) writes them. */
function fillRow(row: HTMLTableRowElement, item: QueueItem): void {
  const { shortId, sizeText } = queueRowWords(item);
  while (row.cells.length < 7) row.append(el(row.cells.length === 0 ? 'th' : 'td'));
  const [head, received, size, status, messages, claimed, waiting] = [...row.cells];
  head!.setAttribute('scope', 'row');
  const link = head!.querySelector('a');
  const href = `/mod/submissions/${item.id}`;
  if (item.purged) {
    if (link || head!.textContent !== `${shortId} ${consoleWord('queue.deleted')}`)
      head!.replaceChildren(el('span', shortId, 'fingerprint'), document.createTextNode(` ${consoleWord('queue.deleted')}`));
  } else if (!link || link.getAttribute('href') !== href) {
    // The link stays the same element while it points to the same submission: it may hold the focus.
    const opened = el('a', consoleWord('queue.submission', { id: shortId }), 'fingerprint') as HTMLAnchorElement;
    opened.href = href;
    opened.dataset.testid = 'open-submission';
    head!.replaceChildren(opened);
  }
  setCell(received!, [document.createTextNode(item.receivedOn)]);
  setCell(size!, [document.createTextNode(`up to ${sizeText}`)]);
  setCell(status!, [document.createTextNode(item.statusText)]);
  setCell(messages!, [
    ...(item.sourceReplied ? [el('span', consoleWord('queue.sourceReplied'), 'marker replied')] : []),
    ...(item.questionPending ? [el('span', consoleWord('queue.questionPending'), 'marker pending')] : []),
  ]);
  setCell(claimed!, [document.createTextNode(item.claimedBy ? (item.claimedByMe ? consoleWord('queue.you') : item.claimedBy) : consoleWord('queue.nobody'))]);
  setCell(waiting!, [document.createTextNode(item.daysWaiting === null ? '—' : String(item.daysWaiting))]);
}

/** Brings the table and the tab counts in line with `view`, and says in words what changed. */
export function applyQueueView(view: QueueView): string {
  const body = document.querySelector<HTMLTableSectionElement>('#queue-table tbody')!;
  const focused = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const focusedRow = focused?.closest<HTMLTableRowElement>('#queue-table tbody tr') ?? null;
  const focusedAt = focusedRow ? [...body.rows].indexOf(focusedRow) : -1;
  const existing = new Map([...body.rows].map((row) => [row.dataset.submissionId ?? '', row]));
  let added = 0;
  let changed = 0;
  const rows = view.items.map((item) => {
    let row = existing.get(item.id);
    existing.delete(item.id);
    if (!row) {
      row = document.createElement('tr');
      row.dataset.submissionId = item.id;
      added++;
    } else {
      const before = row.textContent;
      fillRow(row, item);
      if (row.textContent !== before) changed++;
      return row;
    }
    fillRow(row, item);
    return row;
  });
  const removed = existing.size;
  for (const row of existing.values()) row.remove();
  // Rows already in place stay where they are (moving a node would drop its focus).
  rows.forEach((row, i) => {
    if (body.rows[i] !== row) body.insertBefore(row, body.rows[i] ?? null);
  });
  if (focused && !focused.isConnected && focusedAt !== -1) {
    // The focused submission left this list: focus its neighbour, else the page's heading.
    const links = openLinks();
    const neighbour = links[Math.min(focusedAt, links.length - 1)];
    if (neighbour) neighbour.focus();
    else {
      const heading = document.querySelector<HTMLElement>('h1')!;
      heading.tabIndex = -1;
      heading.focus();
    }
  } else if (focused && focused.isConnected && document.activeElement !== focused) {
    focused.focus({ preventScroll: true });
  }

  document.getElementById('queue-list')!.hidden = view.items.length === 0;
  document.getElementById('queue-empty')!.hidden = view.items.length > 0;
  for (const count of document.querySelectorAll<HTMLElement>('[data-queue-count]')) {
    const value = view.counts[count.dataset.queueCount!];
    if (value !== undefined && count.textContent !== String(value)) count.textContent = String(value);
  }
  return [
    added ? consoleWord('queue.added', { count: added }) : '',
    changed ? consoleWord('queue.changed', { count: changed }) : '',
    removed ? consoleWord('queue.removed', { count: removed }) : '',
  ]
    .filter(Boolean)
    .join(', ');
}

function initRefresh(): void {
  const updates = document.getElementById('queue-updates')!;
  // The filters the page applied, defaults included (the API's default status is every status, the page's is undecided).
  const { status = '', claim = '' } = document.getElementById('queue-list')!.dataset;
  const url = `/mod/api/submissions?${new URLSearchParams({ status, claim })}`;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;

  const schedule = () => {
    clearTimeout(timer);
    if (document.visibilityState === 'visible') timer = setTimeout(() => void refresh(), QUEUE_REFRESH_MS);
  };
  const refresh = async () => {
    if (running) return;
    running = true;
    try {
      const news = applyQueueView(await api<QueueView>(url, 'GET', undefined, { background: true }));
      if (news) updates.textContent = `${news}.`;
    } catch (error) {
      // A missed refresh is retried at the next one; a logged-out tab is sent to the login page by api().
      if (error instanceof ApiError && error.status !== 401) updates.textContent = consoleWord('queue.notRefreshed', { reason: error.message });
    } finally {
      running = false;
      schedule();
    }
  };
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void refresh();
    else clearTimeout(timer);
  });
  schedule();
}

function initQueue(): void {
  initKeyboard();
  initRefresh();
}

startPage('mod-queue', initQueue);
