// What a draft would publish now besides its text (DESIGN §6: what the second reviewer approves
// is what is published): the attribution and tags from the release's own function, in words,
// with the reason for each fallback.
import type { Kysely } from 'kysely';
import type { Database, PublicTags } from '../db/schema.js';
import { facetsForStories } from '../publishing/release.js';
import { storyPublication, type AccountFacetsForTags, type StoryPublication } from '../publishing/story-publication.js';
import { attributionLabels, conditions, fallbackReason, platforms, roles, taskTypes } from '../../common/vocabulary.js';
import type { PublicationPreview } from '../../common/moderation/publication-view.js';

const TAG_VOCABULARIES = { platforms, roles, taskTypes, conditions } as const;

/** The account's facets that could become tags: conditions only when answered yes. */
function candidateTags(account: AccountFacetsForTags): Required<PublicTags> {
  return {
    platforms: account.platforms,
    roles: account.role ? [account.role] : [],
    taskTypes: account.task_types,
    conditions: Object.entries(account.conditions)
      .filter(([, answer]) => answer === 'yes')
      .map(([condition]) => condition),
  };
}

export function describePublication(account: AccountFacetsForTags, chosenLabel: string, publication: StoryPublication, kMin: number): PublicationPreview {
  const reason = fallbackReason(kMin);
  const candidates = candidateTags(account);
  const tags = (Object.keys(TAG_VOCABULARIES) as (keyof typeof TAG_VOCABULARIES)[]).flatMap((kind) =>
    candidates[kind].map((key) => {
      const published = (publication.tags[kind] ?? []).includes(key);
      return { kind, key, label: TAG_VOCABULARIES[kind].labelOf(key), published, reason: published ? null : reason };
    }),
  );
  const fellBack = publication.attribution !== chosenLabel;
  return {
    chosenAttribution: chosenLabel,
    attribution: publication.attribution,
    attributionText: attributionLabels.labelOf(publication.attribution),
    attributionReason: fellBack ? `“${attributionLabels.labelOf(chosenLabel)}” falls back: ${reason}` : null,
    publication: { attribution: publication.attribution, tags: publication.tags },
    tags,
  };
}

/**
 * The publication now: decided, as the release decides it, on the latest statistics refresh's
 * noisy counts (never exact ones), so a draft's own account does not change it until a refresh.
 */
export async function previewPublication(db: Kysely<Database>, kMin: number, account: AccountFacetsForTags, attributionLabel: string): Promise<PublicationPreview> {
  const { facets, showFrom } = await facetsForStories(db, kMin);
  return describePublication(account, attributionLabel, storyPublication(account, attributionLabel, facets, showFrom), kMin);
}
