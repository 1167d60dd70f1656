// Trusted Types are enforced on every page (CSP require-trusted-types-for 'script'). Swagger UI
// renders the document's Markdown through React's innerHTML, so this page, and only this page,
// names a "default" policy that lets HTML in only after DOMPurify has cleaned it. It creates no
// script or script-URL policy: those sinks stay closed. Imported before Swagger UI evaluates.
/// <reference types="trusted-types" />
import DOMPurify from 'dompurify';

window.trustedTypes?.createPolicy('default', { createHTML: (html: string) => DOMPurify.sanitize(html) });
