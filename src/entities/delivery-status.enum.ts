export enum DeliveryStatus {
  /** Waiting for an SMS provider to pick it up, or for the webhook to accept it. */
  QUEUED = "QUEUED",
  /** Accepted by the webhook (a 2xx answer) or marked sent by the provider. */
  SENT = "SENT",
  /** The webhook refused it on every attempt. */
  FAILED = "FAILED",
}
