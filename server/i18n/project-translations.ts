// What `npm run i18n:check` checks in this repository: the catalogues under locales/, the files
// that name keys, and the templates that must hold no English outside {{t}}.
import path from 'node:path';
import { LANGUAGES } from '../../common/languages.js';
import { filesUnder, type CheckInput } from './translation-check.js';

/** Keys code builds at run time, by error code or vocabulary key: a prefix covers them all. */
export const DYNAMIC_KEY_PREFIXES = [
  'errors:',
  'vocabulary:',
  'statistics:',
  'receipt:',
  '*:errors.',
  '*:vocabulary.',
  'status:states.',
  'status:events.',
  'evidence:panel.',
  'evidence:dkimFailure.',
  'press:questionStatus.',
  'moderation:script.',
  'moderation:titles.',
  'scorecard:questions.',
  'scorecard:cell.',
];

/** Shown as they are in every language: the site's name, formats, and the languages' own names. */
export const UNTRANSLATABLE_WORDS = ['Offscript', 'CSV', 'JSON', 'PDF', 'Atom', 'OpenAPI'];

export function projectCheckInput(root: string): CheckInput {
  const templates = filesUnder(path.join(root, 'views'), ['.hbs']);
  return {
    localesDir: path.join(root, 'locales'),
    languages: LANGUAGES,
    sourceFiles: [...templates, ...['server', 'common', 'views/assets', 'scripts'].flatMap((dir) => filesUnder(path.join(root, dir), ['.ts']))],
    templateFiles: templates,
    dynamicKeyPrefixes: DYNAMIC_KEY_PREFIXES,
    untranslatableWords: UNTRANSLATABLE_WORDS,
  };
}
