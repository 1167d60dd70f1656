// The moderation console's browser code: one bundle, one initialiser per page.
import { initAudit } from './moderation/audit.js';
import { initEnrol } from './moderation/enrol.js';
import { initLogin } from './moderation/login.js';
import { initStory } from './moderation/story.js';
import { initSubmission } from './moderation/submission.js';
import { initTeam } from './moderation/team.js';

const pages: Record<string, () => void> = {
  'mod-login': initLogin,
  'mod-enrol': initEnrol,
  'mod-submission': initSubmission,
  'mod-team': initTeam,
  'mod-story': initStory,
  'mod-audit': initAudit,
};

pages[document.body.dataset.page ?? '']?.();
