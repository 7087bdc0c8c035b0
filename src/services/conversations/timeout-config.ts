import type { TimeoutSettings } from "../../entities/timeout-settings";
import { UserErrorCode } from "../shared/user-error-code.enum";
import type { UserInputProblem } from "../shared/user-input-error";

/** Where an effective timeout value comes from. */
export enum TimeoutConfigSource {
  /** The conversation's own override. */
  CONVERSATION = "CONVERSATION",
  /** The agent number's channel config (`smsConfig`). */
  NUMBER_CONFIG = "NUMBER_CONFIG",
  /** Set nowhere. */
  NONE = "NONE",
}

export interface EffectiveValue<T> {
  value: T | null;
  source: TimeoutConfigSource;
}

export interface EffectiveTimeoutConfig {
  timeOut: EffectiveValue<number>;
  warningTime: EffectiveValue<number>;
  timeoutMessage: EffectiveValue<string>;
  warningMessage: EffectiveValue<string>;
}

const KEYS = ["timeOut", "warningTime", "timeoutMessage", "warningMessage"] as const;

/** Each value from the conversation override if set, else from the number's config. */
export function resolveTimeoutConfig(overrides: TimeoutSettings, numberConfig: TimeoutSettings): EffectiveTimeoutConfig {
  const pick = <T>(override: T | null | undefined, fallback: T | null | undefined): EffectiveValue<T> => {
    if (override !== null && override !== undefined) return { value: override, source: TimeoutConfigSource.CONVERSATION };
    if (fallback !== null && fallback !== undefined) return { value: fallback, source: TimeoutConfigSource.NUMBER_CONFIG };
    return { value: null, source: TimeoutConfigSource.NONE };
  };
  return {
    timeOut: pick(overrides.timeOut, numberConfig.timeOut),
    warningTime: pick(overrides.warningTime, numberConfig.warningTime),
    timeoutMessage: pick(overrides.timeoutMessage, numberConfig.timeoutMessage),
    warningMessage: pick(overrides.warningMessage, numberConfig.warningMessage),
  };
}

/** Overrides after a request: each given value replaces the stored one; omitted ones stay. */
export function mergeTimeoutOverrides(stored: TimeoutSettings, given: TimeoutSettings): TimeoutSettings {
  const merged: TimeoutSettings = { ...stored };
  for (const key of KEYS) {
    const value = given[key];
    if (value !== null && value !== undefined) (merged as Record<string, unknown>)[key] = value;
  }
  return merged;
}

const describe = (source: TimeoutConfigSource): string =>
  source === TimeoutConfigSource.CONVERSATION ? "conversation override" : "agent number's smsConfig";

/**
 * warningTime must be less than the effective timeOut, and needs one. Checked only when the
 * request sets one of the two, so a later change of the number's config never blocks a turn.
 */
export function checkTimeoutConfig(config: EffectiveTimeoutConfig, given: TimeoutSettings): UserInputProblem | null {
  const gaveWarning = given.warningTime !== null && given.warningTime !== undefined;
  const gaveTimeOut = given.timeOut !== null && given.timeOut !== undefined;
  if (!gaveWarning && !gaveTimeOut) return null;
  const warning = config.warningTime;
  if (warning.value === null) return null;
  const field = gaveWarning ? "warningTime" : "timeOut";
  if (config.timeOut.value === null) {
    return {
      code: UserErrorCode.INVALID_TIMEOUT_CONFIG,
      field,
      message: `warningTime (${warning.value} s) needs a timeOut, but none is set on the conversation or the agent number's smsConfig; send timeOut too`,
    };
  }
  if (warning.value >= config.timeOut.value) {
    return {
      code: UserErrorCode.INVALID_TIMEOUT_CONFIG,
      field,
      message:
        `warningTime (${warning.value} s, ${describe(warning.source)}) must be less than timeOut ` +
        `(${config.timeOut.value} s, ${describe(config.timeOut.source)})`,
    };
  }
  return null;
}
