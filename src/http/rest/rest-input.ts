import type { UserError } from "../../resolvers/types/user-error.type";
import type { UserInputProblem } from "../../services/shared/user-input-error";
import { invalidInput, type RestError, RestProblem, USER_ERROR_STATUS } from "./rest-errors";

/**
 * REST bodies are snake_case JSON; the input classes they map onto (the ones GraphQL validates)
 * are camelCase. These helpers cross between the two, so that a REST caller reads only its own
 * names: in `field` and in messages alike.
 */

/** `userNumber` → `user_number`. */
export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** A name shaped like an identifier: a caller's unknown field is named back only when it is one (never arbitrary text). */
const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/**
 * A message of our validation or of a service, with every camelCase name spelled as the REST
 * caller knows it: `renames` (e.g. agentNumber → phone_number), else snake_case. These messages
 * quote no caller text, so nothing of the caller's is rewritten.
 */
export function restMessage(message: string, renames: Readonly<Record<string, string>> = {}): string {
  return message.replace(/\b[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+\b/g, (word) => renames[word] ?? snakeCase(word));
}

/**
 * The body as an object holding only `allowed` fields, or a 400 INVALID_INPUT that lists them.
 * `path` prefixes the field named (`sms_config.`) for a nested object.
 */
export function bodyFields(body: unknown, allowed: readonly string[], path = ""): Record<string, unknown> {
  const subject = path ? path.slice(0, -1) : "the body";
  const subjectField = path ? subject : null;
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw invalidInput(subjectField, `${subject} must be a JSON object with only the fields ${allowed.join(", ")}`);
  const unknown = Object.keys(body).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    const named = unknown.find((key) => IDENTIFIER.test(key));
    const what = named === undefined ? `${subject} has an unknown field` : `${path}${named} is not a field of ${subject}`;
    throw invalidInput(named === undefined ? subjectField : `${path}${named}`, `${what}; it may hold only ${allowed.join(", ")}`);
  }
  return body as Record<string, unknown>;
}

/**
 * The given snake_case fields of `source` copied onto `target` under their camelCase names (a
 * field absent stays absent; null stays null: "not given" for create, "clear" for update).
 */
export function assignFields<T extends object>(target: T, source: Record<string, unknown>, names: Readonly<Record<string, string>>): T {
  for (const [restName, inputName] of Object.entries(names)) {
    if (Object.hasOwn(source, restName)) (target as Record<string, unknown>)[inputName] = source[restName];
  }
  return target;
}

/**
 * validateInput's userErrors as one 400 INVALID_INPUT answer in REST's names, or nothing when
 * there are none. A value of the wrong JSON type breaks several rules with one message (IsInt,
 * Min and Max all say "must be an integer from 1 to …"): each message is said once per field.
 */
export function refuseInvalid(userErrors: readonly UserError[], renames: Readonly<Record<string, string>> = {}): void {
  if (userErrors.length === 0) return;
  const errors = new Map<string, RestError>();
  for (const { code, field, message } of userErrors) {
    const property = field?.at(-1);
    const error = {
      code,
      message: restMessage(message, renames),
      field: property === undefined ? null : (renames[property] ?? snakeCase(property)),
    };
    errors.set(`${error.field}|${error.message}`, error);
  }
  throw new RestProblem(400, [...errors.values()]);
}

/** A service's problem as its REST answer: the status of its code (USER_ERROR_STATUS), its field in REST's names. */
export function problemAnswer(problem: UserInputProblem, renames: Readonly<Record<string, string>> = {}): RestProblem {
  return new RestProblem(USER_ERROR_STATUS[problem.code], [
    { code: problem.code, message: restMessage(problem.message, renames), field: renames[problem.field] ?? snakeCase(problem.field) },
  ]);
}
