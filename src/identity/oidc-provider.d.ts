// oidc-provider ships no type declarations. This covers only the surface the development IdP
// uses, so the compiler still checks our side of the boundary.

declare module 'oidc-provider' {
  type NodeHandler = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void;

  export class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    readonly issuer: string;
    callback(): NodeHandler;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }

  export const errors: {
    InvalidTarget: new (description?: string) => Error;
    InvalidScope: new (description?: string, scope?: string) => Error;
  };

  export default Provider;
}
