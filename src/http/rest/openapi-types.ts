/**
 * The parts of an OpenAPI 3.1 document Parley writes, typed loosely: the document's shape is held
 * by `npm run openapi:lint` (Redocly) and every REST answer of the tests by ajv against it.
 */

/** A JSON Schema (2020-12, the dialect of OpenAPI 3.1). */
export type JsonSchema = { [keyword: string]: unknown };

export interface OpenApiParameter {
  name: string;
  in: "query" | "path" | "header";
  required?: boolean;
  description: string;
  schema: JsonSchema;
  /** How a JSON-valued query parameter is described (`content`) instead of `schema`. */
  [more: string]: unknown;
}

export interface OpenApiResponse {
  description: string;
  headers?: Record<string, unknown>;
  content?: Record<string, { schema: JsonSchema; [more: string]: unknown }>;
}

export interface OpenApiOperation {
  operationId: string;
  summary: string;
  description: string;
  tags: string[];
  /** `[]` for an operation without a key. (Default: the document's: the API key) */
  security?: Array<Record<string, string[]>>;
  parameters?: Array<OpenApiParameter | { $ref: string }>;
  requestBody?: { required: boolean; content: Record<string, { schema: JsonSchema; [more: string]: unknown }> };
  /** By status: a response, or a `$ref` to one of components.responses. */
  responses: Record<string, OpenApiResponse | { $ref: string }>;
}
