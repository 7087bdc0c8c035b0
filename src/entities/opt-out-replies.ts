/** An agent number's texts for the replies to opt-out keywords (JSON `opt_out_replies`). Absent means the default. */
export interface OptOutReplies {
  /** Sent when a user opts out (STOP, …). */
  optOutMessage?: string | null;
  /** Sent when a user opts back in (START, UNSTOP, YES). */
  optInMessage?: string | null;
  /** Sent for HELP or INFO. */
  helpMessage?: string | null;
}
