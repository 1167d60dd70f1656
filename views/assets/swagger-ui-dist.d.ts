// The part of Swagger UI's options that views/assets/api-docs.ts uses (swagger-ui-dist ships no types).
declare module 'swagger-ui-dist/swagger-ui-es-bundle.js' {
  interface SwaggerUIOptions {
    url: string;
    domNode: HTMLElement;
    layout?: 'BaseLayout' | 'StandaloneLayout';
    validatorUrl?: string | null;
    deepLinking?: boolean;
    supportedSubmitMethods?: readonly ('get' | 'put' | 'post' | 'delete' | 'options' | 'head' | 'patch' | 'trace')[];
  }
  const SwaggerUI: (options: SwaggerUIOptions) => unknown;
  export default SwaggerUI;
}
