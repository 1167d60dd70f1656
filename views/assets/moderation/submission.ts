// One submission, opened in the moderator's browser: decrypt, de-identify, decide.
import { readAccount, type Account } from '../../../common/intake/account.js';
import { applyRedactions, findIdentifiers, type IdentifierMatch } from './redaction.js';
import { fromBase64, toBase64 } from '../../../common/protocol/encoding.js';
import { openAccount, openMessageWithAnyKey, sealMessage, type BoxKeyPair } from '../../../common/protocol/envelope.js';
import { conditionAnswers, conditions, consents, factQuestions, hoursBands, payBands, platforms, roles, taskTypes } from '../../../common/vocabulary.js';
import { isUndecided } from '../../../common/workflow.js';
import { api, asSodium, element, say, sodiumReady, unlockIntakeKeys, type SodiumSumo } from './console.js';
import type { SubmissionForModerator } from '../../../common/moderation/submission-view.js';
import { openWatchList } from './watch-list.js';

type SubmissionView = SubmissionForModerator;

function fact(list: HTMLElement, term: string, value: string | undefined) {
  if (!value) return;
  const dt = document.createElement('dt');
  dt.textContent = term;
  const dd = document.createElement('dd');
  dd.textContent = value;
  list.append(dt, dd);
}

function showAccount(account: Account) {
  const facts = element('account-facts');
  facts.replaceChildren();
  fact(facts, 'Former role', account.role && roles.labelOf(account.role));
  fact(facts, 'Platforms', account.platforms.map((p) => platforms.labelOf(p)).join(', '));
  fact(facts, 'Task types', account.taskTypes.map((t) => taskTypes.labelOf(t)).join(', '));
  fact(facts, 'Pay', account.payBand && payBands.labelOf(account.payBand));
  fact(facts, 'Hours', account.hoursBand && hoursBands.labelOf(account.hoursBand));
  for (const [condition, answer] of Object.entries(account.conditions)) {
    fact(facts, conditions.labelOf(condition), conditionAnswers.labelOf(answer));
  }
  if (account.v === 1) fact(facts, 'The newer questions', 'Not asked (a version-1 account)');
  fact(facts, 'When the work happened', account.halfYear);
  for (const question of factQuestions) {
    const answer = account.facts?.[question.key];
    fact(facts, question.label, answer && question.answers.labelOf(answer));
  }
  fact(facts, 'Consent', consents.labelOf(account.consent));
  element('narrative').textContent = account.narrative;
  element('quotable').textContent = account.quotable ?? '(none)';
}

function prefillFacets(account: Account) {
  element<HTMLSelectElement>('facet-role').value = account.role ?? '';
  for (const box of document.querySelectorAll<HTMLInputElement>('input[name="facet-platforms"]')) box.checked = (account.platforms as readonly string[]).includes(box.value);
  for (const box of document.querySelectorAll<HTMLInputElement>('input[name="facet-taskTypes"]')) box.checked = (account.taskTypes as readonly string[]).includes(box.value);
  element<HTMLSelectElement>('facet-payBand').value = account.payBand ?? '';
  element<HTMLSelectElement>('facet-hoursBand').value = account.hoursBand ?? '';
  for (const select of document.querySelectorAll<HTMLSelectElement>('select[data-condition]')) {
    select.value = account.conditions[select.dataset.condition as keyof Account['conditions']] ?? '';
  }
  // A version-1 account was never asked the newer questions: they stay "not asked", not editable.
  const factsFieldset = element<HTMLFieldSetElement>('facet-facts');
  factsFieldset.disabled = account.v === 1;
  element('facet-version-note').textContent =
    account.v === 1 ? 'A version-1 account: these questions were never asked, and count as “not asked”.' : 'Correct any answer that does not match the narrative.';
  element<HTMLInputElement>('facet-halfYear').value = account.halfYear ?? '';
  for (const select of document.querySelectorAll<HTMLSelectElement>('select[data-fact]')) {
    select.value = account.facts?.[select.dataset.fact as keyof NonNullable<Account['facts']>] ?? '';
  }
  element<HTMLSelectElement>('facet-consent').value = account.consent;
  element<HTMLTextAreaElement>('story-body').value = account.narrative;
  element<HTMLTextAreaElement>('story-quotes').value = account.quotable ?? '';
}

function readFacets(version: Account['v']) {
  const checked = (name: string) => [...document.querySelectorAll<HTMLInputElement>(`input[name="${name}"]:checked`)].map((b) => b.value);
  const optional = (id: string) => element<HTMLSelectElement>(id).value || undefined;
  const chosenConditions: Record<string, string> = {};
  for (const select of document.querySelectorAll<HTMLSelectElement>('select[data-condition]')) {
    if (select.value) chosenConditions[select.dataset.condition!] = select.value;
  }
  const chosenFacts: Record<string, string> = {};
  for (const select of document.querySelectorAll<HTMLSelectElement>('select[data-fact]')) {
    if (select.value) chosenFacts[select.dataset.fact!] = select.value;
  }
  const halfYear = element<HTMLInputElement>('facet-halfYear').value.trim();
  return {
    accountVersion: version,
    ...(version === 2 ? { facts: chosenFacts, ...(halfYear ? { halfYear } : {}) } : {}),
    ...(optional('facet-role') ? { role: optional('facet-role') } : {}),
    platforms: checked('facet-platforms'),
    taskTypes: checked('facet-taskTypes'),
    ...(optional('facet-payBand') ? { payBand: optional('facet-payBand') } : {}),
    ...(optional('facet-hoursBand') ? { hoursBand: optional('facet-hoursBand') } : {}),
    conditions: chosenConditions,
    consent: element<HTMLSelectElement>('facet-consent').value,
  };
}

function listIdentifiers(watchList: readonly string[]) {
  const body = element<HTMLTextAreaElement>('story-body');
  const list = element('identifier-list');
  const matches = findIdentifiers(body.value, watchList);
  list.replaceChildren(
    ...matches.map((match, index) => {
      const item = document.createElement('li');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.checked = true;
      box.id = `identifier-${index}`;
      box.dataset.index = String(index);
      const kind = document.createElement('span');
      kind.className = 'kind';
      kind.textContent = match.kind.replace('_', ' ');
      const label = document.createElement('label');
      label.htmlFor = box.id;
      label.textContent = match.text;
      item.append(box, kind, label);
      return item;
    }),
  );
  if (matches.length === 0) {
    const item = document.createElement('li');
    item.textContent = 'No likely identifiers found; read the text yourself all the same.';
    list.append(item);
  }
  return matches;
}

function toggleStoryFields() {
  const quoting = element<HTMLSelectElement>('facet-consent').value === 'quote';
  const fields = element<HTMLFieldSetElement>('story-fields');
  fields.disabled = !quoting;
  fields.hidden = !quoting;
}

export function initSubmission(): void {
  const root = element('submission');
  const id = root.dataset.submissionId!;
  const status = element('submission-status');
  const decisionStatus = element('decision-status');

  void (async () => {
    let sodium: SodiumSumo;
    let submission: SubmissionView;
    let account: Account;
    let watchList: string[] = [];
    try {
      sodium = await sodiumReady;
      const ring = await unlockIntakeKeys(sodium);
      submission = await api<SubmissionView>(`/mod/api/submissions/${id}`);
      element('received-on').textContent = submission.receivedOn;
      element('current-status').textContent = submission.status;
      if (!submission.envelope) {
        say(status, 'This submission’s ciphertext has been deleted (retention or withdrawal).');
        return;
      }
      const intakeKey: BoxKeyPair | undefined = ring.keys.get(submission.intakeKeyId);
      if (!intakeKey) throw new Error('You do not hold the intake key this submission was sealed to; ask an administrator for a grant.');
      const started = performance.now();
      // Checked as the form checks it: version 1 or 2, every facet in its vocabulary.
      account = readAccount(openAccount(asSodium(sodium), fromBase64(asSodium(sodium), submission.envelope), intakeKey));
      root.dataset.decryptMs = String(Math.round(performance.now() - started));
      showAccount(account);
      const messages = element('messages');
      for (const message of submission.messages) {
        const item = document.createElement('li');
        item.className = message.direction === 'from_source' ? 'from-source' : 'to-source';
        // Sources seal to the intake key current when they write, which may be newer than the account's.
        // Questions to the source are sealed to its reply key: moderators keep no copy they can open.
        item.textContent =
          message.direction === 'from_source'
            ? `${message.sentOn}, from the source: ${openMessageWithAnyKey(asSodium(sodium), fromBase64(asSodium(sodium), message.ciphertext), ring.keys.values()).body}`
            : `${message.sentOn}, question sent to the source (sealed to their key)`;
        messages.append(item);
      }
      watchList = await openWatchList(sodium, ring);
      say(status, '');
      element('account-view').hidden = false;
    } catch (error) {
      say(status, error instanceof Error ? error.message : 'Could not open this submission.');
      return;
    }

    if (!isUndecided(submission.status)) return;
    element('decisions').hidden = false;
    prefillFacets(account);
    toggleStoryFields();
    element('facet-consent').addEventListener('change', toggleStoryFields);
    let matches: IdentifierMatch[] = listIdentifiers(watchList);
    element('find-identifiers').addEventListener('click', () => {
      matches = listIdentifiers(watchList);
    });
    element('redact-selected').addEventListener('click', () => {
      const body = element<HTMLTextAreaElement>('story-body');
      const chosen = [...document.querySelectorAll<HTMLInputElement>('#identifier-list input:checked')].map((b) => matches[Number(b.dataset.index)]!);
      const replacement = element<HTMLInputElement>('redaction-replacement').value || '[redacted]';
      body.value = applyRedactions(body.value, chosen, replacement);
      matches = listIdentifiers(watchList);
    });

    const decide = (form: string, work: () => Promise<string>) =>
      element<HTMLFormElement>(form).addEventListener('submit', (event) => {
        event.preventDefault();
        void work().then(
          (message) => {
            say(decisionStatus, message);
            element('decisions').hidden = true;
          },
          (error: unknown) => say(decisionStatus, error instanceof Error ? error.message : 'That did not work.'),
        );
      });

    decide('accept-form', async () => {
      const facets = readFacets(account.v);
      const quoting = facets.consent === 'quote' && element<HTMLInputElement>('story-title').value.trim() !== '';
      const story = quoting
        ? {
            title: element<HTMLInputElement>('story-title').value.trim(),
            body: element<HTMLTextAreaElement>('story-body').value,
            pullQuotes: element<HTMLTextAreaElement>('story-quotes').value.split('\n').map((q) => q.trim()).filter(Boolean),
            attributionLabel: element<HTMLSelectElement>('story-attribution').value,
          }
        : undefined;
      await api(`/mod/api/submissions/${id}/accept`, 'POST', { facets, ...(story ? { story } : {}) });
      return story ? 'Accepted; the story draft now waits for a second moderator.' : 'Accepted for statistics.';
    });
    decide('question-form', async () => {
      const question = element<HTMLTextAreaElement>('question-text').value.trim();
      if (!question) throw new Error('Write the question first.');
      const sealed = sealMessage(asSodium(sodium), question, fromBase64(asSodium(sodium), submission.replyPublicKey));
      await api(`/mod/api/submissions/${id}/question`, 'POST', { ciphertext: toBase64(asSodium(sodium), sealed) });
      return 'Question sealed and sent; the source sees it on the status page.';
    });
    decide('reject-form', async () => {
      const reason = element<HTMLTextAreaElement>('reject-reason').value.trim();
      if (!reason) throw new Error('Give a reason; it is kept in the audit log only.');
      await api(`/mod/api/submissions/${id}/reject`, 'POST', { reason });
      return 'Rejected.';
    });
  })();
}

// The page's own bundle entry (scripts/build.mjs). Another page's bundle may import this module
// for its exports (enrolment logs in), so it sets up only its own page.
if (document.body.dataset.page === 'mod-submission') initSubmission();
