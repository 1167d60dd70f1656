// The API reference page (/api/docs): Swagger UI from swagger-ui-dist, bundled and served from
// our own origin like every other script; it reads the OpenAPI document from the same origin.
import './api-docs-trusted-types.js';
import SwaggerUI from 'swagger-ui-dist/swagger-ui-es-bundle.js';

const target = document.getElementById('swagger-ui');
if (target) {
  SwaggerUI({
    url: target.dataset.documentUrl ?? '/api/docs/json',
    domNode: target,
    // The standalone layout's top bar loads any URL typed into it and draws a logo whose inline
    // <style> the CSP refuses; the base layout shows the document alone.
    layout: 'BaseLayout',
    // Never send the document to an outside validator.
    validatorUrl: null,
    // Deep links put a link inside each operation's toggle button (nested controls, for axe and
    // for screen readers alike).
    deepLinking: false,
    // The public API is read-only: "Try it out" only for GET.
    supportedSubmitMethods: ['get'],
  });
}

// Swagger UI draws an enum parameter (such as ?lang=) as a <select> with no accessible name; name
// each after its parameter, now and whenever Swagger UI draws one anew.
function nameParameterSelects(root: HTMLElement): void {
  for (const select of root.querySelectorAll<HTMLSelectElement>('.parameters-col_description select:not([aria-label])')) {
    const name = select
      .closest('tr')
      ?.querySelector('.parameter__name')
      ?.textContent?.replace(/\s*\*.*$/, '')
      .trim();
    if (name) select.setAttribute('aria-label', name);
  }
}
if (target) {
  nameParameterSelects(target);
  new MutationObserver(() => nameParameterSelects(target)).observe(target, { childList: true, subtree: true });
}
