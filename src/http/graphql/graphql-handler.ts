import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { type ApolloServer, HeaderMap, type HTTPGraphQLResponse } from "@apollo/server";
import cors from "cors";
import etag from "etag";
import fresh from "fresh";
import type { GraphQLError } from "graphql";
import type { Logger } from "../../logging/logger";
import type { Context } from "../../resolvers/context.type";
import { createLoaders } from "../../resolvers/loaders";
import type { ApiKeyIdentity } from "../../services/accounts/api-key.service";
import type { Services } from "../../services/services";
import { isDatabaseUnavailable } from "../../errors/database-unavailable";
import { beginRequest } from "../access-log";
import { clientAddress } from "../client-address";
import { INTERNAL_ERROR_MESSAGE } from "./error-masking";
import { acceptsGraphQLResponse } from "./legacy-json-status";
import type { OperationRequest } from "../limits/operation-guard";
import { rateLimitHeaders } from "../limits/rate-limited-error";
import type { OperationGate } from "../limits/operation-gate";
import type { GateRefusal, RequestGate } from "../limits/request-gate";
import { createJsonBodyReader } from "../json-body";
import { closeUnlessSmallBody } from "../unread-body";
import { logRequestFailure } from "../request-failure-log";
import { RETRY_AFTER_SECONDS, SERVICE_UNAVAILABLE, SERVICE_UNAVAILABLE_MESSAGE } from "./service-unavailable";

export interface GraphQLHandlerOptions {
  /** Started Apollo Server. */
  apollo: ApolloServer<Context>;
  services: Services;
  logger: Logger;
  /** Authentication, before Apollo sees a request (shared with every surface). */
  gate: RequestGate;
  /** Operation limits and the key's budget, before Apollo sees a request. */
  operations: OperationGate;
  /** Take the client's address from `X-Forwarded-For` (see clientAddress). (Default: false) */
  trustProxy?: boolean;
  /** Largest accepted request body, e.g. `256kb`, `1mb` or a byte count. (Default: `256kb`) */
  bodyLimit?: string;
}

/**
 * `/graphql` on Node's own request and response objects, calling Apollo as its standalone server
 * does. Express's router, pino-http and the express5 integration cost more per request than the
 * whole raw-pg floor server of `npm run bench`; this answers as they did (status, headers,
 * bodies, access log; only POST answers lost their ETag), with the same libraries called
 * directly: `cors` (any origin, `x-request-id` exposed), body-parser's JSON parser up to
 * `bodyLimit`; Apollo Sandbox and GET queries; a masked 500 if Apollo itself throws.
 *
 * Every request that carries an operation passes the RequestGate first: without a valid key it
 * is answered 401 before its body is read, an operation over a limit 400 (200 for clients that
 * accept only `application/json`, as GraphQL-over-HTTP asks), one over the key's budget 429.
 * A request without an operation (the Sandbox page, a GET without `query`) goes to Apollo as is.
 */
export function createGraphQLHandler(options: GraphQLHandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { apollo, services, logger, gate, operations } = options;
  const trustProxy = options.trustProxy ?? false;
  const readJsonBody = createJsonBodyReader(options.bodyLimit);
  // Any origin (callers authenticate with a header, not cookies); browsers may read the request id.
  const allowCors = cors({ exposedHeaders: ["x-request-id"] });

  async function handle(req: IncomingMessage, res: ServerResponse, requestId: string, requestLogger: () => Logger): Promise<void> {
    const url = req.url ?? "";
    // The query string as `url.parse(req.url).search` gave it to Apollo (no fragment).
    const queryStart = url.indexOf("?");
    const fragment = url.indexOf("#");
    const search =
      queryStart === -1 || (fragment !== -1 && fragment < queryStart) ? "" : url.slice(queryStart, fragment === -1 ? undefined : fragment);
    const method = req.method?.toUpperCase() ?? "GET";
    const params = method === "GET" ? new URLSearchParams(search) : undefined;

    let identity: ApiKeyIdentity | null = null;
    if (method === "POST" || params?.has("query")) {
      let authenticated;
      try {
        authenticated = await gate.authenticate(req.headers.authorization, clientAddress(req, trustProxy));
      } catch (error) {
        logRequestFailure(requestLogger(), "authentication failed", error, { requestId });
        sendFailure(req, res, error, requestId);
        return;
      }
      if (!authenticated.ok) {
        // The body is never read.
        closeUnlessSmallBody(req, res);
        sendRefusal(req, res, authenticated, requestId);
        return;
      }
      identity = authenticated.identity;
    }

    const read = await readJsonBody(req, res);
    const body = read.ok ? read.body : undefined;
    const unreadable = read.ok ? undefined : read;

    if (identity) {
      // An unreadable body or one without an operation is checked by nothing, but still spends.
      const admitted = await operations.admit(identity, unreadable ? undefined : operationOf(body, params));
      if (admitted.budget) for (const [name, value] of Object.entries(rateLimitHeaders(admitted.budget))) res.setHeader(name, value);
      if (!admitted.ok) {
        sendRefusal(req, res, admitted, requestId);
        return;
      }
    }
    if (unreadable) {
      sendJson(req, res, unreadable.status, { errors: [{ message: unreadable.message, extensions: { code: "BAD_REQUEST", requestId } }] });
      return;
    }

    const headers = new HeaderMap();
    const requestHeaders = req.headers;
    for (const name in requestHeaders) {
      const value = requestHeaders[name];
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    }
    const accountId = identity?.accountId ?? null;
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method, headers, search, body },
      context: async () => new RequestContext(requestId, accountId, createLoaders(services, accountId), requestLogger),
    });
    await sendApolloResponse(req, res, response);
  }

  return (req, res) => {
    const { requestId, requestLogger } = beginRequest(logger, req, res);
    // Sets the CORS headers, or answers a preflight itself.
    allowCors(req, res, () => {
      handle(req, res, requestId, requestLogger).catch((error: unknown) => {
        logRequestFailure(requestLogger(), "unexpected HTTP error", error);
        if (res.headersSent) {
          res.destroy();
          return;
        }
        sendFailure(req, res, error, requestId);
      });
    });
  };
}

/** An error outside Apollo's answers: 503 SERVICE_UNAVAILABLE (retry) when the database is unreachable, else a masked 500. */
function sendFailure(req: IncomingMessage, res: ServerResponse, error: unknown, requestId: string): void {
  if (isDatabaseUnavailable(error)) {
    res.setHeader("retry-after", String(RETRY_AFTER_SECONDS));
    sendJson(req, res, 503, { errors: [{ message: SERVICE_UNAVAILABLE_MESSAGE, extensions: { code: SERVICE_UNAVAILABLE } }] });
    return;
  }
  sendJson(req, res, 500, { errors: [{ message: INTERNAL_ERROR_MESSAGE, extensions: { code: "INTERNAL_SERVER_ERROR", requestId } }] });
}

/** A request's context; its logger is made on first use (a child logger costs more than the rest, and most requests never log). */
class RequestContext implements Context {
  constructor(
    readonly requestId: string,
    readonly accountId: string | null,
    readonly loaders: Context["loaders"],
    private readonly makeLogger: () => Logger,
  ) {}

  // On the prototype: Apollo copies a context's own properties per request, which would make it.
  get logger(): Logger {
    return this.makeLogger();
  }
}

/**
 * The operation a request carries, as the guard reads it: a POST body's `query`, `variables` and
 * `operationName`, or a GET's parameters. Undefined when there is none to check (no query, a
 * batch, unreadable variables): Apollo answers those requests with its own error.
 */
function operationOf(body: unknown, params: URLSearchParams | undefined): OperationRequest | undefined {
  if (params) {
    const query = params.get("query");
    if (query === null) return undefined;
    const variables = params.get("variables");
    let parsed: unknown = null;
    try {
      if (variables) parsed = JSON.parse(variables);
    } catch {
      return undefined;
    }
    return isRecordOrNull(parsed) ? { query, variables: parsed, operationName: params.get("operationName") } : undefined;
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) return undefined;
  const { query, variables, operationName } = body as Record<string, unknown>;
  if (typeof query !== "string" || !isRecordOrNull(variables ?? null)) return undefined;
  return {
    query,
    variables: (variables ?? null) as Record<string, unknown> | null,
    operationName: typeof operationName === "string" ? operationName : null,
  };
}

function isRecordOrNull(value: unknown): value is Record<string, unknown> | null {
  return value === null || (typeof value === "object" && !Array.isArray(value));
}

/**
 * A refusal of the RequestGate: 401 or 429 (with the budget's headers), or an operation over a
 * limit — a request error, so 400 for clients that accept `application/graphql-response+json`
 * and 200 for those that accept only `application/json`, as for a document that fails validation.
 */
function sendRefusal(req: IncomingMessage, res: ServerResponse, refusal: GateRefusal, requestId: string): void {
  const status = refusal.status === 400 && !acceptsGraphQLResponse(req.headers.accept) ? 200 : refusal.status;
  const headers: OutgoingHttpHeaders = { "content-type": jsonContentType(req) };
  if (refusal.budget) Object.assign(headers, rateLimitHeaders(refusal.budget));
  if (refusal.status === 401) headers["www-authenticate"] = "Bearer";
  const errors = refusal.errors.map((error: GraphQLError) => ({ message: error.message, extensions: { ...error.extensions, requestId } }));
  sendComplete(req, res, status, headers, JSON.stringify({ errors }));
}

async function sendApolloResponse(req: IncomingMessage, res: ServerResponse, response: HTTPGraphQLResponse): Promise<void> {
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of response.headers) headers[name] = value;
  const status = response.status || 200;
  if (response.body.kind === "complete") {
    sendComplete(req, res, status, headers, response.body.string);
    return;
  }
  res.writeHead(status, headers);
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

function sendJson(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
  sendComplete(req, res, status, { "content-type": jsonContentType(req) }, JSON.stringify(body));
}

/** The media type GraphQL-over-HTTP answers in: graphql-response+json to a client that accepts it, else JSON. */
function jsonContentType(req: IncomingMessage): string {
  return acceptsGraphQLResponse(req.headers.accept)
    ? "application/graphql-response+json; charset=utf-8"
    : "application/json; charset=utf-8";
}

/**
 * One writeHead and one end, with the headers Express's `res.send` added: a UTF-8 charset, the
 * length and, for GET and HEAD only, an ETag with its 304 for a matching `if-none-match` (what
 * a browser revalidating the Sandbox page or a cached GET query sends). A POST answer is never
 * served from a cache, so it is spared hashing its body.
 */
function sendComplete(req: IncomingMessage, res: ServerResponse, status: number, headers: OutgoingHttpHeaders, body: string): void {
  const contentType = headers["content-type"];
  if (contentType === undefined) headers["content-type"] = "text/html; charset=utf-8";
  else if (typeof contentType === "string" && !contentType.includes("charset=")) headers["content-type"] = `${contentType}; charset=utf-8`;
  if (headers["transfer-encoding"] === undefined) headers["content-length"] = Buffer.byteLength(body);
  const method = req.method;
  if ((method === "GET" || method === "HEAD") && headers.etag === undefined) {
    headers.etag = etag(body, { weak: true });
    if (((status >= 200 && status < 300) || status === 304) && fresh(req.headers, { etag: headers.etag })) {
      delete headers["content-type"];
      delete headers["content-length"];
      delete headers["transfer-encoding"];
      res.writeHead(304, headers);
      res.end();
      return;
    }
  }
  res.writeHead(status, headers);
  res.end(body);
}
