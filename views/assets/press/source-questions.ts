// Questions from journalists on the source's status page (issue 32): the relayed questions of the
// story the receipt opens, and the three answers. A private answer is sealed here, in the source's
// browser, to the journalist's own key (common/protocol/press-answer.ts); an answer for
// publication to the intake key, for two moderators. DOM by textContent only (Trusted Types).
import type { SourceQuestionView } from '../../../common/press/schemas.js';
import { fromBase64, toBase64 } from '../../../common/protocol/encoding.js';
import { sealMessage } from '../../../common/protocol/envelope.js';
import { sealPrivateAnswer } from '../../../common/protocol/press-answer.js';
import type { Sodium } from '../../../common/protocol/sodium.js';

interface Receipt {
  lookupToken: string;
  withdrawalTag: string;
}
type Post = <T>(path: string, body: unknown) => Promise<T>;

/** The page's words, rendered by the server in the page's language (views/pages/status.hbs). */
function words(section: HTMLElement): (key: string, values?: Record<string, string>) => string {
  return (key, values = {}) => {
    const text = section.querySelector<HTMLElement>(`[data-word="${key}"]`)?.textContent ?? key;
    return Object.entries(values).reduce((out, [name, value]) => out.replaceAll(`{${name}}`, value), text);
  };
}

function paragraph(text: string, className?: string): HTMLParagraphElement {
  const p = document.createElement('p');
  p.textContent = text;
  if (className) p.className = className;
  return p;
}

function answerForm(
  sodium: Sodium,
  question: SourceQuestionView,
  say: ReturnType<typeof words>,
  send: (kind: string, ciphertext?: string) => Promise<void>,
  intakePublicKey: () => Uint8Array,
): HTMLFormElement {
  const form = document.createElement('form');
  form.className = 'press-answer-form';
  form.dataset.question = question.id;
  const fieldset = document.createElement('fieldset');
  const legend = document.createElement('legend');
  legend.textContent = say('howLabel');
  fieldset.append(legend);
  for (const kind of ['private', 'for_publication', 'decline'] as const) {
    const label = document.createElement('label');
    label.className = 'choice';
    const radio = document.createElement('input');
    radio.type = 'radio';
    radio.name = `kind-${question.id}`;
    radio.value = kind;
    radio.required = true;
    label.append(radio, ' ', say(kind === 'private' ? 'private' : kind === 'for_publication' ? 'forPublication' : 'decline'));
    fieldset.append(label);
  }
  const answerId = `answer-${question.id}`;
  const answerLabel = document.createElement('label');
  answerLabel.htmlFor = answerId;
  answerLabel.textContent = say('answer');
  const answer = document.createElement('textarea');
  answer.id = answerId;
  answer.rows = 5;
  answer.maxLength = 8000;
  const identityId = `identity-${question.id}`;
  const identityBox = document.createElement('div');
  identityBox.className = 'field';
  identityBox.hidden = true;
  const identityLabel = document.createElement('label');
  identityLabel.htmlFor = identityId;
  identityLabel.textContent = say('identityLabel');
  const warning = paragraph(say('identityWarning'), 'notice');
  warning.id = `${identityId}-warning`;
  const identity = document.createElement('textarea');
  identity.id = identityId;
  identity.rows = 2;
  identity.maxLength = 1000;
  identity.setAttribute('aria-describedby', warning.id);
  identityBox.append(identityLabel, warning, identity);
  const button = document.createElement('button');
  button.type = 'submit';
  button.textContent = say('send');
  const status = document.createElement('p');
  status.setAttribute('role', 'status');
  form.append(fieldset, answerLabel, answer, identityBox, button, status);
  const chosen = () => form.querySelector<HTMLInputElement>(`input[name="kind-${question.id}"]:checked`)?.value;
  // Revealing who they are is offered only with a private answer, which only the journalist can open.
  form.addEventListener('change', () => {
    identityBox.hidden = chosen() !== 'private';
    if (identityBox.hidden) identity.value = '';
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      const kind = chosen();
      if (!kind) return;
      try {
        button.disabled = true;
        if (kind === 'decline') return await send(kind);
        const body = answer.value.trim();
        if (body === '') throw new Error(say('answer'));
        const sealed =
          kind === 'private'
            ? sealPrivateAnswer(sodium, { questionId: question.id, body, identity: identity.value }, fromBase64(sodium, question.journalistPublicKey))
            : sealMessage(sodium, body, intakePublicKey());
        await send(kind, toBase64(sodium, sealed));
      } catch (error) {
        status.textContent = error instanceof Error ? error.message : String(error);
        button.disabled = false;
      }
    })();
  });
  return form;
}

interface Step {
  day: string;
  event: string;
  label: string;
}

/** A question's steps as the source lived them: relayed to them, then their answer (if any). */
function questionSteps(question: SourceQuestionView, say: ReturnType<typeof words>): Step[] {
  const steps: Step[] = [{ day: question.relayedOn, event: 'press_relayed', label: say('steps.relayed') }];
  if (question.answeredOn && question.status !== 'relayed') steps.push({ day: question.answeredOn, event: `press_${question.status}`, label: say(`steps.${question.status}`) });
  return steps;
}

function timelineEntry(step: Step): HTMLLIElement {
  const li = document.createElement('li');
  li.dataset.event = step.event;
  const time = document.createElement('time');
  time.dateTime = step.day;
  time.textContent = step.day;
  const label = document.createElement('span');
  label.textContent = step.label;
  li.append(time, ' ', label);
  return li;
}

/** The questions' steps on the account's own timeline too, in day order (the page's render has just rebuilt it). */
function addToTimeline(questions: readonly SourceQuestionView[], say: ReturnType<typeof words>): void {
  const timeline = document.getElementById('timeline');
  if (!timeline) return;
  for (const item of timeline.querySelectorAll('li[data-event^="press_"]')) item.remove();
  const items = [...timeline.children, ...questions.flatMap((q) => questionSteps(q, say)).map(timelineEntry)];
  const dayOf = (item: Element) => item.querySelector('time')?.dateTime ?? '';
  // Array.prototype.sort is stable: same-day entries keep their order.
  timeline.replaceChildren(...items.sort((a, b) => (dayOf(a) < dayOf(b) ? -1 : dayOf(a) > dayOf(b) ? 1 : 0)));
}

/** Shows the questions relayed to this receipt's story, if any; a receipt without a published story shows nothing. */
export async function showPressQuestions(sodium: Sodium, keys: Receipt, post: Post, intakePublicKey: () => Uint8Array): Promise<void> {
  // Only the token and the tag leave the browser; never the reply key pair the caller also holds.
  const receipt: Receipt = { lookupToken: keys.lookupToken, withdrawalTag: keys.withdrawalTag };
  const section = document.getElementById('press-questions');
  const list = document.getElementById('press-question-list');
  if (!section || !list) return;
  const say = words(section);
  let questions: SourceQuestionView[];
  try {
    ({ questions } = await post<{ questions: SourceQuestionView[] }>('/api/v1/press/questions', receipt));
  } catch {
    // No story for this receipt (or none published yet): nothing to show.
    section.hidden = true;
    return;
  }
  section.hidden = questions.length === 0;
  const render = (items: SourceQuestionView[]) => {
    addToTimeline(items, say);
    list.replaceChildren(
      ...items.map((question) => {
        const item = document.createElement('li');
        item.dataset.status = question.status;
        item.append(paragraph(say('from', { name: question.journalist.name, outlet: question.journalist.outlet }), 'message-meta'));
        const text = document.createElement('blockquote');
        text.textContent = question.text;
        // The question's own steps, as on the timeline.
        const steps = document.createElement('ol');
        steps.className = 'timeline';
        for (const entry of questionSteps(question, say)) steps.append(timelineEntry(entry));
        item.append(text, steps);
        if (question.status === 'relayed') {
          item.append(
            answerForm(
              sodium,
              question,
              say,
              async (kind, ciphertext) => {
                await post('/api/v1/press/answers', { ...receipt, questionId: question.id, kind, ...(ciphertext ? { ciphertext } : {}) });
                const refreshed = await post<{ questions: SourceQuestionView[] }>('/api/v1/press/questions', receipt);
                render(refreshed.questions);
                document.getElementById('press-status')!.textContent = say('sent');
              },
              intakePublicKey,
            ),
          );
        }
        return item;
      }),
    );
  };
  render(questions);
}
