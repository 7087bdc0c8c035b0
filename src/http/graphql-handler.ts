import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { type ApolloServer, HeaderMap, type HTTPGraphQLResponse } from "@apollo/server";
import bodyParser from "body-parser";
import cors from "cors";
import etag from "etag";
import fresh from "fresh";
import { GraphQLError } from "graphql";
import type { Logger } from "../logger";
import type { Context } from "../resolvers/context.type";
import { createLoaders } from "../resolvers/loaders";
import type { Services } from "../services/services";
import { isDatabaseUnavailable } from "../database/database-unavailable";
import { beginRequest } from "./access-log";
import { parseAuthorization } from "./authorization";
import { INTERNAL_ERROR_MESSAGE } from "./error-masking";
import { logRequestFailure } from "./request-failure-log";
import { serviceUnavailableError } from "./service-unavailable";

export interface GraphQLHandlerOptions {
  /** Started Apollo Server. */
  apollo: ApolloServer<Context>;
  services: Services;
  logger: Logger;
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
 */
export function createGraphQLHandler(options: GraphQLHandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { apollo, services, logger } = options;
  const bodyLimitText = options.bodyLimit ?? "256kb";
  const parseJson = bodyParser.json({ limit: bodyLimitText });
  // Any origin (callers authenticate with a header, not cookies); browsers may read the request id.
  const allowCors = cors({ exposedHeaders: ["x-request-id"] });
  /** The JSON body (undefined for none or another content type), read as express.json() did. */
  const readJsonBody = (req: IncomingMessage, res: ServerResponse) =>
    new Promise<unknown>((resolve, reject) =>
      parseJson(req, res, (error?: unknown) => (error ? reject(error as BodyError) : resolve((req as IncomingMessage & { body?: unknown }).body))),
    );

  async function createContext(requestId: string, authorization: string | undefined, requestLogger: () => Logger): Promise<Context> {
    const apiKey = parseAuthorization(authorization);
    try {
      const accountId = apiKey ? await services.apiKeys.authenticate(apiKey) : null;
      return new RequestContext(requestId, accountId, createLoaders(services, accountId), requestLogger);
    } catch (error) {
      logRequestFailure(requestLogger(), "authentication failed", error, { requestId });
      if (isDatabaseUnavailable(error)) throw serviceUnavailableError();
      throw new GraphQLError(INTERNAL_ERROR_MESSAGE, { extensions: { code: "INTERNAL_SERVER_ERROR", requestId } });
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse, requestId: string, requestLogger: () => Logger): Promise<void> {
    let body: unknown;
    try {
      body = await readJsonBody(req, res);
    } catch (error) {
      const { status, type } = error as BodyError;
      if (!status || status < 400 || status >= 500) throw error;
      const message =
        type === "entity.parse.failed"
          ? "The request body is not valid JSON."
          : type === "entity.too.large"
            ? `The request body is larger than ${bodyLimitText}.`
            : "The request could not be read.";
      sendJson(req, res, status, { errors: [{ message, extensions: { code: "BAD_REQUEST", requestId } }] });
      return;
    }

    const headers = new HeaderMap();
    const requestHeaders = req.headers;
    for (const name in requestHeaders) {
      const value = requestHeaders[name];
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    }
    // The query string as `url.parse(req.url).search` gave it to Apollo (no fragment).
    const url = req.url ?? "";
    const query = url.indexOf("?");
    const fragment = url.indexOf("#");
    const search = query === -1 || (fragment !== -1 && fragment < query) ? "" : url.slice(query, fragment === -1 ? undefined : fragment);
    const authorization = requestHeaders.authorization;
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method?.toUpperCase() ?? "GET", headers, search, body },
      context: () => createContext(requestId, authorization, requestLogger),
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
        sendJson(req, res, 500, { errors: [{ message: INTERNAL_ERROR_MESSAGE, extensions: { code: "INTERNAL_SERVER_ERROR", requestId } }] });
      });
    });
  };
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

/** What body-parser rejects with: an HTTP status and a reason. */
interface BodyError {
  status?: number;
  type?: string;
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
  sendComplete(req, res, status, { "content-type": "application/json; charset=utf-8" }, JSON.stringify(body));
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
