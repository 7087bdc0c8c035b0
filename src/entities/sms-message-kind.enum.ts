export enum SmsMessageKind {
  /** A message of the conversation itself, sent by the user or the agent. */
  NORMAL = "NORMAL",
  /** Sent by the timeout flow after `warningTime` seconds of user silence. */
  TIMEOUT_WARNING = "TIMEOUT_WARNING",
  /** Sent by the timeout flow when it ends the conversation. */
  TIMEOUT_END = "TIMEOUT_END",
  /** Parley's answer to an opt-out keyword (STOP, …): the user is opted out. */
  OPT_OUT_CONFIRMATION = "OPT_OUT_CONFIRMATION",
  /** Parley's answer to an opt-in keyword (START, UNSTOP, YES): the user is opted back in. */
  OPT_IN_CONFIRMATION = "OPT_IN_CONFIRMATION",
  /** Parley's answer to HELP or INFO. */
  HELP_REPLY = "HELP_REPLY",
}
