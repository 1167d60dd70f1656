import { describe, expect, it } from 'vitest';
import { translate } from '../../server/i18n/catalogue.js';

describe('the translation catalogue', () => {
  it('renders a key in each language, with placeholders filled', () => {
    expect(translate('en', 'common:nav.logOut', { handle: 'ana' })).toBe('Log out ana');
    expect(translate('es', 'common:nav.logOut', { handle: 'ana' })).toBe('Cerrar sesión de ana');
    expect(translate('pt-BR', 'common:nav.home')).toBe('Início');
  });

  it('does not escape (Handlebars escapes what a helper returns)', () => {
    expect(translate('en', 'common:nav.logOut', { handle: '<b>' })).toBe('Log out <b>');
  });
});
