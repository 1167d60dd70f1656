// The API reference (GET /api/docs, DESIGN §8): the OpenAPI document rendered by Swagger UI in
// the browser, with a plain list of the operations drawn on the server for readers without
// JavaScript. Programs that fetched the document at /api/docs keep getting its JSON there.

/** Whether a request for /api/docs wants the page: its Accept header names HTML (browsers do; programs and curl do not). */
export function wantsApiReferencePage(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((range) => range.split(';')[0]!.trim().toLowerCase() === 'text/html');
}

export interface ApiOperation {
  method: string;
  path: string;
  summary: string;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/** Every documented operation, by path, in the document's order. */
export function apiReferenceOperations(document: { paths?: object }): ApiOperation[] {
  return Object.entries(document.paths ?? {}).flatMap(([path, item]: [string, Partial<Record<string, { summary?: string }>>]) =>
    METHODS.filter((method) => item[method]).map((method) => ({ method: method.toUpperCase(), path, summary: item[method]?.summary ?? '' })),
  );
}
