import { type ValidationOptions, ValidateBy, buildMessage } from "class-validator";

/** The value, serialised as JSON, takes at most `maxBytes` bytes of UTF-8. */
export function MaxJsonBytes(maxBytes: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: "maxJsonBytes",
      constraints: [maxBytes],
      validator: {
        validate: (value: unknown) => Buffer.byteLength(JSON.stringify(value) ?? "", "utf8") <= maxBytes,
        defaultMessage: buildMessage((prefix) => `${prefix}$property must be at most $constraint1 bytes as JSON`, options),
      },
    },
    options,
  );
}
