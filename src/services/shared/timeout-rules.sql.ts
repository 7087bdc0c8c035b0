/**
 * The timeout settings' rules, written once, as SQL that every statement needing them embeds:
 * the write path (src/services/conversations/record-messages.sql.ts), the read of a
 * conversation's effective config, and the update of an agent number's config. TypeScript never
 * recomputes them; it reads what these expressions returned.
 */

/** Where an effective timeout value comes from. */
export enum TimeoutConfigSource {
  /** The conversation's own override. */
  CONVERSATION = "CONVERSATION",
  /** The agent number's config of the conversation's channel (`smsConfig` or `whatsappConfig`). */
  NUMBER_CONFIG = "NUMBER_CONFIG",
  /** Set nowhere. */
  NONE = "NONE",
}

/** Why the timeout rule refused a request. */
export enum TimeoutRuleViolation {
  /** A warningTime is in force but no timeOut is. */
  WARNING_NEEDS_TIME_OUT = "WARNING_NEEDS_TIME_OUT",
  /** The warningTime in force is not less than the timeOut in force. */
  WARNING_NOT_BELOW_TIME_OUT = "WARNING_NOT_BELOW_TIME_OUT",
}

/** The four settings: the conversation's override column, the number config's JSON key, the SQL type. */
export const TIMEOUT_SETTINGS = [
  { key: "timeOut", column: "time_out", type: "int" },
  { key: "warningTime", column: "warning_time", type: "int" },
  { key: "timeoutMessage", column: "timeout_message", type: "text" },
  { key: "warningMessage", column: "warning_message", type: "text" },
] as const;

export type TimeoutSettingKey = (typeof TIMEOUT_SETTINGS)[number]["key"];

/** A setting in force and where it comes from. */
export interface EffectiveValue<T> {
  value: T | null;
  source: TimeoutConfigSource;
}

/** The timeout settings in force for a conversation, as effectiveSettingsSql computed them. */
export interface EffectiveTimeoutConfig {
  timeOut: EffectiveValue<number>;
  warningTime: EffectiveValue<number>;
  timeoutMessage: EffectiveValue<string>;
  warningMessage: EffectiveValue<string>;
}

/** A row holding effectiveSettingsSql's columns, as an EffectiveTimeoutConfig. */
export function effectiveSettingsOf(row: Record<string, unknown>): EffectiveTimeoutConfig {
  return Object.fromEntries(
    TIMEOUT_SETTINGS.map(({ key, column }) => [
      key,
      { value: row[`effective_${column}`] ?? null, source: row[`effective_${column}_source`] as TimeoutConfigSource },
    ]),
  ) as unknown as EffectiveTimeoutConfig;
}

/**
 * The effective value of each setting and its source, as SQL select-list items named
 * `effective_<column>` and `effective_<column>_source`: the conversation's override (the value
 * given by the request, if any, else the stored one), else the number config's.
 *
 * @param override SQL of the override column's alias, e.g. `o` for `o.time_out`.
 * @param config SQL of the number config of the conversation's channel (jsonb), e.g. `n.sms_config`.
 */
export function effectiveSettingsSql(override: string, config: string): string {
  return TIMEOUT_SETTINGS.map(({ key, column, type }) => {
    const fromConfig = `(${config}->>'${key}')::${type}`;
    return `COALESCE(${override}.${column}, ${fromConfig}) AS effective_${column},
      CASE WHEN ${override}.${column} IS NOT NULL THEN '${TimeoutConfigSource.CONVERSATION}'
           WHEN ${fromConfig} IS NOT NULL THEN '${TimeoutConfigSource.NUMBER_CONFIG}'
           ELSE '${TimeoutConfigSource.NONE}' END AS effective_${column}_source`;
  }).join(",\n      ");
}

/**
 * The timeout rule: warningTime must be less than the timeOut in force, and needs one. Checked
 * only when `checked` holds — a request that sets timeOut or warningTime, so that settings
 * stored earlier never refuse a later turn. NULL when the rule holds, else a
 * TimeoutRuleViolation.
 */
export function timeoutRuleSql(warningTime: string, timeOut: string, checked: string): string {
  return `CASE WHEN NOT (${checked}) OR ${warningTime} IS NULL THEN NULL
    WHEN ${timeOut} IS NULL THEN '${TimeoutRuleViolation.WARNING_NEEDS_TIME_OUT}'
    WHEN ${warningTime} >= ${timeOut} THEN '${TimeoutRuleViolation.WARNING_NOT_BELOW_TIME_OUT}' END`;
}

/**
 * When a message leaves the timers, as SQL select-list items `warning_at` and `timeout_at`: an
 * AGENT message starts them, counted from when it was sent (`sentAt`), when a timeOut is in force
 * (the warning only when its time is below it); any other message cancels them.
 */
export function plannedTimersSql(sender: string, sentAt: string, timeOut: string, warningTime: string): string {
  return `CASE WHEN ${sender} = 'AGENT' AND ${timeOut} IS NOT NULL AND ${warningTime} < ${timeOut}
      THEN ${sentAt} + make_interval(secs => ${warningTime}) END AS warning_at,
    CASE WHEN ${sender} = 'AGENT' AND ${timeOut} IS NOT NULL
      THEN ${sentAt} + make_interval(secs => ${timeOut}) END AS timeout_at`;
}
