import { SmsSender } from "../../entities/sms-sender.enum";
import type { EffectiveTimeoutConfig } from "./timeout-config";
import { TimerKind } from "../workflows/workflow-contract";

/** When a conversation's timers fire; null for a timer that is not pending. */
export interface PendingTimers {
  warningAt: Date | null;
  timeoutAt: Date | null;
}

export const NO_TIMERS: PendingTimers = { warningAt: null, timeoutAt: null };

/**
 * The timers after a message: an AGENT message (re)starts them, counted from the message, when
 * an effective timeOut is set; a USER message cancels them.
 */
export function planTimers(sender: SmsSender, config: EffectiveTimeoutConfig, sentAt: Date): PendingTimers {
  const timeOut = config.timeOut.value;
  if (sender !== SmsSender.AGENT || timeOut === null) return NO_TIMERS;
  const warning = config.warningTime.value;
  return {
    warningAt: warning !== null && warning < timeOut ? new Date(sentAt.getTime() + warning * 1000) : null,
    timeoutAt: new Date(sentAt.getTime() + timeOut * 1000),
  };
}

/** The timer that fires next, if any. */
export function nextTimer(timers: PendingTimers): { kind: TimerKind; fireAt: Date } | null {
  const { warningAt, timeoutAt } = timers;
  if (warningAt && (!timeoutAt || warningAt <= timeoutAt)) return { kind: TimerKind.WARNING, fireAt: warningAt };
  if (timeoutAt) return { kind: TimerKind.TIMEOUT, fireAt: timeoutAt };
  return null;
}
