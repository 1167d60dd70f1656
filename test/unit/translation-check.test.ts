// The translation check (issue 31) fails on each kind of fault, shown on fixtures that differ from
// a clean catalogue by one fault each (test/fixtures/i18n/), and passes on this repository.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { projectCheckInput } from '../../server/i18n/project-translations.js';
import { englishInTemplate, runTranslationCheck, type CheckFailure } from '../../server/i18n/translation-check.js';
import { projectRoot } from '../../server/paths.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/i18n/', import.meta.url));

function checkFixture(name: string): CheckFailure[] {
  const dir = path.join(FIXTURES, name);
  return runTranslationCheck({
    localesDir: path.join(dir, 'locales'),
    languages: ['en', 'es', 'pt-BR'],
    sourceFiles: [path.join(dir, 'page.hbs'), path.join(dir, 'code.ts')],
    templateFiles: [path.join(dir, 'page.hbs')],
    dynamicKeyPrefixes: ['site:vocab.'],
    untranslatableWords: ['Offscript'],
  });
}

const summary = (failures: CheckFailure[]) => failures.map(({ kind, where }) => `${kind} ${path.basename(where)}`);

describe('the translation check', () => {
  it('finds nothing in a complete catalogue whose template holds its words in {{t}}', () => {
    expect(checkFixture('good')).toEqual([]);
  });

  it('fails on a key removed from one language', () => {
    expect(summary(checkFixture('removed-key'))).toEqual(['missing-key es site:page.title']);
  });

  it('fails on a key no file names', () => {
    expect(summary(checkFixture('unused-key'))).toEqual(['unused-key site:page.forgotten']);
  });

  it('fails on a placeholder renamed in one language', () => {
    const failures = checkFixture('broken-placeholder');
    expect(summary(failures)).toEqual(['placeholder-mismatch pt-BR site:page.greeting']);
    expect(failures[0]!.detail).toBe('has {{nome}}, English has {{name}}');
  });

  it('fails on a plural form the language needs (Spanish: one, many, other)', () => {
    expect(summary(checkFixture('missing-plural-form'))).toEqual(['missing-plural-form es site:page.count']);
  });

  it('fails on English left in a template, in text and in read attributes', () => {
    const failures = checkFixture('english-in-template');
    expect(failures.map((f) => f.detail)).toEqual(['"Search stories" is not inside {{t}}', '"Read more" is not inside {{t}}']);
  });

  it('reads templates as a person would: comments, code and mustaches are not words', () => {
    expect(englishInTemplate('{{!-- a note --}}<p>{{t "a:b"}}</p><code>npm run x</code><a href="/x" class="button">{{{t "a:c"}}}</a>', [])).toEqual([]);
    expect(englishInTemplate('<p>{{count}} accounts</p><div aria-label="{{title}}, table">', [])).toEqual(['{{…}}, table', '{{…}} accounts']);
  });

  it('passes on this repository: every offered language complete, every key used, no English in a converted template', () => {
    expect(runTranslationCheck(projectCheckInput(projectRoot)).map(({ kind, where, detail }) => `${kind}: ${path.relative(projectRoot, where) || where}: ${detail}`)).toEqual([]);
  });
});
