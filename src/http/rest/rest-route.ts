import type { IncomingHttpHeaders } from "node:http";
import type { Logger } from "../../logging/logger";
import type { Services } from "../../services/services";
import type { OpenApiOperation } from "./openapi-types";

/** What a route's handler gets: the caller's request, authenticated and within its budget. */
export interface RestRequest {
  /** The account of the request's API key. */
  accountId: string;
  /** The JSON body, for a route that reads one. */
  body: unknown;
  /** Path parameters (`:id`). */
  params: Readonly<Record<string, string>>;
  /** The query string, each parameter given at most once (the router refuses repeats). */
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  requestId: string;
  logger: () => Logger;
  services: Services;
}

/** A success: `{ "data": data, "errors": null }`, plus `extra` when given (lists: `extra.pagination`). */
export interface RestAnswer {
  /** (Default: 200) */
  status?: number;
  data: unknown;
  extra?: unknown;
}

/**
 * One REST operation: a file `<operation>.route.ts` exports one, and `rest-routes.ts` lists it.
 * The router does the rest, the same for every route: CORS, the request id and access log, the
 * key (401 before anything else is read), the key's budget (`cost`), the JSON body (256 KB,
 * UTF-8), the `{ data, errors }` envelope, typed errors (a thrown RestProblem, a service's
 * InvalidArgumentError as 400 INVALID_INPUT), 503 for an unavailable database and a masked 500
 * for anything else. `operation` is the route's entry in the OpenAPI document (openapi.ts), which
 * the tests hold every answer to.
 */
export interface RestRoute {
  method: "GET" | "POST";
  /** Under `/v1`, in Express's syntax: `/sms/conversations/:id`. */
  path: string;
  /** Read the JSON body (`content-type: application/json`, else 415). */
  readsBody: boolean;
  /**
   * Points this request spends from the key's budget, in the cost model of GraphQL operations
   * (src/http/limits/operation-cost.ts), from what is known before the body is read: the query
   * string. At least 1; a request whose parameters it cannot read costs 1 (and gets its 400).
   */
  cost(query: URLSearchParams): number;
  handle(request: RestRequest): Promise<RestAnswer>;
  operation: OpenApiOperation;
}
