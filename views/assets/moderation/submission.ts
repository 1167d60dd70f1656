// One submission, opened in the moderator's browser: decrypt, claim, de-identify, decide. Each
// action fetches the submission's new state and re-renders the parts it changes (no reload).
import { readAccount, type Account } from '../../../common/intake/account.js';
import type { SubmissionForModerator } from '../../../common/moderation/submission-view.js';
import type { PublicationPreview } from '../../../common/moderation/publication-view.js';
import { fromBase64, toBase64 } from '../../../common/protocol/encoding.js';
import { openAccount, openMessageWithAnyKey, sealMessage, withdrawalTagOf, type BoxKeyPair } from '../../../common/protocol/envelope.js';
import { conditionAnswers, conditions, consents, factQuestions, hoursBands, payBands, platforms, roles, taskTypes } from '../../../common/vocabulary.js';
import { isUndecided } from '../../../common/workflow.js';
import { replyFilesList, showAttachments } from './attachments.js';
import { chosenSignedEmail, setEvidenceContext } from './dkim-panel.js';
import { api, asSodium, element, moderatorKeysForTab, say, sodiumReady, unlockIntakeKeys, type IntakeKeyring, type SodiumSumo } from './console.js';
import { DraftKeeper } from './draft-keeper.js';
import { keepWorkAcrossSessions } from './session-keys.js';
import { DraftMarks, renderMarked, unresolvedRefusal } from './identifier-marks.js';
import { renderPublication } from './publication.js';
import { findIdentifiers } from './redaction.js';
import { openWatchList } from './watch-list.js';
import { describeError } from '../error-words.js';
import { startPage } from './page-start.js';
import { consoleWord } from './console-words.js';

type SubmissionView = SubmissionForModerator;

function fact(list: HTMLElement, term: string, value: string | undefined) {
  if (!value) return;
  const dt = document.createElement('dt');
  dt.textContent = term;
  const dd = document.createElement('dd');
  dd.textContent = value;
  list.append(dt, dd);
}

function showAccount(account: Account, watchList: readonly string[]) {
  const facts = element('account-facts');
  facts.replaceChildren();
  fact(facts, consoleWord('submission.formerRole'), account.role && roles.labelOf(account.role));
  fact(facts, consoleWord('submission.platforms'), account.platforms.map((p) => platforms.labelOf(p)).join(', '));
  fact(facts, consoleWord('submission.taskTypes'), account.taskTypes.map((t) => taskTypes.labelOf(t)).join(', '));
  fact(facts, consoleWord('submission.pay'), account.payBand && payBands.labelOf(account.payBand));
  fact(facts, consoleWord('submission.hours'), account.hoursBand && hoursBands.labelOf(account.hoursBand));
  for (const [condition, answer] of Object.entries(account.conditions)) {
    fact(facts, conditions.labelOf(condition), conditionAnswers.labelOf(answer));
  }
  if (account.v === 1) fact(facts, consoleWord('submission.newerQuestions'), consoleWord('submission.notAskedV1'));
  fact(facts, consoleWord('submission.whenWork'), account.halfYear);
  for (const question of factQuestions) {
    const answer = account.facts?.[question.key];
    fact(facts, question.label, answer && question.answers.labelOf(answer));
  }
  fact(facts, consoleWord('submission.consent'), consents.labelOf(account.consent));
  // The helper's marks, visible in the account as in the draft.
  renderMarked(element('narrative'), account.narrative, findIdentifiers(account.narrative, watchList));
  if (account.quotable) renderMarked(element('quotable'), account.quotable, findIdentifiers(account.quotable, watchList));
  else element('quotable').textContent = consoleWord('submission.none');
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
  element('facet-version-note').textContent = account.v === 1 ? consoleWord('submission.v1Note') : consoleWord('submission.correctAnswers');
  element<HTMLInputElement>('facet-halfYear').value = account.halfYear ?? '';
  for (const select of document.querySelectorAll<HTMLSelectElement>('select[data-fact]')) {
    select.value = account.facts?.[select.dataset.fact as keyof NonNullable<Account['facts']>] ?? '';
    // A question newer than the account's form was never asked: it stays "not asked", not editable.
    select.disabled = Number(select.dataset.since) > account.v;
  }
  element<HTMLSelectElement>('facet-consent').value = account.consent;
  // The draft starts from what the source offered for quotation, never from the raw account.
  element<HTMLTextAreaElement>('story-body').value = account.quotable ?? '';
  element<HTMLTextAreaElement>('story-quotes').value = '';
}

const checked = (name: string) => [...document.querySelectorAll<HTMLInputElement>(`input[name="${name}"]:checked`)].map((b) => b.value);

/** The verification tier the moderator ticked, or nothing when no kind of document is ticked. */
function readVerification(): { documentKinds: string[] } | undefined {
  const documentKinds = checked('verification-documentKinds');
  return documentKinds.length > 0 ? { documentKinds } : undefined;
}

function readFacets(version: Account['v']) {
  const optional = (id: string) => element<HTMLSelectElement>(id).value || undefined;
  const chosenConditions: Record<string, string> = {};
  for (const select of document.querySelectorAll<HTMLSelectElement>('select[data-condition]')) {
    if (select.value) chosenConditions[select.dataset.condition!] = select.value;
  }
  const chosenFacts: Record<string, string> = {};
  for (const select of document.querySelectorAll<HTMLSelectElement>('select[data-fact]')) {
    if (select.value && Number(select.dataset.since) <= version) chosenFacts[select.dataset.fact!] = select.value;
  }
  const halfYear = element<HTMLInputElement>('facet-halfYear').value.trim();
  return {
    accountVersion: version,
    ...(version >= 2 ? { facts: chosenFacts, ...(halfYear ? { halfYear } : {}) } : {}),
    ...(optional('facet-role') ? { role: optional('facet-role') } : {}),
    platforms: checked('facet-platforms'),
    taskTypes: checked('facet-taskTypes'),
    ...(optional('facet-payBand') ? { payBand: optional('facet-payBand') } : {}),
    ...(optional('facet-hoursBand') ? { hoursBand: optional('facet-hoursBand') } : {}),
    conditions: chosenConditions,
    consent: element<HTMLSelectElement>('facet-consent').value,
  };
}

function toggleStoryFields() {
  const quoting = element<HTMLSelectElement>('facet-consent').value === 'quote';
  const fields = element<HTMLFieldSetElement>('story-fields');
  fields.disabled = !quoting;
  fields.hidden = !quoting;
}

// A reply's files, opened once per page: the timeline is drawn again after every action.
const openedReplyFiles = new Map<string, HTMLUListElement>();

/** The timeline: the source's messages (with any files) and the team's questions, all opened with the intake keys. */
function showMessages(sodium: SodiumSumo, submission: SubmissionView, ring: IntakeKeyring) {
  const s = asSodium(sodium);
  const open = (ciphertext: string) => openMessageWithAnyKey(s, fromBase64(s, ciphertext), ring.keys.values()).body;
  const items = submission.messages.map((message) => {
    const item = document.createElement('li');
    item.className = message.direction === 'from_source' ? 'from-source' : 'to-source';
    const who = document.createElement('strong');
    const text = document.createElement('span');
    if (message.direction === 'from_source') {
      who.textContent = consoleWord('submission.sourceAnswered', { day: message.sentOn });
      const opened = openMessageWithAnyKey(s, fromBase64(s, message.ciphertext), ring.keys.values());
      text.textContent = opened.body;
      if (opened.attachments) {
        const files = openedReplyFiles.get(message.id) ?? replyFilesList(s, opened.attachments, submission.id, message.id);
        openedReplyFiles.set(message.id, files);
        item.append(who, text, files);
        return item;
      }
    } else if (message.intakeCiphertext) {
      who.textContent = consoleWord('submission.teamAsked', { day: message.sentOn });
      text.textContent = open(message.intakeCiphertext);
    } else {
      who.textContent = consoleWord('submission.teamAskedOld', { day: message.sentOn });
      text.textContent = consoleWord('submission.sealedToSourceOnly');
    }
    item.append(who, text);
    return item;
  });
  if (items.length === 0) {
    const none = document.createElement('li');
    none.textContent = consoleWord('submission.noMessages');
    items.push(none);
  }
  element('messages').replaceChildren(...items);
}

export function initSubmission(): void {
  const root = element('submission');
  const id = root.dataset.submissionId!;
  const defaultAttributions = JSON.parse(root.dataset.defaultAttributions ?? '{}') as Record<string, string>;
  const status = element('submission-status');
  const decisionStatus = element('decision-status');
  element('submission-name').textContent = id.slice(0, 8);
  keepWorkAcrossSessions();

  void (async () => {
    let sodium: SodiumSumo;
    let submission: SubmissionView;
    let account: Account;
    let withdrawalTag: string | undefined;
    let ring: IntakeKeyring;
    let watchList: string[] = [];
    try {
      sodium = await sodiumReady;
      ring = await unlockIntakeKeys(sodium);
      submission = await api<SubmissionView>(`/mod/api/submissions/${id}`);
      element('received-on').textContent = submission.receivedOn;
      if (!submission.envelope) {
        say(status, consoleWord('submission.ciphertextDeleted'));
        return;
      }
      const intakeKey: BoxKeyPair | undefined = ring.keys.get(submission.intakeKeyId);
      if (!intakeKey) throw new Error(consoleWord('submission.noIntakeKey'));
      const started = performance.now();
      // Checked as the form checks it: version 1 or 2, every facet in its vocabulary.
      const opened = openAccount(asSodium(sodium), fromBase64(asSodium(sodium), submission.envelope), intakeKey);
      account = readAccount(opened);
      const tag = withdrawalTagOf(asSodium(sodium), opened);
      withdrawalTag = tag && toBase64(asSodium(sodium), tag);
      root.dataset.decryptMs = String(Math.round(performance.now() - started));
      watchList = await openWatchList(sodium, ring);
      showAccount(account, watchList);
      showMessages(sodium, submission, ring);
      // The duplicate marker's key comes from the oldest intake key (the list is newest first): the same for every moderator, across rotations.
      setEvidenceContext({ sodium: asSodium(sodium), accountPlatforms: account.platforms, markerIntakeKey: [...ring.keys.values()].at(-1)?.privateKey });
      void showAttachments(asSodium(sodium), opened, id);
      say(status, '');
      element('account-view').hidden = false;
      element('review-bar').hidden = false;
    } catch (error) {
      say(status, describeError(error, consoleWord('submission.cannotOpen')));
      return;
    }

    const marks = new DraftMarks(
      element<HTMLTextAreaElement>('story-body'),
      element('identifier-list'),
      element('marks-summary'),
      () => element<HTMLInputElement>('redaction-replacement').value,
      watchList,
    );
    const draft = new DraftKeeper(sodium, await moderatorKeysForTab(sodium), `submission:${id}`, element('decisions'), marks);
    let prefilled = false;
    let attributionChosen = false;

    const previewPublication = async () => {
      if (element<HTMLSelectElement>('facet-consent').value !== 'quote') return;
      try {
        const preview = await api<PublicationPreview>('/mod/api/publication-preview', 'POST', {
          facets: readFacets(account.v),
          attributionLabel: element<HTMLSelectElement>('story-attribution').value,
        });
        renderPublication(element('publication-attribution'), element('publication-tags'), preview);
      } catch (error) {
        say(element('publication-attribution'), describeError(error, consoleWord('submission.cannotCompute')));
      }
    };

    const followRole = () => {
      if (attributionChosen) return;
      const role = element<HTMLSelectElement>('facet-role').value;
      element<HTMLSelectElement>('story-attribution').value = defaultAttributions[role] ?? 'industry_insider';
    };

    /** Re-renders what depends on the submission's state: status, claim, and whether this moderator may decide. */
    const render = (view: SubmissionView) => {
      submission = view;
      element('current-status').textContent = view.statusText;
      const mine = view.claim !== null && view.claim.id === root.dataset.moderatorId;
      const open = isUndecided(view.status);
      element('claim-text').textContent = !open
        ? consoleWord('submission.decided')
        : view.claim === null
          ? consoleWord('submission.nobodyReviewing')
          : mine
            ? consoleWord('submission.youReviewing')
            : consoleWord('submission.handleReviewing', { handle: view.claim.handle });
      element('start-review').hidden = !open || view.claim !== null;
      element('take-over').hidden = !open || view.claim === null || mine;
      if (view.claim && !mine) element('take-over').textContent = consoleWord('submission.takeOverFrom', { handle: view.claim.handle });
      element('release-claim').hidden = !open || !mine;
      element('decisions').hidden = !open || !mine;
      showMessages(sodium, view, ring);
      if (open && mine && !prefilled) {
        prefilled = true;
        prefillFacets(account);
        // What the moderator typed before a reload or a new login comes back as they left it.
        if (draft.restore()) {
          attributionChosen = true;
          say(decisionStatus, consoleWord('submission.draftBack'));
        }
        draft.watch();
        toggleStoryFields();
        followRole();
        marks.refresh();
        void previewPublication();
      }
    };
    render(submission);

    const act = (work: () => Promise<SubmissionView | string>) => {
      void work().then(
        (result) => {
          if (typeof result === 'string') say(decisionStatus, result);
          else {
            say(decisionStatus, '');
            render(result);
          }
        },
        (error: unknown) => say(decisionStatus, describeError(error, consoleWord('common.failed'))),
      );
    };
    const refreshed = () => api<SubmissionView>(`/mod/api/submissions/${id}`);

    element('start-review').addEventListener('click', () => act(() => api<SubmissionView>(`/mod/api/submissions/${id}/claim`, 'POST', {})));
    // Deliberate: the button names whom it takes the review from, and the audit log records it.
    element('take-over').addEventListener('click', () => act(() => api<SubmissionView>(`/mod/api/submissions/${id}/claim`, 'POST', { takeOver: true })));
    element('release-claim').addEventListener('click', () => act(() => api<SubmissionView>(`/mod/api/submissions/${id}/release`, 'POST', {})));

    element('facet-consent').addEventListener('change', () => {
      toggleStoryFields();
      void previewPublication();
    });
    element('facet-role').addEventListener('change', () => {
      followRole();
      void previewPublication();
    });
    element('story-attribution').addEventListener('change', () => {
      attributionChosen = true;
      void previewPublication();
    });
    element('facets').addEventListener('change', () => void previewPublication());
    element('redact-all').addEventListener('click', () => marks.redactAllUnresolved());
    element('use-narrative').addEventListener('click', () => {
      element<HTMLTextAreaElement>('story-body').value = account.narrative;
      marks.refresh();
    });

    const decide = (form: string, work: () => Promise<string>) =>
      element<HTMLFormElement>(form).addEventListener('submit', (event) => {
        event.preventDefault();
        act(async () => {
          const message = await work();
          if (form !== 'question-form') draft.drop();
          const view = await refreshed();
          render(view);
          return message;
        });
      });

    decide('accept-form', async () => {
      const facets = readFacets(account.v);
      const quoting = facets.consent === 'quote' && element<HTMLInputElement>('story-title').value.trim() !== '';
      const report = marks.report();
      if (quoting) {
        const refusal = unresolvedRefusal(report);
        if (refusal) {
          element('identifier-list').querySelector<HTMLElement>('li.unresolved button')?.focus();
          throw new Error(refusal);
        }
      }
      const story = quoting
        ? {
            title: element<HTMLInputElement>('story-title').value.trim(),
            body: element<HTMLTextAreaElement>('story-body').value,
            pullQuotes: element<HTMLTextAreaElement>('story-quotes')
              .value.split('\n')
              .map((q) => q.trim())
              .filter(Boolean),
            attributionLabel: element<HTMLSelectElement>('story-attribution').value,
            identifierMarks: report,
          }
        : undefined;
      const verification = readVerification();
      const signedEmail = chosenSignedEmail();
      // The receipt's withdrawal tag, copied from the sealed account: what a withdrawal finds the account and story by.
      await api(`/mod/api/submissions/${id}/accept`, 'POST', {
        facets,
        ...(story ? { story } : {}),
        ...(verification ? { verification } : {}),
        ...(signedEmail ? { signedEmail } : {}),
        ...(withdrawalTag ? { withdrawalTag } : {}),
      });
      return story ? consoleWord('submission.acceptedStory') : consoleWord('submission.acceptedStatistics');
    });
    decide('question-form', async () => {
      const question = element<HTMLTextAreaElement>('question-text').value.trim();
      if (!question) throw new Error(consoleWord('submission.writeQuestion'));
      const team = ring.currentId ? ring.keys.get(ring.currentId) : undefined;
      if (!team) throw new Error(consoleWord('submission.noTeamKey'));
      // A withdrawn submission keeps no reply key (and takes no question).
      if (!submission.replyPublicKey) throw new Error(consoleWord('submission.sourceWithdrew'));
      const s = asSodium(sodium);
      const seal = (publicKey: Uint8Array) => toBase64(s, sealMessage(s, question, publicKey));
      await api(`/mod/api/submissions/${id}/question`, 'POST', {
        ciphertext: seal(fromBase64(s, submission.replyPublicKey)),
        intakeCiphertext: seal(team.publicKey),
      });
      element<HTMLTextAreaElement>('question-text').value = '';
      return consoleWord('submission.questionSent');
    });
    decide('reject-form', async () => {
      const reason = element<HTMLTextAreaElement>('reject-reason').value.trim();
      if (!reason) throw new Error(consoleWord('submission.giveReason'));
      await api(`/mod/api/submissions/${id}/reject`, 'POST', { reason });
      return consoleWord('submission.rejected');
    });
  })();
}

// The page's own bundle entry (scripts/build.mjs).
startPage('mod-submission', initSubmission);
