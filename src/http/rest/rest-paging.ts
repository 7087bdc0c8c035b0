import { MAX_LIST_OFFSET, MAX_PAGE_SIZE, type OffsetPage } from "../../services/shared/pagination";
import { invalidInput } from "./rest-errors";
import type { JsonSchema, OpenApiParameter } from "./openapi-types";

/** Items per page of a REST list unless `pageSize` says otherwise (the platform's default). */
export const DEFAULT_REST_PAGE_SIZE = 25;

/**
 * The query string's parameters, refused with 400 INVALID_INPUT when one is not in `allowed` or is
 * given twice (a misspelt `page_size` is an error, not a silent default).
 */
export function queryParameters(query: URLSearchParams, allowed: readonly string[]): Map<string, string> {
  const parameters = new Map<string, string>();
  for (const [name, value] of query) {
    if (!allowed.includes(name)) {
      const named = /^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(name) ? name : null;
      const only = allowed.length === 0 ? "takes no query parameters" : `takes only the query parameters ${allowed.join(", ")}`;
      throw invalidInput(named, `${named === null ? "an unknown query parameter" : `${named} is unknown`}: this endpoint ${only}`);
    }
    if (parameters.has(name)) throw invalidInput(name, `${name} may be given once`);
    parameters.set(name, value);
  }
  return parameters;
}

/** The `page` and `pageSize` parameters as an OffsetPage; out of bounds, a 400 naming the bounds. */
export function pageParameters(parameters: Map<string, string>): OffsetPage & { page: number; pageSize: number } {
  const pageSize = positiveInteger(parameters, "pageSize", DEFAULT_REST_PAGE_SIZE, MAX_PAGE_SIZE, `an integer from 1 to ${MAX_PAGE_SIZE}`);
  const maxPage = Math.floor(MAX_LIST_OFFSET / pageSize) + 1;
  const page = positiveInteger(
    parameters,
    "page",
    1,
    maxPage,
    `an integer from 1 to ${maxPage} for pageSize ${pageSize} (a page may start at most ${MAX_LIST_OFFSET} items in: narrow the list with filters to reach further)`,
  );
  return { page, pageSize, offset: (page - 1) * pageSize, limit: pageSize };
}

/** The page size a request asks for, for its cost; the default when it cannot be read (the request is refused then). */
export function requestedPageSize(query: URLSearchParams): number {
  const size = Number(query.get("pageSize") ?? DEFAULT_REST_PAGE_SIZE);
  return Number.isInteger(size) && size >= 1 && size <= MAX_PAGE_SIZE ? size : 1;
}

function positiveInteger(parameters: Map<string, string>, name: string, fallback: number, max: number, rule: string): number {
  const text = parameters.get(name);
  if (text === undefined) return fallback;
  const value = /^[1-9][0-9]{0,6}$/.test(text) ? Number(text) : NaN;
  if (!(value <= max)) throw invalidInput(name, `${name} must be ${rule}`);
  return value;
}

/** `extra.pagination` of a list. */
export function pagination(
  { page, pageSize }: { page: number; pageSize: number },
  totalItems: number,
): { totalItems: number; totalPages: number; currentPage: number; pageSize: number } {
  return { totalItems, totalPages: Math.ceil(totalItems / pageSize), currentPage: page, pageSize };
}

/** The OpenAPI parameters `page` and `pageSize`. */
export const PAGE_PARAMETERS: OpenApiParameter[] = [
  {
    name: "page",
    in: "query",
    description: `The page, from 1. A page may start at most ${MAX_LIST_OFFSET} items in (page × pageSize − pageSize ≤ ${MAX_LIST_OFFSET}): each page reads, along an index, the items before it.`,
    schema: { type: "integer", minimum: 1, default: 1 } satisfies JsonSchema,
  },
  {
    name: "pageSize",
    in: "query",
    description: `Items per page, 1 to ${MAX_PAGE_SIZE}.`,
    schema: { type: "integer", minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_REST_PAGE_SIZE },
  },
];
