import Ajv2020, { type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { buildOpenApiDocument } from "../../src/http/rest/openapi";
import { REST_ROUTES } from "../../src/http/rest/rest-routes";

/*
 * Every REST request of the tests goes through `rest()`, which holds every answer to the OpenAPI
 * document (JSON Schema 2020-12, ajv): the operation must document the status, and the body must
 * match its schema. Paths and methods the document does not have are held to the error envelope.
 */

export interface RestResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface RestRequestOptions {
  apiKey?: string | null;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as is (with `content-type: application/json` unless `headers` says otherwise). */
  rawBody?: string | Buffer;
  /** Added to the URL's query string. */
  query?: Record<string, string>;
  headers?: Record<string, string>;
}

const document = buildOpenApiDocument(REST_ROUTES) as {
  paths: Record<string, Record<string, { responses: Record<string, { $ref?: string }> }>>;
  components: { responses: Record<string, unknown> };
};
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
// The document is added whole, so that its `#/components/...` references resolve; its own
// top-level fields are no schema keywords, and are declared so (they validate nothing).
for (const keyword of Object.keys(document)) ajv.addKeyword({ keyword });
ajv.addSchema(document, "openapi");

const pointer = (...segments: string[]) => segments.map((segment) => segment.replace(/~/g, "~0").replace(/\//g, "~1")).join("/");
const validators = new Map<string, ValidateFunction>();

function validatorAt(path: string): ValidateFunction {
  let validate = validators.get(path);
  if (!validate) {
    validate = ajv.getSchema(`openapi#/${path}`);
    if (!validate) throw new Error(`no schema at ${path}`);
    validators.set(path, validate);
  }
  return validate;
}

const templates = Object.keys(document.paths).map((template) => ({
  template,
  pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`, "i"),
}));

/** Where the document says what `method path` answers with `status`; undefined for a path or method it does not have. */
export function responseSchemaPath(method: string, path: string, status: number): string | undefined {
  const template = templates.find(({ pattern }) => pattern.test(path))?.template;
  const operation = template ? document.paths[template][method.toLowerCase()] : undefined;
  if (!template || !operation) return undefined;
  const response = operation.responses[String(status)];
  if (!response) throw new Error(`${method} ${template} answered ${status}, which the OpenAPI document does not list`);
  const at = response.$ref ? response.$ref.slice(2) : pointer("paths", template, method.toLowerCase(), "responses", String(status));
  return `${at}/content/${pointer("application/json")}/schema`;
}

/** The envelope of any refusal: what a path or method outside the document is answered with (404, 405). */
const errorEnvelope = ajv.compile({
  type: "object",
  required: ["data", "errors"],
  properties: { data: { type: "null" }, errors: { type: "array", minItems: 1, items: { $ref: "openapi#/components/schemas/Error" } } },
  additionalProperties: false,
});

/** Throws unless `body` is what the document says `method path` answers with `status`. */
export function expectMatchesOpenApi(method: string, path: string, status: number, body: unknown): void {
  const at = responseSchemaPath(method, path, status);
  if (at === undefined && status !== 404 && status !== 405) throw new Error(`${method} ${path} answered ${status} outside the document`);
  const validate = at === undefined ? errorEnvelope : validatorAt(at);
  if (!validate(body)) {
    throw new Error(
      `${method} ${path} answered ${status} with a body the OpenAPI document does not allow:\n${ajv.errorsText(validate.errors, { separator: "\n" })}\n${JSON.stringify(body)}`,
    );
  }
}

/** A REST request to a running Parley; its answer is held to the OpenAPI document before it is returned. */
export async function rest<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  options: RestRequestOptions = {},
): Promise<RestResponse<T>> {
  const url = new URL(path, baseUrl);
  for (const [name, value] of Object.entries(options.query ?? {})) url.searchParams.set(name, value);
  const hasBody = options.body !== undefined || options.rawBody !== undefined;
  const response = await fetch(url, {
    method,
    headers: {
      ...(hasBody ? { "content-type": "application/json" } : {}),
      ...(options.apiKey ? { authorization: options.apiKey } : {}),
      ...options.headers,
    },
    body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await response.text();
  expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
  const body = JSON.parse(text) as T;
  expectMatchesOpenApi(method, url.pathname, response.status, body);
  return { status: response.status, headers: response.headers, body };
}
