// The language a request is answered in (issue 31). Public and source pages set no cookie, so it
// comes from the path (/es/…, /pt-BR/…); everything that renders words reads request.language.
import type { FastifyInstance } from 'fastify';
import { SOURCE_LANGUAGE, type Language } from '../../common/languages.js';
import { registerPathLanguage } from './path-language.js';

declare module 'fastify' {
  interface FastifyRequest {
    language: Language;
  }
}

export function registerRequestLanguage(app: FastifyInstance): void {
  app.decorateRequest('language', SOURCE_LANGUAGE);
  registerPathLanguage(app);
}
