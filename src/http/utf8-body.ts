import { isUtf8 } from "node:buffer";
import type { IncomingMessage, ServerResponse } from "node:http";

/** body-parser's error `type` for a body declared UTF-8 that is not. */
export const INVALID_UTF8_BODY = "entity.encoding.invalid";
export const INVALID_UTF8_MESSAGE = "The request body is not valid UTF-8.";

/**
 * body-parser's `verify`: a UTF-8 body (the default charset) must be valid UTF-8. Decoding would
 * otherwise turn bad bytes into U+FFFD silently, storing something other than what was sent.
 * Answered with 400 and `type` INVALID_UTF8_BODY.
 */
export function refuseInvalidUtf8(_req: IncomingMessage, _res: ServerResponse, body: Buffer, encoding: string | null): void {
  if (encoding === "utf-8" && !isUtf8(body)) {
    throw Object.assign(new Error(INVALID_UTF8_MESSAGE), { status: 400, type: INVALID_UTF8_BODY });
  }
}
