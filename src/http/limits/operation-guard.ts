import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import { maxDirectivesRule } from "@escape.tech/graphql-armor-max-directives";
import {
  type DocumentNode,
  GraphQLError,
  type GraphQLSchema,
  Lexer,
  Source,
  TokenKind,
  type ValidationRule,
  parse,
  validate,
} from "graphql";
import { type CostCalculator, costDependsOnVariables, createCostCalculator } from "./operation-cost";
import type { OperationLimits } from "../../config";
import { type OperationLimitName, operationLimitError } from "./operation-limit-error";

/** What a client sent: GraphQL-over-HTTP's parameters, or a graphql-ws `subscribe` payload. */
export interface OperationRequest {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

/** Admitted with its cost (what it spends of the key's budget), or refused with typed errors. */
export type Admission = { ok: true; cost: number } | { ok: false; errors: GraphQLError[] };

/** What the guard remembers of a query text. */
interface Checked {
  /** Refused whatever the variables. */
  refusal: GraphQLError[] | null;
  /** Parsed without locations; null when it does not parse (the server reports the syntax error). */
  document: DocumentNode | null;
  /** Whether variables can change the cost (page sizes, `@skip`/`@include`): computed per request then. */
  costVaries: boolean;
  /** Cost per operation name, once computed, when variables cannot change it. */
  costs: Map<string | null, number>;
}

export interface OperationGuardOptions {
  /** Query texts remembered (most recently used first). (Default: 1000) */
  maxCachedDocuments?: number;
  /** Longer query texts are checked every time rather than remembered, in characters. (Default: 16384) */
  maxCachedQueryLength?: number;
}

/**
 * Checks an operation against the OperationLimits before anything else parses, validates,
 * compiles or runs it — the same checks for HTTP and WebSocket. Every check is linear in the
 * document (fragments are expanded with memoisation, the cost walk is bounded), so a hostile
 * document costs at most maxTokens of work. A query text's verdict is remembered: a client
 * sending the same operation again pays a map lookup (and, when variables set page sizes, the
 * cost walk).
 *
 * A document that does not parse for another reason than its size is admitted at cost 1: the
 * GraphQL server answers it with its own syntax error.
 */
export class OperationGuard {
  private readonly cache = new Map<string, Checked>();
  private readonly rules: ValidationRule[];
  private readonly costOf: CostCalculator;
  private readonly maxCached: number;
  private readonly maxCachedLength: number;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly limits: OperationLimits,
    options: OperationGuardOptions = {},
  ) {
    this.maxCached = options.maxCachedDocuments ?? 1_000;
    this.maxCachedLength = options.maxCachedQueryLength ?? 16_384;
    this.costOf = createCostCalculator(schema);
    const refuse = (limit: OperationLimitName, maximum: number) => ({
      n: maximum,
      propagateOnRejection: false,
      onReject: [
        (context: { reportError(error: GraphQLError): void } | null, error: GraphQLError) =>
          context?.reportError(operationLimitError(limit, maximum, found(error))),
      ],
    });
    this.rules = [
      maxDepthRule(refuse("depth", limits.maxDepth)),
      // Every alias counts, `__typename`'s too: each is one more entry in the answer.
      maxAliasesRule({ ...refuse("aliases", limits.maxAliases), allowList: [] }),
      maxDirectivesRule(refuse("directives", limits.maxDirectives)),
    ];
  }

  admit(request: OperationRequest): Admission {
    const checked = this.check(request.query);
    if (checked.refusal) return { ok: false, errors: checked.refusal };
    const operationName = request.operationName ?? null;
    let cost = checked.costs.get(operationName);
    if (cost === undefined) {
      if (!checked.document) return { ok: true, cost: 1 };
      const result = this.costOf(checked.document, operationName, request.variables ?? {});
      if ("tooLarge" in result) return { ok: false, errors: [operationLimitError("cost", this.limits.maxCost)] };
      if ("invalidVariables" in result) return { ok: true, cost: 1 };
      cost = result.cost;
      if (!checked.costVaries) {
        checked.costs.set(operationName, cost);
        if (checked.costs.size > 8) checked.costs.delete(checked.costs.keys().next().value!);
      }
    }
    if (cost > this.limits.maxCost) return { ok: false, errors: [operationLimitError("cost", this.limits.maxCost, cost)] };
    return { ok: true, cost: Math.max(cost, 1) };
  }

  private check(query: string): Checked {
    const cached = this.cache.get(query);
    if (cached) {
      // Most recently used last: the map's first key is the one to evict.
      this.cache.delete(query);
      this.cache.set(query, cached);
      return cached;
    }
    const checked = this.checkUncached(query);
    if (query.length <= this.maxCachedLength) {
      this.cache.set(query, checked);
      if (this.cache.size > this.maxCached) this.cache.delete(this.cache.keys().next().value!);
    }
    return checked;
  }

  private checkUncached(query: string): Checked {
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: this.limits.maxTokens, noLocation: true });
    } catch {
      const tokens = countTokens(query, this.limits.maxTokens);
      const refusal = tokens > this.limits.maxTokens ? [operationLimitError("tokens", this.limits.maxTokens)] : null;
      return { refusal, document: null, costVaries: false, costs: new Map() };
    }
    const errors = validate(this.schema, document, this.rules);
    if (errors.length > 0) return { refusal: [...errors], document: null, costVaries: false, costs: new Map() };
    return { refusal: null, document, costVaries: costDependsOnVariables(document), costs: new Map() };
  }
}

/** The count graphql-armor's rules report ("…, found 14."), when they do. */
function found(error: GraphQLError): number | undefined {
  const match = /found (\d+)/.exec(error.message);
  return match ? Number(match[1]) : undefined;
}

/** Tokens in `query`, counted up to `max + 1` (what `parse`'s maxTokens counts). */
function countTokens(query: string, max: number): number {
  const lexer = new Lexer(new Source(query));
  let count = 0;
  try {
    while (count <= max && lexer.advance().kind !== TokenKind.EOF) count++;
  } catch {
    // A lexical error ends the count; the parser reports it.
  }
  return count;
}
