// The status page in the browser (DESIGN §3 Follow-up): the twelve words are checked and turned
// into the lookup token and the reply key pair here; only the token leaves the browser. Questions
// are opened with the reply key, answers sealed to the intake key. DOM by textContent only
// (Trusted Types are enforced).
import type { SourceStatus } from '../../common/followup/schemas.js';
import type { TimelineEntry } from '../../common/followup/timeline.js';
import { fromBase64, toBase64 } from '../../common/protocol/encoding.js';
import { openMessage, sealMessage, type BoxKeyPair } from '../../common/protocol/envelope.js';
import { CodedError, type ErrorBody } from '../../common/errors.js';
import { refusalMessage } from '../../common/error-messages.js';
import { codedErrorMessage, describeError } from './error-words.js';
import { deriveReceiptKeys, entropyFromReceiptWords } from '../../common/protocol/receipt.js';
import { loadSodium, type Sodium } from '../../common/protocol/sodium.js';
import { setUpAttachments } from './attachments/attach.js';
import { sealAndUpload } from './attachments/upload.js';
import { checkedIntakeKey, showComputedFingerprint } from './intake-fingerprint.js';
import { attachWordSuggestions } from './receipt-words.js';
import { word } from './page-words.js';
import { showPressQuestions } from './press/source-questions.js';

/** What POST /api/v1/status answers, derived from its response schema. */
type StatusAnswer = SourceStatus;

interface ReceiptKeys {
  lookupToken: string;
  /** Finds the story and the account, which nothing stored links to the submission. */
  withdrawalTag: string;
  replyKeyPair: BoxKeyPair;
}

class Refusal extends Error {}

function element<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} missing`);
  return found as T;
}

async function postJson<T>(path: string, body: unknown): Promise<T> {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    credentials: 'omit',
    referrerPolicy: 'no-referrer',
    cache: 'no-store',
  });
  const parsed = (await response.json().catch(() => undefined)) as (T & Partial<ErrorBody>) | undefined;
  if (!response.ok) throw new Refusal(refusalMessage(parsed?.error, word('common:browser.serverAnswered', { status: response.status })));
  return parsed as T;
}

function timelineItem(entry: TimelineEntry): HTMLLIElement {
  const item = document.createElement('li');
  item.dataset.event = entry.event;
  const day = document.createElement('time');
  day.dateTime = entry.day;
  day.textContent = entry.day;
  const label = document.createElement('span');
  label.textContent = word(`status:events.${entry.event}`);
  item.append(day, ' ', label);
  return item;
}

function messageItem(sodium: Sodium, message: StatusAnswer['messages'][number], replyKeyPair: BoxKeyPair): HTMLLIElement {
  const item = document.createElement('li');
  const meta = document.createElement('p');
  meta.className = 'message-meta';
  const day = document.createElement('time');
  day.dateTime = message.sentOn;
  day.textContent = message.sentOn;
  if (message.direction === 'from_source') {
    item.className = 'from-you';
    meta.append(day, word('status:browser.youWrote'));
    item.append(meta);
    return item;
  }
  item.className = 'from-moderators';
  meta.append(day, word('status:browser.moderatorsWrote'));
  const body = document.createElement('div');
  body.className = 'narrative';
  try {
    body.textContent = openMessage(sodium, fromBase64(sodium, message.ciphertext), replyKeyPair).body;
  } catch {
    body.textContent = word('status:browser.unreadable');
  }
  item.append(meta, body);
  return item;
}

async function main(): Promise<void> {
  const form = element<HTMLFormElement>('status-form');
  const words = element<HTMLTextAreaElement>('words');
  const errorBox = element('status-error');
  const notice = element('status-notice');
  const progress = element('status-progress');
  const result = element('status-result');
  const replyFields = element<HTMLFieldSetElement>('reply-fields');
  const withdrawFields = element<HTMLFieldSetElement>('withdraw-fields');
  const messageBox = element<HTMLTextAreaElement>('message');
  const confirm = element<HTMLInputElement>('confirm');
  // The same attach control as /submit; its limits are what the account's replies have left.
  const attachmentsSection = document.getElementById('attachments');
  const attachments = attachmentsSection ? setUpAttachments(attachmentsSection) : undefined;
  const allowance = element('reply-file-allowance');
  const sodiumReady: Promise<Sodium> = loadSodium();
  let busy = false;
  void sodiumReady.then((sodium) => showComputedFingerprint(sodium, form));
  attachWordSuggestions(words, element('words-suggestions'));

  const showError = (message: string) => {
    errorBox.textContent = message;
    errorBox.hidden = false;
    errorBox.focus();
  };
  const showNotice = (message: string) => {
    notice.textContent = message;
    notice.hidden = message === '';
  };

  /** Checks the words before anything is sent: a typo is caught here by the BIP-39 checksum. */
  const receiptKeys = (sodium: Sodium): ReceiptKeys => {
    const entropy = entropyFromReceiptWords(words.value);
    const { lookupToken, replyKeyPair, withdrawalTag } = deriveReceiptKeys(sodium, entropy);
    sodium.memzero(entropy);
    return { lookupToken: toBase64(sodium, lookupToken), withdrawalTag: toBase64(sodium, withdrawalTag), replyKeyPair };
  };

  const render = (sodium: Sodium, answer: StatusAnswer, keys: ReceiptKeys) => {
    const statusText = element('status-text');
    statusText.textContent = word(`status:states.${answer.status}`);
    statusText.dataset.status = answer.status;
    element('timeline').replaceChildren(...answer.timeline.map(timelineItem));
    const storyLink = element('story-link');
    // Only a link to a story page on this site, whatever the answer held.
    const storyUrl = answer.story?.url.startsWith('/stories/') ? answer.story.url : undefined;
    storyLink.hidden = !storyUrl;
    // In the page's language: /es/stories/… on a Spanish page.
    const language = document.documentElement.lang;
    if (storyUrl) element<HTMLAnchorElement>('story-link-anchor').href = language === 'en' ? storyUrl : `/${language}${storyUrl}`;
    element('no-messages').hidden = answer.messages.length > 0;
    element('messages').replaceChildren(...answer.messages.map((m) => messageItem(sodium, m, keys.replyKeyPair)));
    element('reply-legend').textContent = word(answer.status === 'needs_info' ? 'status:answerModerators' : 'status:writeModerators');
    replyFields.hidden = replyFields.disabled = !answer.canReply;
    if (attachmentsSection) {
      const { files, paddedBytes } = answer.fileAllowance;
      attachmentsSection.dataset.maxFiles = String(files);
      attachmentsSection.dataset.maxAccountBytes = String(paddedBytes);
      allowance.textContent = files === 0 ? word('status:browser.noMoreFiles') : word('status:browser.filesLeft', { count: files, size: (paddedBytes / 1_000_000).toFixed(1) });
      allowance.hidden = false;
    }
    withdrawFields.hidden = withdrawFields.disabled = !answer.canWithdraw;
    result.hidden = false;
  };

  const hideResult = () => {
    result.hidden = true;
    replyFields.hidden = replyFields.disabled = true;
    withdrawFields.hidden = withdrawFields.disabled = true;
  };

  const refresh = async (sodium: Sodium, keys: ReceiptKeys) => {
    const answer = await postJson<StatusAnswer>('/api/v1/status', { lookupToken: keys.lookupToken, withdrawalTag: keys.withdrawalTag });
    render(sodium, answer, keys);
    // Questions from journalists about the published story (issue 32), in their own section.
    if (answer.story) await showPressQuestions(sodium, keys, postJson, () => checkedIntakeKey(sodium, form));
  };

  const actions: Record<string, (sodium: Sodium, keys: ReceiptKeys) => Promise<void>> = {
    async view(sodium, keys) {
      progress.textContent = word('status:browser.lookingUp');
      await refresh(sodium, keys);
      result.focus();
    },
    async reply(sodium, keys) {
      const text = messageBox.value;
      // Files first: the message lists their keys, and is acknowledged only once they are all stored.
      const files = attachments ? await attachments.prepared() : [];
      if (text.trim() === '' && files.length === 0) throw new Refusal(word('status:browser.writeFirst'));
      const intakePublicKey = checkedIntakeKey(sodium, form);
      const sent =
        files.length > 0
          ? await sealAndUpload(sodium, files, (done, total) => (progress.textContent = word('common:browser.sendingFiles', { percent: Math.floor((100 * done) / total) })))
          : undefined;
      progress.textContent = word('status:browser.sealingMessage');
      const ciphertext = toBase64(sodium, sealMessage(sodium, text, intakePublicKey, sent?.manifest));
      await postJson('/api/v1/messages', { lookupToken: keys.lookupToken, ciphertext, ...(sent ? { uploadId: sent.uploadId } : {}) });
      messageBox.value = '';
      attachments?.clear();
      await refresh(sodium, keys);
      showNotice(word('status:browser.messageSent'));
    },
    async withdraw(sodium, keys) {
      if (!confirm.checked) throw new Refusal(word('status:browser.tickConfirm'));
      progress.textContent = word('status:browser.withdrawing');
      await postJson('/api/v1/withdraw', { lookupToken: keys.lookupToken, withdrawalTag: keys.withdrawalTag });
      confirm.checked = false;
      // Nothing is left to look up: the words now find no account.
      hideResult();
      showNotice(word('status:withdrawnNotice'));
    },
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const submitter = (event as SubmitEvent).submitter;
    const chosen = submitter instanceof HTMLButtonElement ? submitter.value : 'view';
    const action = Object.hasOwn(actions, chosen) ? actions[chosen]! : actions.view!;
    if (busy) return;
    busy = true;
    void (async () => {
      errorBox.hidden = true;
      showNotice('');
      let keys: ReceiptKeys | undefined;
      const sodium = await sodiumReady;
      try {
        // Other words may open another account: what was shown for the last ones goes first.
        if (action === actions.view) hideResult();
        keys = receiptKeys(sodium);
        await action(sodium, keys);
      } catch (error) {
        if (error instanceof CodedError && error.is('too_large')) {
          showError(word('status:browser.nothingSent', { reason: codedErrorMessage(new CodedError('message_too_large')) }));
        } else if (error instanceof CodedError && error.is('receipt_word_count', 'receipt_unknown_word', 'receipt_checksum')) {
          showError(word('status:browser.nothingSent', { reason: codedErrorMessage(error) }));
        } else {
          showError(describeError(error, word('common:browser.didNotWork')));
        }
      } finally {
        if (keys) sodium.memzero(keys.replyKeyPair.privateKey);
        progress.textContent = '';
        busy = false;
      }
    })();
  });
}

if (document.getElementById('status-form')) void main();
