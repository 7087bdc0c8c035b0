/**
 * Bounds on one GraphQL operation, checked before it is validated, compiled or run, on HTTP and
 * WebSocket alike (OperationGuard).
 */
export interface OperationLimits {
  /** Deepest field nesting, fragments expanded; introspection's `__schema` does not count. (Default: 10; `GRAPHQL_MAX_DEPTH`) */
  maxDepth: number;
  /** Aliased fields, fragments expanded, `__typename` excepted. (Default: 15; `GRAPHQL_MAX_ALIASES`) */
  maxAliases: number;
  /** Directives used, fragments expanded. (Default: 10; `GRAPHQL_MAX_DIRECTIVES`) */
  maxDirectives: number;
  /** Lexical tokens in the document (names, punctuation, values). (Default: 2000; `GRAPHQL_MAX_TOKENS`) */
  maxTokens: number;
  /** Cost of the operation (see operation-cost.ts), which is also what it spends of the key's rate limit. (Default: 25000; `GRAPHQL_MAX_COST`) */
  maxCost: number;
  /** How long one operation may run before it is answered with OPERATION_TIMEOUT, in ms. (Default: 10000; `GRAPHQL_TIMEOUT_MS`) */
  timeoutMs: number;
}

export const DEFAULT_OPERATION_LIMITS: OperationLimits = {
  maxDepth: 10,
  maxAliases: 15,
  maxDirectives: 10,
  maxTokens: 2_000,
  maxCost: 25_000,
  timeoutMs: 10_000,
};

/** The `extensions.limit` of an OPERATION_LIMIT_EXCEEDED error, and the setting behind each. */
export const OPERATION_LIMIT_SETTINGS = {
  depth: "GRAPHQL_MAX_DEPTH",
  aliases: "GRAPHQL_MAX_ALIASES",
  directives: "GRAPHQL_MAX_DIRECTIVES",
  tokens: "GRAPHQL_MAX_TOKENS",
  cost: "GRAPHQL_MAX_COST",
} as const;

export type OperationLimitName = keyof typeof OPERATION_LIMIT_SETTINGS;
