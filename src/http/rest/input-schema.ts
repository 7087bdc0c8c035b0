import { validationMetadatasToSchemas } from "class-validator-jsonschema";
import { getMetadataStorage } from "type-graphql";
import { restMessage } from "./rest-input";
import type { JsonSchema } from "./openapi-types";

/**
 * JSON Schemas of REST bodies generated from the input classes' class-validator rules — the rules
 * validateInput runs on every surface — by class-validator-jsonschema, with the custom rules of
 * src/resolvers/validation/ converted below. A rule JSON Schema cannot state (the text rule, a
 * size in bytes, two fields that must differ) is left to the field's description.
 */

/**
 * Converters by rule name, as class-validator-jsonschema keys them: our own decorators
 * (src/resolvers/validation/), and class-validator's IsObject, which it lacks. A rule without one
 * would become a `$ref` to its property's TypeScript type: inputSchema refuses that.
 */
const CUSTOM_RULES: Record<string, (constraints: unknown[]) => JsonSchema> = {
  isObject: () => ({ type: "object" }),
  textLength: ([min, max]) => ({ type: "string", minLength: min, maxLength: max }),
  maxJsonBytes: () => ({}),
  differsFrom: () => ({}),
};

/** Every class-validator-decorated class's schema, by class name: of the classes loaded so far. */
function classSchemas(): Record<string, JsonSchema> {
  return validationMetadatasToSchemas({
    additionalConverters: Object.fromEntries(
      Object.entries(CUSTOM_RULES).map(([name, rule]) => [name, (meta: { constraints: unknown[] }) => rule(meta.constraints)]),
    ),
  }) as Record<string, JsonSchema>;
}

/**
 * The JSON Schema of a REST body made of `inputClass`'s fields: `names` maps each REST field
 * (snake_case) to the class's property; required as the class requires; `null` allowed where the
 * class allows it (optional fields); no other field allowed. Descriptions are the GraphQL
 * fields', in REST's names.
 */
export function inputSchema(inputClass: new () => object, names: Readonly<Record<string, string>>): JsonSchema {
  const source = classSchemas()[inputClass.name];
  if (!source) throw new Error(`${inputClass.name} has no validation rules`);
  const sourceProperties = (source.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((source.required ?? []) as string[]);
  const renames = Object.fromEntries(Object.entries(names).map(([restName, property]) => [property, restName]));
  const descriptions = new Map(
    getMetadataStorage()
      .fields.filter((field) => field.target === inputClass)
      .map((field) => [field.name, field.description]),
  );
  const properties: Record<string, JsonSchema> = {};
  for (const [restName, property] of Object.entries(names)) {
    const rules = sourceProperties[property];
    if (!rules) throw new Error(`${inputClass.name}.${property} has no validation rules`);
    if (JSON.stringify(rules).includes('"$ref"'))
      throw new Error(`${inputClass.name}.${property} has a rule with no JSON Schema conversion`);
    const description = descriptions.get(property);
    properties[restName] = {
      ...(required.has(property) ? rules : nullable(rules)),
      ...(description ? { description: restMessage(description, renames) } : {}),
    };
  }
  return {
    type: "object",
    properties,
    required: Object.entries(names)
      .filter(([, property]) => required.has(property))
      .map(([restName]) => restName),
    additionalProperties: false,
  };
}

/** `rules`, also allowing null (JSON's "not given"). */
function nullable(rules: JsonSchema): JsonSchema {
  const withNull: JsonSchema = { ...rules };
  if (typeof rules.type === "string") withNull.type = [rules.type, "null"];
  if (Array.isArray(rules.enum)) withNull.enum = [...(rules.enum as unknown[]), null];
  if (rules.type === undefined && rules.enum === undefined) return { anyOf: [rules, { type: "null" }] };
  return withNull;
}
