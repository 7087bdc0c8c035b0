import { LIMITS } from "./limits";
import { isAcceptableText, TEXT_RULE } from "./text";

/**
 * Why an input value cannot be stored as given, or null when it can: a string that is not
 * acceptable text (TEXT_RULE), an object or array (a nested input, a JSON value such as
 * `requestData`) with such a key or string anywhere inside, or nested more than
 * LIMITS.jsonDepth levels deep. The message names `name` and the rule, never the value.
 */
export function textProblem(name: string, value: unknown): string | null {
  if (typeof value === "string") return isAcceptableText(value) ? null : `${name} must be ${TEXT_RULE}`;
  switch (inspect(value, 1)) {
    case "text":
      return `${name} must hold only ${TEXT_RULE}, in its keys and its strings`;
    case "depth":
      return `${name} must be nested at most ${LIMITS.jsonDepth} levels deep (objects and arrays inside one another)`;
    default:
      return null;
  }
}

/** Walks no deeper than the limit, so hostile nesting cannot exhaust the stack. */
function inspect(value: unknown, depth: number): "text" | "depth" | null {
  if (typeof value === "string") return isAcceptableText(value) ? null : "text";
  if (value === null || typeof value !== "object" || value instanceof Date) return null;
  if (depth > LIMITS.jsonDepth) return "depth";
  if (Array.isArray(value)) {
    for (const item of value) {
      const problem = inspect(item, depth + 1);
      if (problem) return problem;
    }
    return null;
  }
  for (const key of Object.keys(value)) {
    if (!isAcceptableText(key)) return "text";
    const problem = inspect((value as Record<string, unknown>)[key], depth + 1);
    if (problem) return problem;
  }
  return null;
}
