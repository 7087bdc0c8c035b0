import { type ValidationArguments, type ValidationOptions, ValidateBy, buildMessage } from "class-validator";

/** The value differs from the sibling property `other`. */
export function DiffersFrom(other: string, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: "differsFrom",
      constraints: [other],
      validator: {
        validate: (value: unknown, args?: ValidationArguments) => value !== (args?.object as Record<string, unknown> | undefined)?.[other],
        defaultMessage: buildMessage((prefix) => `${prefix}$property must differ from $constraint1`, options),
      },
    },
    options,
  );
}
