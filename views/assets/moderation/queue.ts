// The queue's keyboard navigation: j / ↓ and k / ↑ move between submissions, Enter opens the one
// in focus (it is a link). Imports no cryptography: the queue page needs none.
import { startPage } from './page-start.js';

function initQueue(): void {
  const links = () => [...document.querySelectorAll<HTMLAnchorElement>('#queue-table a[data-testid="open-submission"]')];
  document.addEventListener('keydown', (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target as HTMLElement | null;
    // Typing in a filter must not move the focus.
    if (target && target.closest('input, select, textarea, [contenteditable]')) return;
    const step = event.key === 'j' || event.key === 'ArrowDown' ? 1 : event.key === 'k' || event.key === 'ArrowUp' ? -1 : 0;
    if (step === 0) return;
    const all = links();
    if (all.length === 0) return;
    event.preventDefault();
    const at = all.indexOf(document.activeElement as HTMLAnchorElement);
    const next = at === -1 ? (step > 0 ? 0 : all.length - 1) : Math.min(all.length - 1, Math.max(0, at + step));
    all[next]!.focus();
  });
}

startPage('mod-queue', initQueue);
