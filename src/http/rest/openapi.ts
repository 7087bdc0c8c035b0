import { AGENT_NUMBER_SCHEMAS } from "./agent-number.presenter";
import { CONVERSATION_SCHEMA, MESSAGE_SCHEMA } from "./conversation.presenter";
import { COMPONENT_RESPONSES, COMPONENT_SCHEMAS } from "./openapi-components";
import type { OpenApiOperation } from "./openapi-types";
import type { RestRoute } from "./rest-route";
import { channelConfigInputSchema } from "./update-agent-number-config.route";

/** Where the router serves the document, without a key (it describes; it holds no data). */
export const OPENAPI_PATH = "/v1/openapi.json";

const DOCUMENT_OPERATION: OpenApiOperation = {
  operationId: "getOpenApiDocument",
  summary: "This OpenAPI document",
  description: "The OpenAPI 3.1 document of the REST surface, as it is (not in the `data` envelope). No key needed.",
  tags: ["Meta"],
  security: [],
  responses: {
    "200": {
      description: "The document.",
      content: {
        "application/json": {
          schema: {
            type: "object",
            required: ["openapi", "info", "paths"],
            properties: { openapi: { type: "string", const: "3.1.0" }, info: { type: "object" }, paths: { type: "object" } },
          },
        },
      },
    },
  },
};

/** `/sms/conversations/:id` → `/v1/sms/conversations/{id}`. */
export function openApiPath(route: Pick<RestRoute, "path">): string {
  return `/v1${route.path.replace(/:([A-Za-z_]+)/g, "{$1}")}`;
}

/**
 * The OpenAPI 3.1 document of the REST surface (served at `GET /v1/openapi.json`, committed as
 * `openapi.json`): every route's `operation`, the request bodies generated from the input
 * classes' validation rules (input-schema.ts), and the shapes of the answers, which the tests
 * hold every REST answer to.
 */
export function buildOpenApiDocument(routes: readonly RestRoute[]): Record<string, unknown> {
  const paths: Record<string, Record<string, OpenApiOperation>> = {};
  for (const route of routes) (paths[openApiPath(route)] ??= {})[route.method.toLowerCase()] = route.operation;
  paths[OPENAPI_PATH] = { get: DOCUMENT_OPERATION };
  return {
    openapi: "3.1.0",
    info: {
      title: "Parley REST API",
      version: "1.0.0",
      summary: "Conversational SMS between people and AI phone agents.",
      description:
        'The REST surface of Parley, beside its GraphQL API at `/graphql`: the same accounts, keys, rules, limits and data. Every answer is `{ "data": …, "errors": null }` or `{ "data": null, "errors": [{ "code", "message", "field" }] }`; lists add `extra.pagination`. Bodies are JSON in snake_case, at most 256 KB, UTF-8. Every authenticated answer carries the key\'s budget in `RateLimit` and `RateLimit-Policy`, and every answer an `x-request-id`.',
      license: { name: "UNLICENSED", identifier: "LicenseRef-Proprietary" },
    },
    servers: [
      {
        url: "{origin}",
        description: "Where Parley runs.",
        variables: {
          origin: {
            default: "http://localhost:4000",
            description: "The scheme, host and port of a Parley (a local `npm start` by default).",
          },
        },
      },
    ],
    security: [{ ApiKey: [] }],
    tags: [
      { name: "Conversations", description: "Messages between a user number and an agent number, and the conversations they make." },
      { name: "Numbers", description: "The account's agent numbers and their timeout defaults." },
      { name: "Meta", description: "This document." },
    ],
    paths,
    components: {
      securitySchemes: {
        ApiKey: {
          type: "apiKey",
          in: "header",
          name: "authorization",
          description: "An API key (`prl_…`), raw or as `Bearer <key>`.",
        },
      },
      schemas: {
        ...COMPONENT_SCHEMAS,
        Conversation: CONVERSATION_SCHEMA,
        Message: MESSAGE_SCHEMA,
        ...AGENT_NUMBER_SCHEMAS,
        ChannelConfigInput: channelConfigInputSchema(),
      },
      responses: COMPONENT_RESPONSES,
    },
  };
}

/** The document as committed in `openapi.json` (`npm run openapi:print`; a test fails when it is stale). */
export function printOpenApiDocument(routes: readonly RestRoute[]): string {
  return `${JSON.stringify(buildOpenApiDocument(routes), null, 2)}\n`;
}
