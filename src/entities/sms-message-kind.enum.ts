export enum SmsMessageKind {
  /** A message of the conversation itself, sent by the user or the agent. */
  NORMAL = "NORMAL",
  /** Sent by the timeout flow after `warningTime` seconds of user silence. */
  TIMEOUT_WARNING = "TIMEOUT_WARNING",
  /** Sent by the timeout flow when it ends the conversation. */
  TIMEOUT_END = "TIMEOUT_END",
}
