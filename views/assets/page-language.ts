// The page's language, as the server rendered it into <html lang> (issue 31): what a bundle
// needs to pick a language's data (the receipt's word list) without words of its own.
import { isLanguage, SOURCE_LANGUAGE, type Language } from '../../common/languages.js';

export function pageLanguage(): Language {
  const lang = document.documentElement.lang;
  return isLanguage(lang) ? lang : SOURCE_LANGUAGE;
}
