// The controlled vocabularies of DESIGN §5: the one source of truth for forms, validation,
// moderation facets and public statistics. Keys are stable (stored inside sealed accounts);
// labels are what people read.

export interface Term<K extends string = string> {
  readonly key: K;
  readonly label: string;
}

function vocabulary<const K extends string>(terms: readonly Term<K>[]) {
  return {
    terms,
    keys: terms.map((t) => t.key) as readonly K[],
    // Any string: keys come back from the database and from forms; an unknown one shows as itself.
    labelOf(key: string): string {
      return terms.find((t) => t.key === key)?.label ?? key;
    },
    has(value: unknown): value is K {
      return typeof value === 'string' && terms.some((t) => t.key === value);
    },
  };
}

export const roles = vocabulary([
  { key: 'writer', label: 'Writer' },
  { key: 'showrunner', label: 'Showrunner' },
  { key: 'writers_assistant', label: "Writers' assistant" },
  { key: 'script_coordinator', label: 'Script coordinator' },
  { key: 'story_editor', label: 'Story editor' },
  { key: 'development_executive', label: 'Development executive' },
  { key: 'actor', label: 'Actor' },
  { key: 'vfx_animation', label: 'VFX / animation' },
  { key: 'post_production', label: 'Post-production' },
  { key: 'other', label: 'Other' },
]);

export const platforms = vocabulary([
  { key: 'mercor', label: 'Mercor' },
  { key: 'outlier', label: 'Outlier' },
  { key: 'turing', label: 'Turing' },
  { key: 'scale_remotasks', label: 'Scale AI / Remotasks' },
  { key: 'dataannotation', label: 'DataAnnotation' },
  { key: 'invisible', label: 'Invisible' },
  { key: 'appen', label: 'Appen' },
  { key: 'other', label: 'Other' },
]);

export const taskTypes = vocabulary([
  { key: 'rating_responses', label: 'Rating chatbot responses' },
  { key: 'writing_prompts', label: 'Writing prompts / answers' },
  { key: 'annotation', label: 'Annotation / labelling' },
  { key: 'red_teaming', label: 'Red-teaming / unsafe content' },
  { key: 'image_video_evaluation', label: 'Image / video evaluation' },
  { key: 'other', label: 'Other' },
]);

// Ordered from lowest to highest so that medians of bands are meaningful.
export const payBands = vocabulary([
  { key: 'under_20', label: 'Under $20 an hour' },
  { key: '20_39', label: '$20–39 an hour' },
  { key: '40_59', label: '$40–59 an hour' },
  { key: '60_89', label: '$60–89 an hour' },
  { key: '90_119', label: '$90–119 an hour' },
  { key: '120_150', label: '$120–150 an hour' },
  { key: 'over_150', label: 'Over $150 an hour' },
]);

// DESIGN §5 names an hours band without its bounds; these follow common labour-survey cuts.
export const hoursBands = vocabulary([
  { key: 'under_10', label: 'Under 10 hours a week' },
  { key: '10_19', label: '10–19 hours a week' },
  { key: '20_29', label: '20–29 hours a week' },
  { key: '30_39', label: '30–39 hours a week' },
  { key: '40_49', label: '40–49 hours a week' },
  { key: '50_plus', label: '50 hours a week or more' },
]);

export const conditions = vocabulary([
  { key: 'nda_signed', label: 'I signed a non-disclosure agreement' },
  { key: 'stopped_without_notice', label: 'Work stopped without notice' },
  { key: 'disturbing_content', label: 'I was exposed to disturbing content' },
  { key: 'support_offered', label: 'Support was offered for disturbing content' },
  { key: 'paid_all_time', label: 'I was paid for all the time I worked' },
  { key: 'told_data_use', label: 'I was told how the data is used' },
]);

export const conditionAnswers = vocabulary([
  { key: 'yes', label: 'Yes' },
  { key: 'no', label: 'No' },
  { key: 'unsure', label: 'Not sure' },
]);

export const consents = vocabulary([
  { key: 'quote', label: 'De-identified quotes from my account may be published' },
  { key: 'stats', label: 'Count my account in statistics only; never quote it' },
  { key: 'background', label: 'Moderators may read it as background only; do not publish or count it' },
]);

export type Role = (typeof roles.keys)[number];
export type Platform = (typeof platforms.keys)[number];
export type TaskType = (typeof taskTypes.keys)[number];
export type PayBand = (typeof payBands.keys)[number];
export type HoursBand = (typeof hoursBands.keys)[number];
export type Condition = (typeof conditions.keys)[number];
export type ConditionAnswer = (typeof conditionAnswers.keys)[number];
export type Consent = (typeof consents.keys)[number];

// Coarse attributions for published quotes (DESIGN §6); used only when at least K_MIN
// accepted accounts share the label, else the story falls back to the last one.
export const attributionLabels = vocabulary([
  { key: 'hollywood_writer', label: 'Anonymous Hollywood writer' },
  { key: 'showrunner', label: 'Anonymous showrunner' },
  { key: 'writers_room_staff', label: "Anonymous writers' room staffer" },
  { key: 'film_tv_crew', label: 'Anonymous film and TV crew member' },
  { key: 'performer', label: 'Anonymous performer' },
  { key: 'industry_insider', label: 'Industry insider' },
  { key: 'anonymous_contributor', label: 'Anonymous contributor' },
]);

/** Which former roles a label stands for: the accounts that "share" it (DESIGN §6). */
export const attributionRoles: Record<(typeof attributionLabels.keys)[number], readonly Role[] | 'any'> = {
  hollywood_writer: ['writer', 'showrunner', 'story_editor'],
  showrunner: ['showrunner'],
  writers_room_staff: ['writers_assistant', 'script_coordinator'],
  film_tv_crew: ['vfx_animation', 'post_production'],
  performer: ['actor'],
  industry_insider: 'any',
  anonymous_contributor: 'any',
};

export type AttributionLabel = (typeof attributionLabels.keys)[number];

export const moderatorRoles = vocabulary([
  { key: 'administrator', label: 'Administrator' },
  { key: 'moderator', label: 'Moderator' },
]);
