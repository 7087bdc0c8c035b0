/** The two timers of the silence-timeout flow. */
export enum TimerKind {
  /** Sends the warning message after `warningTime` seconds of user silence. */
  WARNING = "WARNING",
  /** Sends the timeout message and ends the conversation after `timeOut` seconds. */
  TIMEOUT = "TIMEOUT",
}

/** graphile-worker job_key of a conversation's timer: a newer schedule replaces the pending job. */
export function timerJobKey(conversationId: string, kind: TimerKind): string {
  return `timer:${conversationId}:${kind.toLowerCase()}`;
}
