import { UserErrorCode } from "../../services/shared/user-error-code.enum";
import { RestErrorCode } from "./rest-errors";
import type { JsonSchema, OpenApiResponse } from "./openapi-types";

/** Pieces of the OpenAPI document every route shares: the envelope, errors, paging, and the refusals the router answers alike. */

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
export const responseRef = (name: string) => ({ $ref: `#/components/responses/${name}` });

const ALL_CODES = [...Object.values(UserErrorCode), "UNAUTHENTICATED", "RATE_LIMITED", ...Object.values(RestErrorCode)];

/** A date-time as Parley writes it (`Date.toISOString()`). */
export const DATE_TIME: JsonSchema = { type: "string", format: "date-time" };
export const NULLABLE_DATE_TIME: JsonSchema = { type: ["string", "null"], format: "date-time" };

/** A success: `{ "data": <data>, "errors": null }`, with `extra` when given. */
export function envelope(data: JsonSchema, extra?: JsonSchema): JsonSchema {
  return {
    type: "object",
    required: ["data", "errors", ...(extra ? ["extra"] : [])],
    properties: { data, errors: { type: "null" }, ...(extra ? { extra } : {}) },
    additionalProperties: false,
  };
}

/** A refusal: `{ "data": null, "errors": [...] }`, each error's code one of `codes`. */
function errorEnvelope(codes: readonly string[]): JsonSchema {
  return {
    type: "object",
    required: ["data", "errors"],
    properties: {
      data: { type: "null" },
      errors: {
        type: "array",
        minItems: 1,
        items: { allOf: [ref("Error"), { type: "object", properties: { code: { enum: [...codes] } } }] },
      },
    },
    additionalProperties: false,
  };
}

/** A refusal response with `codes`, for a route's own statuses. */
export function errorResponse(description: string, codes: readonly string[], headers?: Record<string, unknown>): OpenApiResponse {
  return { description, ...(headers ? { headers } : {}), content: { "application/json": { schema: errorEnvelope(codes) } } };
}

const header = (description: string, schema: JsonSchema) => ({ description, schema });
const RETRY_AFTER = header("Seconds to wait before retrying.", { type: "string", pattern: "^[0-9]+$" });
const RATE_LIMIT_HEADERS = {
  RateLimit: header(
    'What is left of the key\'s budget: `"key";r=<points left>;t=<seconds to reset>` (draft-ietf-httpapi-ratelimit-headers).',
    {
      type: "string",
    },
  ),
  "RateLimit-Policy": header('The key\'s budget: `"key";q=<points>;w=<window seconds>`.', { type: "string" }),
};

export const COMPONENT_SCHEMAS: Record<string, JsonSchema> = {
  Error: {
    type: "object",
    description: "Why a request was refused. Messages name the rule and the allowed values, never the value sent.",
    required: ["code", "message", "field"],
    properties: {
      code: { type: "string", enum: ALL_CODES, description: "Machine-readable reason." },
      message: { type: "string", description: "Human-readable explanation." },
      field: {
        type: ["string", "null"],
        description: "The body field (snake_case, `sms_config.time_out` when nested) or query parameter concerned, or null.",
      },
      request_id: {
        type: "string",
        description: "On `INTERNAL_SERVER_ERROR`: the id the server logged the failure under (also the `x-request-id` header).",
      },
    },
    additionalProperties: false,
  },
  Pagination: {
    type: "object",
    required: ["totalItems", "totalPages", "currentPage", "pageSize"],
    properties: {
      totalItems: { type: "integer", minimum: 0, description: "Items matching the filters, all pages together." },
      totalPages: { type: "integer", minimum: 0 },
      currentPage: { type: "integer", minimum: 1 },
      pageSize: { type: "integer", minimum: 1, maximum: 100 },
    },
    additionalProperties: false,
  },
};

/** The refusals the router answers the same way for every route. */
export const COMPONENT_RESPONSES: Record<string, OpenApiResponse> = {
  BadRequest: errorResponse(
    "`INVALID_INPUT`: a field or parameter breaks a rule (the message names it and the allowed values). `BAD_REQUEST`: the body is not JSON or not UTF-8.",
    [UserErrorCode.INVALID_INPUT, RestErrorCode.BAD_REQUEST],
  ),
  Unauthenticated: errorResponse(
    "`UNAUTHENTICATED`: no API key, or an unknown or revoked one. Answered before the body is read.",
    ["UNAUTHENTICATED"],
    { "WWW-Authenticate": header("`Bearer`.", { type: "string" }) },
  ),
  NotFound: errorResponse("`NOT_FOUND`: no such resource for this account (another account's is answered alike).", [
    RestErrorCode.NOT_FOUND,
  ]),
  PayloadTooLarge: errorResponse("`BAD_REQUEST`: the body is larger than 256 KB.", [RestErrorCode.BAD_REQUEST]),
  UnsupportedMediaType: errorResponse("`BAD_REQUEST`: the body is not sent as `content-type: application/json`.", [
    RestErrorCode.BAD_REQUEST,
  ]),
  RateLimited: errorResponse(
    "`RATE_LIMITED`: the key's budget for the window is spent (or, without a valid key, the address's). Retry after `Retry-After` seconds.",
    ["RATE_LIMITED"],
    { "Retry-After": RETRY_AFTER, ...RATE_LIMIT_HEADERS },
  ),
  InternalError: errorResponse("`INTERNAL_SERVER_ERROR`: unexpected; quote its `request_id`. A write may have committed.", [
    RestErrorCode.INTERNAL_SERVER_ERROR,
  ]),
  ServiceUnavailable: errorResponse(
    "`SERVICE_UNAVAILABLE`: the database cannot be reached. Retry after `Retry-After` seconds; a write may have committed.",
    [RestErrorCode.SERVICE_UNAVAILABLE],
    { "Retry-After": RETRY_AFTER },
  ),
};

/** The refusals every authenticated route may answer, by status. */
export function commonResponses(options: { readsBody: boolean }): Record<string, { $ref: string }> {
  return {
    "400": responseRef("BadRequest"),
    "401": responseRef("Unauthenticated"),
    ...(options.readsBody ? { "413": responseRef("PayloadTooLarge"), "415": responseRef("UnsupportedMediaType") } : {}),
    "429": responseRef("RateLimited"),
    "500": responseRef("InternalError"),
    "503": responseRef("ServiceUnavailable"),
  };
}

/** The 200 answer of a write that records a message: `message` (the route's fixed words), `conversation_id`, `workflow_id`. */
export function messageRecordedResponse(description: string, message: string): OpenApiResponse {
  return {
    description,
    content: {
      "application/json": {
        schema: envelope({
          type: "object",
          required: ["message", "conversation_id", "workflow_id"],
          properties: {
            message: { type: "string", const: message },
            conversation_id: {
              type: "string",
              pattern: "^conv_[0-9a-f]{32}$",
              description: "The conversation the message is in (GraphQL's `SmsConversation.id`).",
            },
            workflow_id: {
              type: "string",
              pattern: "^wf_[0-9a-f]{32}$",
              description: "The conversation's workflow, stable for its life.",
            },
          },
          additionalProperties: false,
        }),
      },
    },
  };
}
