import { type DocumentNode, GraphQLError, type GraphQLSchema, visit } from "graphql";
import { type ComplexityEstimator, getComplexity } from "graphql-query-complexity";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../../services/shared/pagination";

/**
 * The cost model, in points. A field costs 1 — or, for one that may hold much more than a
 * scalar, about one per KiB it may hold (its `complexity`: `requestData` 16, a message text 2;
 * src/resolvers/types/field-cost.ts) — a root mutation field (a write) costs MUTATION_COST, and a
 * connection multiplies what it selects by the page it asks for (`first` or `last`, else the
 * default page of 20; at most 100):
 *
 *   cost(field) = own + page × cost(selection)
 *
 * Other lists are short by construction (`userErrors`, `webhookAttempts`) and count once.
 * `@skip`/`@include` are honoured and fragments expanded.
 */
export const MUTATION_COST = 10;

/** More field visits than this and the cost is not worth computing: the operation is refused. */
const MAX_EVALUATED_NODES = 10_000;

export type OperationCost = { cost: number } | { tooLarge: true } | { invalidVariables: true };

export type CostCalculator = (document: DocumentNode, operationName: string | null, variables: Record<string, unknown>) => OperationCost;

/** Computes operation costs over `schema` (the operation `operationName`, or every one when null). */
export function createCostCalculator(schema: GraphQLSchema): CostCalculator {
  const mutation = schema.getMutationType();
  const estimateField: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
    const declared = field.extensions?.complexity;
    const own = typeof declared === "number" ? declared : type === mutation ? MUTATION_COST : 1;
    if (!field.args.some((arg) => arg.name === "first")) return own + childComplexity;
    const requested = typeof args.first === "number" ? args.first : typeof args.last === "number" ? args.last : DEFAULT_PAGE_SIZE;
    // Out-of-range sizes are refused when the field runs, with an error naming the argument.
    const page = Math.min(Math.max(requested, 0), MAX_PAGE_SIZE);
    return own + page * childComplexity;
  };

  return (document, operationName, variables) => {
    try {
      const cost = getComplexity({
        schema,
        query: document,
        operationName: operationName ?? undefined,
        variables,
        estimators: [estimateField],
        maxQueryNodes: MAX_EVALUATED_NODES,
      });
      return { cost };
    } catch (error) {
      if (error instanceof GraphQLError && /maximum allowed number of nodes/.test(error.message)) return { tooLarge: true };
      // Variables that do not coerce: graphql-js answers them with its own error before anything runs.
      return { invalidVariables: true };
    }
  };
}

/** Whether variables can change an operation's cost: a page size or a `@skip`/`@include` condition taken from one. */
export function costDependsOnVariables(document: DocumentNode): boolean {
  let depends = false;
  visit(document, {
    Argument(node) {
      if (node.name.value !== "first" && node.name.value !== "last" && node.name.value !== "if") return false;
      visit(node.value, {
        Variable() {
          depends = true;
        },
      });
      return false;
    },
  });
  return depends;
}
