// What a story publishes besides its text: the attribution and the tags, under the K_MIN rule
// (DESIGN §6). The release and the console's preview both ask this module, so that what the
// second reviewer approves is computed exactly as the release computes it.
import type { PublicTags } from '../db/schema.js';
import { publishedCount } from './disclosure.js';
import { attributionToPublish, type FacetTallies } from './statistics.js';

export interface AccountFacetsForTags {
  role: string | null;
  platforms: string[];
  task_types: string[];
  conditions: Record<string, string>;
}

export interface StoryPublication {
  /** The attribution label's key as it would be published. */
  attribution: string;
  tags: PublicTags;
}

function shared(values: readonly string[] | undefined, tally: Map<string, number>, kMin: number): string[] {
  return (values ?? []).filter((v) => (publishedCount(tally.get(v) ?? 0, kMin) ?? 0) > 0);
}

export function publicTagsFor(account: AccountFacetsForTags, facets: FacetTallies, kMin: number): PublicTags {
  return {
    platforms: shared(account.platforms, facets.platforms, kMin),
    roles: shared(account.role ? [account.role] : [], facets.roles, kMin),
    taskTypes: shared(account.task_types, facets.taskTypes, kMin),
    conditions: shared(
      Object.entries(account.conditions)
        .filter(([, answer]) => answer === 'yes')
        .map(([condition]) => condition),
      facets.conditionsYes,
      kMin,
    ),
  };
}

export function storyPublication(account: AccountFacetsForTags, attributionLabel: string, facets: FacetTallies, kMin: number): StoryPublication {
  return { attribution: attributionToPublish(attributionLabel, facets, kMin), tags: publicTagsFor(account, facets, kMin) };
}

const TAG_KINDS = ['platforms', 'roles', 'taskTypes', 'conditions'] as const satisfies readonly (keyof PublicTags)[];

/** Whether two publications are the same (tag order aside). */
export function samePublication(a: StoryPublication, b: StoryPublication): boolean {
  const sorted = (tags: PublicTags, kind: (typeof TAG_KINDS)[number]) => [...(tags[kind] ?? [])].sort().join('\u0000');
  return a.attribution === b.attribution && TAG_KINDS.every((kind) => sorted(a.tags, kind) === sorted(b.tags, kind));
}
