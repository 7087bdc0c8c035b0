import { validate } from "class-validator";
import { GraphQLError } from "graphql";
import type { ResolverData } from "type-graphql";
import { UserErrorCode } from "../services/shared/user-error-code.enum";
import { UserError } from "./types/user-error.type";
import { textProblem } from "./validation/text-problem";

/**
 * Runs the rules of an input object and returns them as `userErrors` (one per broken rule), so
 * bad values are answered in the payload rather than as top-level errors. Every property is
 * first held to the text rule (textProblem), whatever its decorators; a property that breaks it
 * gets that one error and is not checked further.
 */
export async function validateInput(input: object, argumentName = "input"): Promise<UserError[]> {
  const refused: UserError[] = [];
  let checked = input;
  for (const [property, value] of Object.entries(input)) {
    const message = textProblem(property, value);
    if (message === null) continue;
    refused.push(invalidInput([argumentName, property], message));
    // Other rules never see the value: one error per property, and no rule walks hostile nesting.
    if (checked === input) checked = Object.assign(Object.create(Object.getPrototypeOf(input) as object) as object, input);
    (checked as Record<string, unknown>)[property] = undefined;
  }
  const errors = await validate(checked, {
    forbidUnknownValues: true,
    // Never echo the input back: it may hold personal data.
    validationError: { target: false, value: false },
  });
  const refusedProperties = new Set(refused.map((error) => error.field![1]));
  return [
    ...refused,
    ...errors
      .filter((error) => !refusedProperties.has(error.property))
      .flatMap((error) => Object.values(error.constraints ?? {}).map((message) => invalidInput([argumentName, error.property], message))),
  ];
}

/** For query arguments: broken rules become one top-level BAD_USER_INPUT error. */
export async function assertValidArgs(args: object, argumentName: string): Promise<void> {
  const invalid = await validateInput(args, argumentName);
  if (invalid.length > 0) throw badUserInput(invalid.map((error) => error.message).join("; "), argumentName);
}

/**
 * type-graphql's `validateFn`, run before every resolver with arguments: an argument that breaks
 * the text rule (textProblem) is a top-level BAD_USER_INPUT. Mutations are left to their
 * resolver, whose validateInput answers the same rule in the payload's userErrors.
 */
export function refuseUnacceptableText(_value: unknown, _type: unknown, { args, info }: ResolverData): void {
  if (info.parentType === info.schema.getMutationType()) return;
  assertAcceptableArguments(args);
}

/** Throws BAD_USER_INPUT naming the first of a field's arguments that breaks the text rule (textProblem). */
export function assertAcceptableArguments(args: Record<string, unknown>): void {
  for (const name in args) {
    const message = textProblem(name, args[name]);
    if (message !== null) throw badUserInput(message, name);
  }
}

function invalidInput(field: string[], message: string): UserError {
  return Object.assign(new UserError(), { code: UserErrorCode.INVALID_INPUT, field, message });
}

function badUserInput(message: string, argument: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "BAD_USER_INPUT", argument } });
}
