import { type ValidationOptions, ValidateBy, buildMessage } from "class-validator";
import { countCodePoints } from "./text";

/**
 * A string of `min` to `max` characters, counted as Unicode code points (countCodePoints).
 * class-validator's Length counts with validator.js, which leaves out variation selectors.
 */
export function TextLength(min: number, max: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: "textLength",
      constraints: [min, max],
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== "string") return false;
          const length = countCodePoints(value);
          return length >= min && length <= max;
        },
        defaultMessage: buildMessage((prefix) => `${prefix}$property must be $constraint1 to $constraint2 characters`, options),
      },
    },
    options,
  );
}
