// The journalist's press desk (issue 32): asks questions, lists them, and opens private answers
// with the journalist's own box key, which exists only in this tab (sealed to it in the source's
// browser; the server holds only ciphertext). DOM by textContent only (Trusted Types).
import type { JournalistQuestionView } from '../../../common/press/schemas.js';
import { describeError } from '../error-words.js';
import { fromBase64 } from '../../../common/protocol/encoding.js';
import { openPrivateAnswer } from '../../../common/protocol/press-answer.js';
import { api, asSodium, element, say, sodiumReady, storedModeratorKeys } from '../moderation/console.js';
import { startPage } from '../moderation/page-start.js';

function paragraph(text: string, className?: string): HTMLParagraphElement {
  const p = document.createElement('p');
  p.textContent = text;
  if (className) p.className = className;
  return p;
}

function quoted(text: string): HTMLQuoteElement {
  const q = document.createElement('blockquote');
  q.textContent = text;
  return q;
}

startPage('press-desk', () => {
  const words = element('press-words').dataset;
  const statuses = JSON.parse(words.statuses ?? '{}') as Record<string, string>;
  const list = element('questions');

  const show = async () => {
    const sodium = await sodiumReady;
    const s = asSodium(sodium);
    const keys = storedModeratorKeys(sodium);
    const { questions } = await api<{ questions: JournalistQuestionView[] }>('/press/api/questions');
    element('no-questions').hidden = questions.length > 0;
    list.replaceChildren(
      ...questions.map((question) => {
        const item = document.createElement('li');
        item.dataset.question = question.id;
        item.dataset.status = question.status;
        const link = document.createElement('a');
        link.href = question.storySlug ? `/stories/${encodeURIComponent(question.storySlug)}` : '/stories';
        link.textContent = question.storyTitle;
        const head = document.createElement('p');
        head.className = 'message-meta';
        head.append(link, ` · ${(words.askedOn ?? '').replace('{day}', question.askedOn)} · ${statuses[question.status] ?? question.status}`);
        item.append(head, quoted(question.askedText));
        if (question.relayedText !== null) item.append(paragraph(words.relayed ?? ''), quoted(question.relayedText));
        if (question.privateAnswer !== null) {
          try {
            if (!keys) throw new Error('no keys');
            const opened = openPrivateAnswer(sodium, fromBase64(s, question.privateAnswer), keys.boxKeyPair, question.id);
            const answer = paragraph(opened.body, 'narrative');
            answer.dataset.testid = 'private-answer';
            item.append(paragraph(words.privateAnswer ?? ''), answer);
            if (opened.identity) item.append(paragraph(words.identity ?? ''), paragraph(opened.identity, 'narrative'));
          } catch {
            item.append(paragraph(words.cannotOpen ?? '', 'error-summary'));
          }
        }
        if (question.publicAnswer !== null) item.append(paragraph(words.publicAnswer ?? ''), paragraph(question.publicAnswer, 'narrative'));
        return item;
      }),
    );
  };

  const form = element<HTMLFormElement>('ask-form');
  const status = element('ask-status');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      // A story's address or its short name: the slug is the last part of the path.
      const story = element<HTMLInputElement>('story')
        .value.trim()
        .replace(/[?#].*$/, '')
        .replace(/\/+$/, '');
      const storySlug = decodeURIComponent(story.slice(story.lastIndexOf('/') + 1));
      try {
        await api('/press/api/questions', 'POST', { storySlug, text: element<HTMLTextAreaElement>('question').value });
        say(status, form.dataset.asked ?? '');
        form.reset();
        await show();
      } catch (error) {
        say(status, describeError(error, ''));
      }
    })();
  });
  void show().catch((error: unknown) => say(status, describeError(error, '')));
});
