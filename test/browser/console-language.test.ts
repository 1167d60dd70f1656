// The console in Spanish in Chromium (issue 31): a moderator chooses Español on the passkeys page
// and every console page then reads in Spanish, with none of the console's English words left;
// an invitee whose browser asks for Spanish enrols in Spanish, and a refusal the page's own
// script raises (the demo passphrase) comes in Spanish from the words the page carries.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSPHRASE } from '../../common/moderation/demo-passphrase.js';
import { readCatalogueFiles } from '../../server/i18n/catalogue.js';
import { errorMessage } from '../../server/i18n/error-messages.js';
import { inviteModerator } from '../../server/moderation/team-service.js';
import { appAndChromium, chromiumAvailable, moderatorTab } from '../support/browser.js';
import { enrolViaApi, logInViaApi } from '../support/moderation.js';
import { submitAsSource } from '../support/followup.js';
import { sampleAccount } from '../support/intake.js';
import { currentIntakeKey } from '../../server/intake/service.js';

type Tree = { [key: string]: string | Tree };
const flatten = (tree: Tree): string[] => Object.values(tree).flatMap((value) => (typeof value === 'string' ? [value] : flatten(value)));

/** The console's English sentences and labels, as a reader would see them (placeholders and markup cut out). */
const englishWords = flatten(readCatalogueFiles().en!.moderation as Tree)
  .flatMap((words) => words.split(/\{\{\w+\}\}|<[^>]+>/))
  .map((part) => part.trim())
  .filter((part) => part.length >= 12);

async function englishLeftOn(page: Page): Promise<string[]> {
  const text = await page.locator('body').innerText();
  return englishWords.filter((words) => text.includes(words));
}

describe.skipIf(!chromiumAvailable)('the console in the language a moderator chose', () => {
  const env = appAndChromium();

  it('a moderator chooses Español on the passkeys page; the console then reads in Spanish', async () => {
    const { t, browser } = env;
    await enrolViaApi(t.app, t.database.db, 'alice', 'administrator', { createIntakeKey: true });
    const alice = await logInViaApi(t.app, 'alice', 'alice lantern orbit meadow', t.origin);
    const page = await moderatorTab(browser, alice, t.origin);
    try {
      await page.goto(`${t.origin}/mod/passkeys`);
      await page.getByRole('heading', { name: 'Passkeys', level: 1 }).waitFor();
      await page.getByLabel('Language', { exact: true }).selectOption({ label: 'Español' });
      await page.getByRole('button', { name: 'Save the language' }).click();
      await page.getByRole('heading', { name: 'Llaves de acceso', level: 1 }).waitFor();
      expect(await page.getByLabel('Idioma', { exact: true }).inputValue()).toBe('es');

      for (const [path, heading] of [
        ['/mod', 'Cola'],
        ['/mod/passkeys', 'Llaves de acceso'],
        ['/mod/stories', 'Historias'],
        ['/mod/team', 'Equipo'],
        ['/mod/audit', 'Registro de auditoría'],
      ] as const) {
        await page.goto(`${t.origin}${path}`);
        await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
        expect(await englishLeftOn(page), path).toEqual([]);
      }
      await page.goto(`${t.origin}/mod`);
      await page.getByLabel('Tomado por').waitFor();
      await page.getByRole('button', { name: 'Mostrar' }).waitFor();
      await page.getByText('No hay nada programado para borrarse.').waitFor();

      // A submission, opened and claimed: the page script's words (claim, marks, facts) are Spanish too.
      const { submissionId } = await submitAsSource(
        t.app,
        t.database.db,
        (await currentIntakeKey(t.database.db))!,
        sampleAccount({ quotable: 'Dana Whitfield rated answers all night.', consent: 'quote' }),
      );
      await page.goto(`${t.origin}/mod`);
      await page.getByRole('cell', { name: 'recibido' }).waitFor();
      await page.getByRole('link', { name: `Envío ${submissionId.slice(0, 8)}` }).click();
      await page.getByRole('button', { name: 'Empezar la revisión' }).click();
      await page.getByTestId('claim-text').filter({ hasText: 'lo estás revisando tú' }).waitFor();
      await page.getByTestId('current-status').filter({ hasText: 'en revisión' }).waitFor();
      await page.getByTestId('marks-summary').filter({ hasText: 'marcas sin resolver' }).waitFor();
      expect(await englishLeftOn(page), 'submission page').toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  it('an invitee whose browser asks for Spanish enrols in Spanish, refusals from the page script included', async () => {
    const { t, browser } = env;
    const { token } = await inviteModerator(t.database.db, { handle: 'carla', role: 'moderator' }, 'operator');
    const context = await browser.newContext({ locale: 'es-MX', viewport: { width: 1280, height: 900 } });
    try {
      const page = await context.newPage();
      await page.goto(`${t.origin}/mod/enrol/${token}`);
      await page.getByRole('heading', { name: 'Únete al equipo de moderación', level: 1 }).waitFor();
      await page.getByLabel('Frase de contraseña', { exact: true }).fill(DEMO_PASSPHRASE);
      await page
        .locator('#passphrase-strength')
        .getByText(errorMessage('demo_passphrase', undefined, 'es'))
        .waitFor();
      expect(await englishLeftOn(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
