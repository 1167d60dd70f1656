// The moderators' press page (issue 32): relay (edited) or decline questions; open an answer for
// publication with the intake key in this browser, de-identify it and send it for a second
// moderator's approval. Administrators invite journalists. Private answers never reach this page.
import type { ModeratorQuestionView } from '../../../common/press/schemas.js';
import { describeError } from '../error-words.js';
import { fromBase64 } from '../../../common/protocol/encoding.js';
import { openMessageWithAnyKey } from '../../../common/protocol/envelope.js';
import { api, asSodium, element, say, sodiumReady, unlockIntakeKeys } from '../moderation/console.js';
import { startPage } from '../moderation/page-start.js';

function button(text: string, onClick: () => Promise<void>, status: HTMLElement): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  b.addEventListener('click', () => {
    void onClick().catch((error: unknown) => say(status, describeError(error, '')));
  });
  return b;
}

function labelled(id: string, label: string, value: string, maxLength: number): [HTMLLabelElement, HTMLTextAreaElement] {
  const l = document.createElement('label');
  l.htmlFor = id;
  l.textContent = label;
  const area = document.createElement('textarea');
  area.id = id;
  area.rows = 4;
  area.maxLength = maxLength;
  area.value = value;
  return [l, area];
}

startPage('mod-press', () => {
  const words = element('press-words').dataset;
  const statuses = JSON.parse(words.statuses ?? '{}') as Record<string, string>;
  const me = document.body.dataset.moderator;
  const list = element('questions');
  const status = element('press-status');
  const questionMax = Number(words.questionMax);
  const answerMax = Number(words.answerMax);

  const show = async (): Promise<void> => {
    const { questions } = await api<{ questions: ModeratorQuestionView[] }>('/mod/api/press/questions');
    element('no-questions').hidden = questions.length > 0;
    const act = (path: string, body: unknown) => async () => {
      await api(path, 'POST', body);
      say(status, words.done ?? '');
      await show();
    };
    list.replaceChildren(
      ...questions.map((q) => {
        const item = document.createElement('li');
        item.dataset.question = q.id;
        item.dataset.status = q.status;
        const head = document.createElement('p');
        head.className = 'message-meta';
        head.textContent = `${(words.asks ?? '').replace('{name}', q.journalist.name).replace('{outlet}', q.journalist.outlet).replace('{story}', q.storyTitle)} · ${statuses[q.status] ?? q.status}`;
        const asked = document.createElement('blockquote');
        asked.textContent = q.askedText;
        item.append(head, asked);
        if (q.status === 'asked') {
          const [label, text] = labelled(`relay-${q.id}`, words.relayText ?? '', q.askedText, questionMax);
          item.append(
            label,
            text,
            button(words.relay ?? '', () => act(`/mod/api/press/questions/${q.id}/relay`, { text: text.value })(), status),
            ' ',
            button(words.decline ?? '', act(`/mod/api/press/questions/${q.id}/decline`, {}), status),
          );
        } else if (q.relayedText !== null) {
          const relayed = document.createElement('blockquote');
          relayed.textContent = q.relayedText;
          item.append(relayed);
        }
        if (q.status === 'answer_received' && q.sealedPublicAnswer !== null) {
          const sealed = q.sealedPublicAnswer;
          const opener = button(
            words.openAnswer ?? '',
            async () => {
              const sodium = await sodiumReady;
              const ring = await unlockIntakeKeys(sodium);
              const opened = openMessageWithAnyKey(asSodium(sodium), fromBase64(asSodium(sodium), sealed), ring.keys.values());
              const [label, text] = labelled(`answer-${q.id}`, words.answerText ?? '', opened.body, answerMax);
              opener.replaceWith(
                label,
                text,
                button(words.draft ?? '', () => act(`/mod/api/press/questions/${q.id}/answer-draft`, { text: text.value })(), status),
              );
            },
            status,
          );
          item.append(opener);
        }
        if (q.status === 'answer_awaiting_second_review' && q.publicAnswer !== null) {
          const answer = document.createElement('div');
          answer.className = 'narrative';
          answer.textContent = q.publicAnswer;
          item.append(answer);
          if (q.answerAuthorId === me) {
            const own = document.createElement('p');
            own.textContent = words.ownDraft ?? '';
            item.append(own);
          } else {
            const note = document.createElement('p');
            note.textContent = words.awaiting ?? '';
            item.append(note, button(words.approve ?? '', act(`/mod/api/press/questions/${q.id}/approve-answer`, {}), status));
          }
        }
        return item;
      }),
    );
  };

  const invite = document.getElementById('press-invite-form') as HTMLFormElement | null;
  invite?.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      try {
        const { url } = await api<{ url: string }>('/mod/api/press/invitations', 'POST', {
          handle: element<HTMLInputElement>('press-handle').value.trim(),
          name: element<HTMLInputElement>('press-name').value,
          outlet: element<HTMLInputElement>('press-outlet').value,
        });
        element('press-invite-url').textContent = `${location.origin}${url}`;
        element('press-invite-result').hidden = false;
        invite.reset();
      } catch (error) {
        say(element('press-invite-status'), describeError(error, ''));
      }
    })();
  });
  void show().catch((error: unknown) => say(status, describeError(error, '')));
});
