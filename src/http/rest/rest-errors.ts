import type { GraphQLError } from "graphql";
import { UserErrorCode } from "../../services/shared/user-error-code.enum";

/** One error of a REST answer: `field` names the body field (snake_case) or query parameter concerned, or is null. */
export interface RestError {
  code: string;
  message: string;
  field: string | null;
  /** On INTERNAL_SERVER_ERROR only: the id the server logged the failure under (also the `x-request-id` header). */
  request_id?: string;
}

/** Codes of the REST surface beyond the UserErrorCodes and the gate's (UNAUTHENTICATED, RATE_LIMITED). */
export const RestErrorCode = {
  /** The body is not JSON, not UTF-8, too large (413), or not sent as `application/json` (415). */
  BAD_REQUEST: "BAD_REQUEST",
  /** No such resource for this account (another account's is answered alike), or no such path. */
  NOT_FOUND: "NOT_FOUND",
  /** The path exists, with other methods (the `Allow` header lists them). */
  METHOD_NOT_ALLOWED: "METHOD_NOT_ALLOWED",
  SERVICE_UNAVAILABLE: "SERVICE_UNAVAILABLE",
  INTERNAL_SERVER_ERROR: "INTERNAL_SERVER_ERROR",
} as const;

/** The HTTP status of each problem a service reports. */
export const USER_ERROR_STATUS: Record<UserErrorCode, 400 | 409> = {
  [UserErrorCode.INVALID_INPUT]: 400,
  [UserErrorCode.INVALID_TIMEOUT_CONFIG]: 400,
  [UserErrorCode.AGENT_NUMBER_NOT_FOUND]: 400,
  [UserErrorCode.MESSAGE_SID_CONFLICT]: 409,
  [UserErrorCode.IDEMPOTENCY_KEY_CONFLICT]: 409,
  // The request is well formed; the recipient's state forbids it until they opt back in.
  [UserErrorCode.RECIPIENT_OPTED_OUT]: 409,
};

export const INTERNAL_ERROR_MESSAGE = "Internal server error. Quote the request_id (also the x-request-id header) when reporting it.";

/**
 * A request refused for a reason the caller can fix, thrown by a route and answered by the router
 * as `{ "data": null, "errors": [...] }` with `status`.
 */
export class RestProblem extends Error {
  constructor(
    readonly status: number,
    readonly errors: RestError[],
    readonly headers: Record<string, string> = {},
  ) {
    super(errors.map((error) => error.message).join("; "));
    this.name = "RestProblem";
  }
}

/** A 400 INVALID_INPUT about one field or parameter (or none). */
export function invalidInput(field: string | null, message: string): RestProblem {
  return new RestProblem(400, [{ code: UserErrorCode.INVALID_INPUT, message, field }]);
}

/** The RequestGate's errors (UNAUTHENTICATED, RATE_LIMITED), in REST's shape. */
export function fromGateErrors(errors: readonly GraphQLError[]): RestError[] {
  return errors.map((error) => ({ code: String(error.extensions.code), message: error.message, field: null }));
}
