/**
 * Timeout settings as stored on an agent number's `sms_config` / `whatsapp_config` (JSON) and,
 * column by column, as a conversation's overrides. Absent means "not set here".
 */
export interface TimeoutSettings {
  /** Seconds of user silence after an agent message before the conversation ends. */
  timeOut?: number | null;
  /** Sent when the conversation times out. */
  timeoutMessage?: string | null;
  /** Seconds of user silence before the warning message; less than `timeOut`. */
  warningTime?: number | null;
  /** Sent at `warningTime`. */
  warningMessage?: string | null;
}
