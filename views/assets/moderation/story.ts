import { api, element, say } from './console.js';

export function initStory(): void {
  const article = document.querySelector<HTMLElement>('article.story');
  if (!article) return;
  const id = article.dataset.storyId!;
  const approve = document.getElementById('approve-story');
  if (approve) {
    const status = element('review-status');
    approve.addEventListener('click', () => {
      void api(`/mod/api/stories/${id}/approve`, 'POST').then(
        () => say(status, 'Approved: the story waits for the next batch.'),
        (error: unknown) => say(status, error instanceof Error ? error.message : 'Approval failed.'),
      );
    });
    element<HTMLFormElement>('return-form').addEventListener('submit', (event) => {
      event.preventDefault();
      void api(`/mod/api/stories/${id}/return`, 'POST', { note: element<HTMLTextAreaElement>('return-note').value.trim() }).then(
        () => say(status, 'Sent back to its author.'),
        (error: unknown) => say(status, error instanceof Error ? error.message : 'That did not work.'),
      );
    });
  }
  const revise = document.getElementById('revise-form');
  if (revise) {
    revise.addEventListener('submit', (event) => {
      event.preventDefault();
      void api(`/mod/api/stories/${id}/revise`, 'POST', {
        title: element<HTMLInputElement>('revise-title').value.trim(),
        body: element<HTMLTextAreaElement>('revise-body').value,
        pullQuotes: element<HTMLTextAreaElement>('revise-quotes').value.split('\n').map((q) => q.trim()).filter(Boolean),
        attributionLabel: element<HTMLSelectElement>('revise-attribution').value,
      }).then(
        () => say(element('revise-status'), 'Resubmitted for a second review.'),
        (error: unknown) => say(element('revise-status'), error instanceof Error ? error.message : 'That did not work.'),
      );
    });
  }
}

// The page's own bundle entry (scripts/build.mjs). Another page's bundle may import this module
// for its exports (enrolment logs in), so it sets up only its own page.
if (document.body.dataset.page === 'mod-story') initStory();
