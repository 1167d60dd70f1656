// Shows a draft's publication as the release would make it today: the attribution, each tag
// published or not, and the reason for each fallback (DOM from text only).
import type { PublicationPreview } from '../../../common/moderation/publication-view.js';

export function renderPublication(attribution: HTMLElement, tags: HTMLElement, preview: PublicationPreview): void {
  attribution.replaceChildren();
  const label = document.createElement('strong');
  label.textContent = `— ${preview.attributionText}`;
  attribution.append('Attributed to ', label);
  if (preview.attributionReason) {
    const reason = document.createElement('span');
    reason.className = 'fallback';
    reason.textContent = ` (${preview.attributionReason})`;
    attribution.append(reason);
  }
  const items = preview.tags.map((tag) => {
    const item = document.createElement('li');
    item.className = tag.published ? 'published' : 'not-published';
    item.textContent = tag.published ? `${tag.label}: published as a tag` : `${tag.label}: not published, ${tag.reason ?? ''}`;
    return item;
  });
  if (items.length === 0) {
    const none = document.createElement('li');
    none.textContent = 'No tags: the account names no platform, role, task or condition.';
    items.push(none);
  }
  tags.replaceChildren(...items);
}
