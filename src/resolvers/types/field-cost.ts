/**
 * Own costs of fields that may hold much more than a scalar, about one point per KiB they may
 * hold (see src/http/limits/operation-cost.ts): a field without one costs 1.
 */
export const FIELD_COST = {
  /** `requestData`: a JSON object of up to 16 KiB. */
  jsonObject: 16,
  /** A message text: up to 1,600 characters. */
  text: 2,
} as const;
