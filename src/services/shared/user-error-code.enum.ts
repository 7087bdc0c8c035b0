/** Why a request was refused in a way the caller can fix. */
export enum UserErrorCode {
  /** A value failed validation (format, length or range); the message names the rule. */
  INVALID_INPUT = "INVALID_INPUT",
  /** warningTime is not less than the effective timeOut, or there is no timeOut to warn before. */
  INVALID_TIMEOUT_CONFIG = "INVALID_TIMEOUT_CONFIG",
  /** The agent number is not registered to the calling account. */
  AGENT_NUMBER_NOT_FOUND = "AGENT_NUMBER_NOT_FOUND",
  /** The messageSid was already used for a different message. */
  MESSAGE_SID_CONFLICT = "MESSAGE_SID_CONFLICT",
  /** The idempotencyKey of a send was already used for a different message. */
  IDEMPOTENCY_KEY_CONFLICT = "IDEMPOTENCY_KEY_CONFLICT",
  /** The user opted out (STOP, …) of the agent number's messages and has not opted back in (START, …): an agent message is refused. */
  RECIPIENT_OPTED_OUT = "RECIPIENT_OPTED_OUT",
}
