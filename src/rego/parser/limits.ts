// Bounds that keep hostile policy text from crashing or stalling the compiler: the proxy compiles
// policies at start and on hot reload, so a bad file must fail fast with a ParseError.

export interface ParseLimits {
  /** Largest accepted source, in UTF-8 bytes. */
  readonly maxBytes: number;
  /** Deepest nesting of terms, bodies and parentheses before giving up (never a stack overflow). */
  readonly maxDepth: number;
  /** Most tokens accepted per source text. */
  readonly maxTokens: number;
  /** Errors collected before parsing stops. */
  readonly maxErrors: number;
}

export const DEFAULT_LIMITS: ParseLimits = {
  maxBytes: 1 << 20,
  maxDepth: 256,
  maxTokens: 250_000,
  maxErrors: 10,
};

export type ParseOptions = Partial<ParseLimits>;

export function resolveLimits(options: ParseOptions | undefined): ParseLimits {
  return { ...DEFAULT_LIMITS, ...options };
}
