import { GraphQLError } from "graphql";

/** The `extensions.limit` of an OPERATION_LIMIT_EXCEEDED error. */
export type OperationLimitName = "depth" | "aliases" | "directives" | "tokens" | "cost";

const WHAT: Record<OperationLimitName, (actual: number | undefined) => string> = {
  depth: (actual) => (actual === undefined ? "nests fields too deep" : `nests fields ${actual} levels deep`),
  aliases: (actual) => (actual === undefined ? "uses too many aliases" : `uses ${actual} aliases`),
  directives: (actual) => (actual === undefined ? "uses too many directives" : `uses ${actual} directives`),
  tokens: (actual) => (actual === undefined ? "has too many tokens" : `has ${actual} tokens`),
  cost: (actual) =>
    `${actual === undefined ? "costs too much" : `costs ${actual} points`} (a connection multiplies what it selects by its page size)`,
};

/**
 * The refusal of an operation over a limit: `extensions.code` OPERATION_LIMIT_EXCEEDED, `limit`
 * (depth, aliases, directives, tokens or cost), `maximum` and, when known, `actual`.
 */
export function operationLimitError(limit: OperationLimitName, maximum: number, actual?: number): GraphQLError {
  return new GraphQLError(
    `The operation ${WHAT[limit](actual)}; at most ${maximum} allowed. Select fewer fields, ask for smaller pages, or split it.`,
    {
      extensions: { code: "OPERATION_LIMIT_EXCEEDED", limit, maximum, ...(actual === undefined ? {} : { actual }) },
    },
  );
}
