// A story draft: second review (approve exactly what would be published, or send it back) and
// its author's revision. After each action the page fetches the story's state and re-renders.
import type { ApprovedPublication, StoryStateView } from '../../../common/moderation/publication-view.js';
import { api, element, moderatorKeysForTab, say, sodiumReady, unlockIntakeKeys } from './console.js';
import { DraftKeeper } from './draft-keeper.js';
import { keepWorkAcrossSessions } from './session-keys.js';
import { describeError } from '../error-words.js';
import { DraftMarks, unresolvedRefusal } from './identifier-marks.js';
import { renderPublication } from './publication.js';
import { openWatchList } from './watch-list.js';
import { startPage } from './page-start.js';
import { consoleWord } from './console-words.js';

export function initStory(): void {
  const article = document.querySelector<HTMLElement>('article.story');
  if (!article) return;
  const id = article.dataset.storyId!;
  const status = element('review-status');
  const publicationSection = element('publication');
  // What this page shows would be published: approval is refused if that is no longer so.
  let seen = JSON.parse(publicationSection.dataset.publication ?? 'null') as ApprovedPublication | null;

  const render = (state: StoryStateView) => {
    element('story-status').textContent = state.statusText;
    element('review-note').hidden = state.reviewNote === null;
    element('review-note-text').textContent = state.reviewNote ?? '';
    renderPublication(element('publication-attribution'), element('publication-tags'), state.publication);
    seen = state.publication.publication;
    const review = document.getElementById('review');
    if (review) review.hidden = !state.canReview;
    const revise = document.getElementById('revise-form');
    if (revise) revise.hidden = !state.canRevise;
  };
  const act = (work: () => Promise<string>) =>
    void work()
      .then(async (message) => {
        render(await api<StoryStateView>(`/mod/api/stories/${id}/state`));
        say(status, message);
      })
      .catch((error: unknown) => say(status, describeError(error, consoleWord('common.failed'))));

  const approve = document.getElementById('approve-story');
  if (approve) {
    approve.addEventListener('click', () =>
      act(async () => {
        await api(`/mod/api/stories/${id}/approve`, 'POST', seen ? { seen } : {});
        return consoleWord('story.approved');
      }),
    );
    element<HTMLFormElement>('return-form').addEventListener('submit', (event) => {
      event.preventDefault();
      act(async () => {
        await api(`/mod/api/stories/${id}/return`, 'POST', { note: element<HTMLTextAreaElement>('return-note').value.trim() });
        return consoleWord('story.sentBack');
      });
    });
  }
  const revise = document.getElementById('revise-form');
  if (revise) {
    // A revision is a draft like a submission's: kept sealed in the tab, the session renewed in place.
    keepWorkAcrossSessions();
    let draft: DraftKeeper | undefined;
    const marks = new DraftMarks(element<HTMLTextAreaElement>('revise-body'), element('revise-identifier-list'), element('revise-marks-summary'), () => '[redacted]');
    marks.refresh();
    // The watch list needs the intake key; the marks of the other kinds show at once.
    void sodiumReady
      .then(async (sodium) => {
        draft = new DraftKeeper(sodium, await moderatorKeysForTab(sodium), `story:${id}`, revise, marks);
        if (draft.restore()) say(status, consoleWord('story.revisionBack'));
        draft.watch();
        marks.setWatchList(await openWatchList(sodium, await unlockIntakeKeys(sodium)));
      })
      .catch(() => undefined);
    element('revise-redact-all').addEventListener('click', () => marks.redactAllUnresolved());
    revise.addEventListener('submit', (event) => {
      event.preventDefault();
      act(async () => {
        const report = marks.report();
        const refusal = unresolvedRefusal(report);
        if (refusal) throw new Error(refusal);
        await api(`/mod/api/stories/${id}/revise`, 'POST', {
          title: element<HTMLInputElement>('revise-title').value.trim(),
          body: element<HTMLTextAreaElement>('revise-body').value,
          pullQuotes: element<HTMLTextAreaElement>('revise-quotes')
            .value.split('\n')
            .map((q) => q.trim())
            .filter(Boolean),
          attributionLabel: element<HTMLSelectElement>('revise-attribution').value,
          identifierMarks: report,
        });
        draft?.drop();
        return consoleWord('story.resubmitted');
      });
    });
  }
}

// The page's own bundle entry (scripts/build.mjs).
startPage('mod-story', initStory);
