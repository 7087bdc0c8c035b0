import fs from "node:fs";
import path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { CREATE_FIELDS } from "../src/http/rest/create-sms-conversation.route";
import { assignFields } from "../src/http/rest/rest-input";
import { buildOpenApiDocument, printOpenApiDocument } from "../src/http/rest/openapi";
import { REST_ROUTES } from "../src/http/rest/rest-routes";
import { CreateSmsConversationInput } from "../src/resolvers/inputs/create-sms-conversation.input";
import { validateInput } from "../src/resolvers/validate-input";
import { type Harness, startHarness } from "./support/harness";

/*
 * The OpenAPI document: committed fresh, served as committed, and its request schemas generated
 * from the same class-validator rules validateInput runs (class-validator-jsonschema), so a body
 * the schema allows is one the rules allow, and the other way round.
 */

describe("openapi.json", () => {
  it("is what the code generates (run `npm run openapi:print` after changing the REST surface)", () => {
    const committed = fs.readFileSync(path.join(__dirname, "..", "openapi.json"), "utf8");
    expect(committed).toBe(printOpenApiDocument(REST_ROUTES));
  });

  describe("served", () => {
    let harness: Harness;
    beforeAll(async () => {
      harness = await startHarness({ runWorker: false });
    });
    afterAll(() => harness.close());

    it("at GET /v1/openapi.json, without a key, as committed", async () => {
      const response = await fetch(`${harness.baseUrl}/v1/openapi.json`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
      expect(await response.json()).toEqual(buildOpenApiDocument(REST_ROUTES));
    });
  });
});

describe("the create body's JSON Schema", () => {
  const document = buildOpenApiDocument(REST_ROUTES) as any;
  const schema = document.paths["/v1/sms/create"].post.requestBody.content["application/json"].schema;
  const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
  addFormats(ajv);
  const allows = ajv.compile(schema);
  const base = { user_number: "+15555550123", agent_number: "+15555550100", message: "hi" };

  it("is generated from the input class's rules: required fields, patterns, lengths in code points, ranges, enums, types, null", () => {
    expect(schema.required).toEqual(["user_number", "agent_number", "message"]);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.user_number).toMatchObject({ type: "string", pattern: "^\\+[1-9]\\d{1,14}$" });
    expect(schema.properties.message).toMatchObject({ type: "string", minLength: 1, maxLength: 1600 });
    expect(schema.properties.time_out).toMatchObject({ type: ["integer", "null"], minimum: 1, maximum: 2592000 });
    expect(schema.properties.sender).toMatchObject({ enum: ["USER", "AGENT", null] });
    expect(schema.properties.curr_pathway_id).toMatchObject({ type: ["string", "null"], format: "uuid" });
    expect(schema.properties.request_data).toMatchObject({ type: ["object", "null"] });
    expect(schema.properties.warning_time.description).toMatch(/`time_out`/);
  });

  it.each([
    ["the required fields", {}],
    [
      "a full body",
      {
        message_sid: "SM1",
        curr_pathway_id: "123e4567-e89b-12d3-a456-426614174000",
        new_conversation: true,
        sender: "AGENT",
        time_out: 600,
        warning_time: 300,
        request_data: { a: 1 },
      },
    ],
    ["nulls for optional fields", { message_sid: null, time_out: null, sender: null, request_data: null, new_conversation: null }],
    ["a message of 1600 emoji", { message: "👍".repeat(1600) }],
    ["a message of 1601 emoji", { message: "👍".repeat(1601) }],
    ["an empty message", { message: "" }],
    ["a number that is not E.164", { user_number: "+0123" }],
    ["a bad UUID", { curr_pathway_id: "123" }],
    ["time_out 0", { time_out: 0 }],
    ["time_out 2592001", { time_out: 2_592_001 }],
    ["time_out 1.5", { time_out: 1.5 }],
    ["time_out as text", { time_out: "600" }],
    ["sender BOT", { sender: "BOT" }],
    ["new_conversation as text", { new_conversation: "true" }],
    ["request_data as an array", { request_data: [] }],
    ["message_sid with a space", { message_sid: "S M" }],
    ["message_sid of 65 characters", { message_sid: "S".repeat(65) }],
    ["curr_pathway_version of 257 characters", { curr_pathway_version: "v".repeat(257) }],
    ["a missing message", { message: undefined }],
  ])("agrees with validateInput on %s", async (_case, change) => {
    const body = JSON.parse(JSON.stringify({ ...base, ...change })) as Record<string, unknown>;
    const input = assignFields(new CreateSmsConversationInput(), body, CREATE_FIELDS);
    const byRules = (await validateInput(input)).length === 0;
    expect(allows(body)).toBe(byRules);
  });
});
