import type { GraphQLResponse } from "@apollo/server";
import type { GraphQLFormattedError } from "graphql";

/** What a client is told to wait before it retries while the database is unavailable, in seconds (`Retry-After`). */
export const RETRY_AFTER_SECONDS = 2;

export const SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE";

export const SERVICE_UNAVAILABLE_MESSAGE =
  "The service is temporarily unavailable. Retry the request after the number of seconds in the Retry-After header.";

/** An error of an unavailable database as the caller sees it: the code and a fixed message, nothing of the cause. */
export function formatServiceUnavailable(formatted: GraphQLFormattedError): GraphQLFormattedError {
  return {
    message: SERVICE_UNAVAILABLE_MESSAGE,
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: SERVICE_UNAVAILABLE },
  };
}

/** An answer holding a SERVICE_UNAVAILABLE error goes out as HTTP 503 with Retry-After (from Apollo's willSendResponse). */
export function answerServiceUnavailable(response: GraphQLResponse): void {
  if (response.body.kind !== "single") return;
  if (!response.body.singleResult.errors?.some((error) => error.extensions?.code === SERVICE_UNAVAILABLE)) return;
  response.http.status = 503;
  response.http.headers.set("retry-after", String(RETRY_AFTER_SECONDS));
}
