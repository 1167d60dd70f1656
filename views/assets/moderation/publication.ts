// Shows a draft's publication as the release would make it today: the attribution, each tag
// published or not, and the reason for each fallback (DOM from text only).
import type { PublicationPreview } from '../../../common/moderation/publication-view.js';
import { consoleWord } from './console-words.js';

export function renderPublication(attribution: HTMLElement, tags: HTMLElement, preview: PublicationPreview): void {
  attribution.replaceChildren();
  const label = document.createElement('strong');
  label.textContent = `— ${preview.attributionText}`;
  attribution.append(`${consoleWord('publication.attributedTo')} `, label);
  if (preview.attributionReason) {
    const reason = document.createElement('span');
    reason.className = 'fallback';
    reason.textContent = ` (${preview.attributionReason})`;
    attribution.append(reason);
  }
  const items = preview.tags.map((tag) => {
    const item = document.createElement('li');
    item.className = tag.published ? 'published' : 'not-published';
    item.textContent = tag.published ? consoleWord('publication.published', { label: tag.label }) : consoleWord('publication.notPublished', { label: tag.label, reason: tag.reason ?? '' });
    return item;
  });
  if (items.length === 0) {
    const none = document.createElement('li');
    none.textContent = consoleWord('publication.noTags');
    items.push(none);
  }
  tags.replaceChildren(...items);
}
