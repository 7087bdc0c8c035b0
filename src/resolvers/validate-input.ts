import { validate } from "class-validator";
import { GraphQLError } from "graphql";
import { UserErrorCode } from "../services/user-error-code.enum";
import { UserError } from "./types/user-error.type";

/**
 * Runs the class-validator rules of an input object and returns them as `userErrors` (one per
 * broken rule), so bad values are answered in the payload rather than as top-level errors.
 */
export async function validateInput(input: object, argumentName = "input"): Promise<UserError[]> {
  const errors = await validate(input, {
    forbidUnknownValues: true,
    // Never echo the input back: it may hold personal data.
    validationError: { target: false, value: false },
  });
  return errors.flatMap((error) =>
    Object.values(error.constraints ?? {}).map((message) =>
      Object.assign(new UserError(), { code: UserErrorCode.INVALID_INPUT, field: [argumentName, error.property], message }),
    ),
  );
}

/** For query arguments: broken rules become one top-level BAD_USER_INPUT error. */
export async function assertValidArgs(args: object, argumentName: string): Promise<void> {
  const invalid = await validateInput(args, argumentName);
  if (invalid.length > 0) {
    throw new GraphQLError(invalid.map((error) => error.message).join("; "), {
      extensions: { code: "BAD_USER_INPUT", argument: argumentName },
    });
  }
}
