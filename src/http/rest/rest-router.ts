import type { IncomingMessage } from "node:http";
import cors from "cors";
import express, { type NextFunction, type Request, type Response } from "express";
import { isDatabaseUnavailable } from "../../errors/database-unavailable";
import type { Logger } from "../../logging/logger";
import type { Services } from "../../services/services";
import { InvalidArgumentError } from "../../services/shared/user-input-error";
import { UserErrorCode } from "../../services/shared/user-error-code.enum";
import { clientAddress } from "../client-address";
import { RETRY_AFTER_SECONDS, SERVICE_UNAVAILABLE_MESSAGE } from "../graphql/service-unavailable";
import { createJsonBodyReader } from "../json-body";
import { rateLimitHeaders } from "../limits/rate-limited-error";
import type { GateRefusal, RequestGate } from "../limits/request-gate";
import { logRequestFailure } from "../request-failure-log";
import { closeUnlessSmallBody } from "../unread-body";
import { buildOpenApiDocument, openApiPath } from "./openapi";
import { fromGateErrors, INTERNAL_ERROR_MESSAGE, type RestError, RestErrorCode, RestProblem } from "./rest-errors";
import type { RestRoute } from "./rest-route";
import { REST_ROUTES } from "./rest-routes";

export interface RestRouterOptions {
  services: Services;
  /** Authentication and the key's budget: the same gate as GraphQL's. */
  gate: RequestGate;
  /** Take the client's address from `X-Forwarded-For` (see clientAddress). (Default: false) */
  trustProxy?: boolean;
  /** Largest accepted request body, as for GraphQL. (Default: `256kb`) */
  bodyLimit?: string;
  /** (Default: REST_ROUTES) */
  routes?: readonly RestRoute[];
}

/** What the app's first middleware (beginRequest) leaves in `res.locals` for every route. */
export interface RequestLocals {
  requestId: string;
  requestLogger: () => Logger;
}

/**
 * The REST surface, mounted at `/v1`: each RestRoute behind the same steps as a GraphQL request,
 * cheapest first — CORS (any origin; `x-request-id` exposed), the RequestGate's key check (401 or
 * 429 before anything else is read), the route's cost spent from the key's budget (429 over it;
 * RateLimit headers on every authenticated answer), the JSON body (415 if not JSON; 400 not JSON
 * or not UTF-8; 413 over `bodyLimit`), then the route. Its errors: a RestProblem as it says, a
 * service's InvalidArgumentError as 400 INVALID_INPUT, an unavailable database as 503 with
 * Retry-After, anything else as a masked 500 with the request id, logged. `GET /v1/openapi.json`
 * serves the OpenAPI document without a key; a known path with another method is 405, any other
 * path 404, both in the `{ data, errors }` envelope.
 */
export function createRestRouter(options: RestRouterOptions): express.Router {
  const { services, gate } = options;
  const routes = options.routes ?? REST_ROUTES;
  const trustProxy = options.trustProxy ?? false;
  const readJsonBody = createJsonBodyReader(options.bodyLimit);
  const documentJson = JSON.stringify(buildOpenApiDocument(routes));
  const router = express.Router();
  router.use(cors({ exposedHeaders: ["x-request-id"] }));

  router.get("/openapi.json", (_req, res) => {
    res.type("application/json").send(documentJson);
  });

  async function serve(route: RestRoute, req: Request, res: Response): Promise<void> {
    const { requestId, requestLogger } = res.locals as RequestLocals;
    const authenticated = await gate.authenticate(req.headers.authorization, clientAddress(req, trustProxy));
    if (!authenticated.ok) {
      // The body is never read.
      closeUnlessSmallBody(req, res);
      sendRefusal(res, authenticated);
      return;
    }
    const query = queryOf(req);
    const spent = await gate.spend(authenticated.identity, route.cost(query));
    if (spent.budget) res.set(rateLimitHeaders(spent.budget));
    if (!spent.ok) {
      closeUnlessSmallBody(req, res);
      sendRefusal(res, spent);
      return;
    }
    let body: unknown;
    if (route.readsBody) {
      if (!req.is("application/json")) {
        closeUnlessSmallBody(req, res);
        throw new RestProblem(415, [
          { code: RestErrorCode.BAD_REQUEST, message: "Send the body as JSON, with content-type: application/json.", field: null },
        ]);
      }
      const read = await readJsonBody(req, res);
      if (!read.ok) throw new RestProblem(read.status, [{ code: RestErrorCode.BAD_REQUEST, message: read.message, field: null }]);
      body = read.body;
    }
    const answer = await route.handle({
      accountId: authenticated.identity.accountId,
      body,
      params: req.params as Record<string, string>,
      query,
      headers: req.headers,
      requestId,
      logger: requestLogger,
      services,
    });
    res
      .status(answer.status ?? 200)
      .json({ data: answer.data, errors: null, ...(answer.extra === undefined ? {} : { extra: answer.extra }) });
  }

  const methods = new Map<string, string[]>([["/openapi.json", ["GET"]]]);
  for (const route of routes) {
    methods.set(route.path, [...(methods.get(route.path) ?? []), route.method]);
    const handler = (req: Request, res: Response) => {
      serve(route, req, res).catch((error: unknown) => sendError(res, error));
    };
    if (route.method === "GET") router.get(route.path, handler);
    else router.post(route.path, handler);
  }
  for (const [path, allowed] of methods) {
    router.all(path, (_req, res) => {
      res.set("allow", allowed.join(", "));
      sendErrors(res, 405, [{ code: RestErrorCode.METHOD_NOT_ALLOWED, message: `This path takes ${allowed.join(", ")}.`, field: null }]);
    });
  }
  router.use((_req, res) => {
    const paths = [...routes.map(openApiPath), "/v1/openapi.json"];
    sendErrors(res, 404, [{ code: RestErrorCode.NOT_FOUND, message: `No such path. The paths are ${paths.join(", ")}.`, field: null }]);
  });
  // What Express itself throws (a path parameter that is not valid percent-encoding).
  router.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => sendError(res, error));
  return router;
}

/** The query string as URLSearchParams (which never throws on malformed percent-encoding). */
function queryOf(req: IncomingMessage & { originalUrl?: string }): URLSearchParams {
  const url = req.originalUrl ?? req.url ?? "";
  const start = url.indexOf("?");
  return new URLSearchParams(start === -1 ? "" : url.slice(start + 1));
}

function sendErrors(res: Response, status: number, errors: RestError[], headers: Record<string, string> = {}): void {
  res.status(status).set(headers).json({ data: null, errors });
}

/** A refusal of the RequestGate: 401 (with `WWW-Authenticate`) or 429 (with the budget's headers and Retry-After). */
function sendRefusal(res: Response, refusal: GateRefusal): void {
  const headers: Record<string, string> = refusal.budget ? rateLimitHeaders(refusal.budget) : {};
  if (refusal.status === 401) headers["www-authenticate"] = "Bearer";
  sendErrors(res, refusal.status, fromGateErrors(refusal.errors), headers);
}

/** A route's error as its answer: see createRestRouter. */
function sendError(res: Response, error: unknown): void {
  const { requestId, requestLogger } = res.locals as RequestLocals;
  if (error instanceof RestProblem) {
    sendErrors(res, error.status, error.errors, error.headers);
    return;
  }
  if (error instanceof InvalidArgumentError) {
    sendErrors(res, 400, [{ code: UserErrorCode.INVALID_INPUT, message: error.message, field: error.argument }]);
    return;
  }
  const status = (error as { status?: unknown }).status;
  if (typeof status === "number" && status >= 400 && status < 500) {
    sendErrors(res, status, [{ code: RestErrorCode.BAD_REQUEST, message: "The request could not be read.", field: null }]);
    return;
  }
  logRequestFailure(requestLogger(), "unexpected REST error", error, { requestId });
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (isDatabaseUnavailable(error)) {
    sendErrors(res, 503, [{ code: RestErrorCode.SERVICE_UNAVAILABLE, message: SERVICE_UNAVAILABLE_MESSAGE, field: null }], {
      "retry-after": String(RETRY_AFTER_SECONDS),
    });
    return;
  }
  sendErrors(res, 500, [
    { code: RestErrorCode.INTERNAL_SERVER_ERROR, message: INTERNAL_ERROR_MESSAGE, field: null, request_id: requestId },
  ]);
}
