import type { IncomingMessage, ServerResponse } from "node:http";
import bodyParser from "body-parser";
import { INVALID_UTF8_BODY, INVALID_UTF8_MESSAGE, refuseInvalidUtf8 } from "./utf8-body";

/** The body as JSON (undefined for none, or another content type), or why it could not be read: 400, or 413 over the limit. */
export type JsonBody = { ok: true; body: unknown } | { ok: false; status: number; message: string };

/**
 * Reads a request's JSON body as express.json() did, for every surface alike: body-parser's JSON
 * parser up to `bodyLimit` (e.g. `256kb`), a UTF-8 body held to valid UTF-8 (refuseInvalidUtf8).
 * A body it cannot read is answered by the caller with the status and message returned, which
 * name the rule and never the content. A failure other than the request's own is thrown.
 */
export function createJsonBodyReader(bodyLimit = "256kb"): (req: IncomingMessage, res: ServerResponse) => Promise<JsonBody> {
  const parseJson = bodyParser.json({ limit: bodyLimit, verify: refuseInvalidUtf8 });
  return (req, res) =>
    new Promise<JsonBody>((resolve, reject) =>
      parseJson(req, res, (error?: BodyError) => {
        if (!error) {
          resolve({ ok: true, body: (req as IncomingMessage & { body?: unknown }).body });
          return;
        }
        const { status, type } = error;
        if (!status || status < 400 || status >= 500) {
          reject(error);
          return;
        }
        const message =
          type === "entity.parse.failed"
            ? "The request body is not valid JSON."
            : type === "entity.too.large"
              ? `The request body is larger than ${bodyLimit}.`
              : type === INVALID_UTF8_BODY
                ? INVALID_UTF8_MESSAGE
                : "The request could not be read.";
        resolve({ ok: false, status, message });
      }),
    );
}

/** What body-parser rejects with: an HTTP status and a reason. */
interface BodyError extends Error {
  status?: number;
  type?: string;
}
