import { type Harness, randomNumber, startHarness, type TestAccount } from "./support/harness";
import { eventually } from "./support/eventually";
import { CREATE } from "./support/operations";

/*
 * The REST reads — GET /v1/sms/conversations, /v1/sms/conversations/{id}, /v1/sms/numbers — and
 * POST /v1/sms/update, each answer held to the OpenAPI document (harness.rest).
 */

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({ worker: { pollInterval: 50, relayIntervalMs: 20 } });
});
afterAll(() => harness.close());

const rows = async (sql: string, params: unknown[] = []) => (await harness.db.query(sql, params)).rows;

async function record(account: TestAccount, body: Record<string, unknown>) {
  const answer = await harness.rest("POST", "/v1/sms/create", {
    apiKey: account.apiKey,
    body: { agent_number: account.agentNumbers[0], message: "hello", ...body },
  });
  expect(answer.status).toBe(200);
  return answer.body.data as { conversation_id: string; workflow_id: string };
}

const list = (account: TestAccount, query: Record<string, string> = {}) =>
  harness.rest("GET", "/v1/sms/conversations", { apiKey: account.apiKey, query });
const filtered = (account: TestAccount, filters: unknown, query: Record<string, string> = {}) =>
  list(account, { filters: JSON.stringify(filters), ...query });
const idsOf = (answer: { body: { data: Array<{ id: string }> } }) => answer.body.data.map((conversation) => conversation.id);

describe("GET /v1/sms/conversations", () => {
  let account: TestAccount;
  /** Oldest first; [1] is archived by [2], [3] has pathway fields, [4] is on another agent number. */
  const made: Array<{ conversation_id: string; userNumber: string }> = [];
  const pathwayId = "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9";

  beforeAll(async () => {
    account = await harness.createAccount({ numbers: 2 });
    const userNumbers = ["+15550001111", "+15550002222", "+15550002222", "+15559993333", "+15550004444"];
    for (const [index, userNumber] of userNumbers.entries()) {
      const body: Record<string, unknown> = { user_number: userNumber, message: `message ${index}` };
      if (index === 2) body.new_conversation = true;
      if (index === 3) Object.assign(body, { curr_pathway_id: pathwayId, curr_pathway_version: "v2-beta", current_node_id: "checkout" });
      if (index === 4) body.agent_number = account.agentNumbers[1];
      made.push({ ...(await record(account, body)), userNumber });
    }
    // A second message in [0]: it becomes the most recently updated.
    await record(account, { user_number: userNumbers[0], message: "latest words", sender: "AGENT", request_data: { plan: "gold" } });
  });

  it("lists the account's conversations newest first, with message counts, latest message and extra.pagination", async () => {
    const { status, body } = await list(account);
    expect(status).toBe(200);
    expect(body.errors).toBeNull();
    expect(idsOf({ body })).toEqual(made.map((conversation) => conversation.conversation_id).reverse());
    expect(body.extra).toEqual({ pagination: { totalItems: 5, totalPages: 1, currentPage: 1, pageSize: 25 } });
    const first = body.data.find((conversation: { id: string }) => conversation.id === made[0].conversation_id);
    expect(first).toEqual({
      id: made[0].conversation_id,
      created_at: expect.any(String),
      updated_at: expect.any(String),
      user_number: "+15550001111",
      agent_number: account.agentNumbers[0],
      variables: { plan: "gold" },
      current_node_id: null,
      curr_pathway_id: null,
      curr_pathway_version: null,
      timed_out_at: null,
      is_active: true,
      status: "ACTIVE",
      message_count: 2,
      last_message: "latest words",
      last_message_timestamp: expect.any(String),
      channel: "sms",
    });
    const [latest] = await rows("SELECT created_at FROM sms_message WHERE body = 'latest words' AND account_id = $1", [account.id]);
    expect(new Date(first.last_message_timestamp).getTime()).toBe(new Date(latest.created_at).getTime());
  });

  it("pages by page and pageSize, sorts by created_at, updated_at, user_number or agent_number either way", async () => {
    const second = await list(account, { page: "2", pageSize: "2" });
    expect(idsOf(second)).toEqual([made[2].conversation_id, made[1].conversation_id]);
    expect(second.body.extra.pagination).toEqual({ totalItems: 5, totalPages: 3, currentPage: 2, pageSize: 2 });
    const beyond = await list(account, { page: "4", pageSize: "2" });
    expect(beyond.body.data).toEqual([]);

    const oldestFirst = await list(account, { sortBy: "created_at", sortDir: "asc" });
    expect(idsOf(oldestFirst)).toEqual(made.map((conversation) => conversation.conversation_id));
    const inbox = await list(account, { sortBy: "updated_at", sortDir: "desc" });
    expect(idsOf(inbox)[0]).toBe(made[0].conversation_id);
    // By number, ties (the +15550002222 pair) by created_at in the same direction.
    const byUser = await list(account, { sortBy: "user_number", sortDir: "asc" });
    expect(idsOf(byUser)).toEqual([0, 1, 2, 4, 3].map((index) => made[index].conversation_id));
    const byUserDesc = await list(account, { sortBy: "user_number" });
    expect(idsOf(byUserDesc)).toEqual([3, 4, 2, 1, 0].map((index) => made[index].conversation_id));
    const agents = [...account.agentNumbers].sort();
    const byAgent = await list(account, { sortBy: "agent_number", sortDir: "asc" });
    const onFirstNumber = [0, 1, 2, 3].map((index) => made[index].conversation_id);
    expect(idsOf(byAgent)).toEqual(
      agents[0] === account.agentNumbers[0] ? [...onFirstNumber, made[4].conversation_id] : [made[4].conversation_id, ...onFirstNumber],
    );
  });

  it("filters with every operator: all conditions must hold", async () => {
    const id = (index: number) => made[index].conversation_id;
    expect(idsOf(await filtered(account, [{ field: "user_number", operator: "eq", value: "+15550002222" }]))).toEqual([id(2), id(1)]);
    expect(idsOf(await filtered(account, [{ field: "user_number", operator: "contains", value: "999" }]))).toEqual([id(3)]);
    expect(idsOf(await filtered(account, [{ field: "user_number", operator: "startsWith", value: "+1555000" }]))).toEqual([
      id(4),
      id(2),
      id(1),
      id(0),
    ]);
    expect(idsOf(await filtered(account, [{ field: "user_number", operator: "endsWith", value: "4444" }]))).toEqual([id(4)]);
    // A `%` or `_` is text, not a pattern.
    expect(idsOf(await filtered(account, [{ field: "user_number", operator: "contains", value: "%" }]))).toEqual([]);
    expect(idsOf(await filtered(account, [{ field: "status", operator: "eq", value: "ARCHIVED" }]))).toEqual([id(1)]);
    expect(idsOf(await filtered(account, [{ field: "is_active", operator: "eq", value: false }]))).toEqual([id(1)]);
    expect(idsOf(await filtered(account, [{ field: "agent_number", operator: "eq", value: account.agentNumbers[1] }]))).toEqual([id(4)]);
    expect(idsOf(await filtered(account, [{ field: "curr_pathway_id", operator: "eq", value: pathwayId.toUpperCase() }]))).toEqual([id(3)]);
    expect(idsOf(await filtered(account, [{ field: "curr_pathway_version", operator: "startsWith", value: "v2" }]))).toEqual([id(3)]);
    expect(idsOf(await filtered(account, [{ field: "current_node_id", operator: "eq", value: "checkout" }]))).toEqual([id(3)]);

    const { rows: times } = await harness.db.query(
      "SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') AS t FROM sms_conversation WHERE account_id = $1 ORDER BY created_at",
      [account.id],
    );
    const middle = times[2].t;
    expect(idsOf(await filtered(account, [{ field: "created_at", operator: "gt", value: middle }]))).toEqual([id(4), id(3)]);
    expect(idsOf(await filtered(account, [{ field: "created_at", operator: "gte", value: middle }]))).toEqual([id(4), id(3), id(2)]);
    expect(idsOf(await filtered(account, [{ field: "created_at", operator: "lt", value: middle }]))).toEqual([id(1), id(0)]);
    expect(idsOf(await filtered(account, [{ field: "created_at", operator: "lte", value: middle }]))).toEqual([id(2), id(1), id(0)]);
    expect(idsOf(await filtered(account, [{ field: "created_at", operator: "eq", value: middle }]))).toEqual([id(2)]);
    expect(idsOf(await filtered(account, [{ field: "updated_at", operator: "lt", value: "2000-01-01T00:00:00+02:00" }]))).toEqual([]);
    expect(idsOf(await filtered(account, [{ field: "timed_out_at", operator: "gt", value: "2000-01-01T00:00:00Z" }]))).toEqual([]);

    const both = await filtered(account, [
      { field: "user_number", operator: "startsWith", value: "+1555000" },
      { field: "is_active", operator: "eq", value: true },
      { field: "created_at", operator: "lt", value: middle },
    ]);
    expect(idsOf(both)).toEqual([id(0)]);
    expect(both.body.extra.pagination.totalItems).toBe(1);
  });

  it("refuses what it does not serve with 400 INVALID_INPUT naming the allowed values", async () => {
    const cases: Array<[Record<string, string>, string, RegExp]> = [
      [{ sortBy: "message_count" }, "sortBy", /^sortBy must be one of created_at, updated_at, agent_number, user_number \(/],
      [{ sortDir: "up" }, "sortDir", /^sortDir must be asc or desc$/],
      [{ pageSize: "101" }, "pageSize", /^pageSize must be an integer from 1 to 100$/],
      [{ pageSize: "0" }, "pageSize", /^pageSize must be an integer from 1 to 100$/],
      [{ page: "0" }, "page", /^page must be an integer from 1 to 401 for pageSize 25 /],
      [{ page: "402" }, "page", /^page must be an integer from 1 to 401 for pageSize 25 /],
      [{ page: "102", pageSize: "100" }, "page", /^page must be an integer from 1 to 101 for pageSize 100 /],
      [
        { page_size: "10" },
        "page_size",
        /^page_size is unknown: this endpoint takes only the query parameters page, pageSize, sortBy, sortDir, filters$/,
      ],
      [
        { filters: JSON.stringify([{ field: "message_count", operator: "gt", value: 1 }]) },
        "filters",
        /^filters\[0\]\.field must be one of created_at, updated_at, timed_out_at, user_number, agent_number, /,
      ],
      [
        { filters: JSON.stringify([{ field: "status", operator: "contains", value: "ACT" }]) },
        "filters",
        /^filters\[0\]\.operator for status must be one of eq$/,
      ],
      [
        { filters: JSON.stringify([{ field: "user_number", operator: "like", value: "1" }]) },
        "filters",
        /^filters\[0\]\.operator for user_number must be one of eq, contains, startsWith, endsWith$/,
      ],
      [
        { filters: JSON.stringify([{ field: "created_at", operator: "gt", value: "yesterday" }]) },
        "filters",
        /^filters\[0\]\.value for created_at must be an RFC 3339 date-time/,
      ],
      [
        { filters: JSON.stringify([{ field: "created_at", operator: "gt", value: "2026-02-30T00:00:00Z" }]) },
        "filters",
        /must be an RFC 3339 date-time/,
      ],
      [
        { filters: JSON.stringify([{ field: "curr_pathway_id", operator: "eq", value: "x" }]) },
        "filters",
        /^filters\[0\]\.value for curr_pathway_id must be a UUID/,
      ],
      [{ filters: JSON.stringify([{ field: "is_active", operator: "eq", value: "true" }]) }, "filters", /must be true or false$/],
      [
        { filters: JSON.stringify([{ field: "status", operator: "eq", value: "OPEN" }]) },
        "filters",
        /must be one of ACTIVE, ARCHIVED, TIMED_OUT$/,
      ],
    ];
    for (const [query, field, message] of cases) {
      const { status, body } = await list(account, query);
      expect({ query, status }).toEqual({ query, status: 400 });
      expect(body.errors).toEqual([{ code: "INVALID_INPUT", field, message: expect.stringMatching(message) }]);
    }
  });
});

describe("GET /v1/sms/conversations/{id}", () => {
  it("reads a conversation with its messages oldest first: from and to follow the sender, the timeout flow's are queued", async () => {
    const account = await harness.createAccount();
    const userNumber = randomNumber();
    const { conversation_id } = await record(account, { user_number: userNumber, message: "Hi, table for two?", message_sid: "SM-read-1" });
    await record(account, {
      user_number: userNumber,
      message: "Sure, when?",
      sender: "AGENT",
      time_out: 1,
      timeout_message: "Bye for now",
    });
    // The timeout flow ends the conversation a second after the agent's message.
    const read = () => harness.rest("GET", `/v1/sms/conversations/${conversation_id}`, { apiKey: account.apiKey });
    await eventually(async () => expect((await read()).body.data.status).toBe("TIMED_OUT"), { timeoutMs: 10_000 });
    const { status, body } = await read();
    expect(status).toBe(200);
    expect(body.data).toMatchObject({
      id: conversation_id,
      status: "TIMED_OUT",
      is_active: false,
      message_count: 3,
      last_message: "Bye for now",
    });
    expect(body.data.timed_out_at).toEqual(expect.any(String));
    expect(body.data.messages).toEqual([
      {
        id: expect.stringMatching(/^msg_/),
        created_at: expect.any(String),
        message: "Hi, table for two?",
        from: userNumber,
        to: account.agentNumbers[0],
        sender: "USER",
        kind: "NORMAL",
        message_sid: "SM-read-1",
        status: null,
        error_code: null,
      },
      expect.objectContaining({ message: "Sure, when?", from: account.agentNumbers[0], to: userNumber, sender: "AGENT", status: null }),
      expect.objectContaining({
        message: "Bye for now",
        from: account.agentNumbers[0],
        to: userNumber,
        sender: "AGENT",
        kind: "TIMEOUT_END",
        status: "queued",
      }),
    ]);
  });

  it("shows the same conversation GraphQL shows for the same id", async () => {
    const account = await harness.createAccount();
    const userNumber = randomNumber();
    const { conversation_id } = await record(account, {
      user_number: userNumber,
      message: "one",
      curr_pathway_id: "123e4567-e89b-12d3-a456-426614174000",
      request_data: { a: [1, { b: "c" }] },
    });
    await record(account, { user_number: userNumber, message: "two", sender: "AGENT", current_node_id: "n2" });
    const viaRest = (await harness.rest("GET", `/v1/sms/conversations/${conversation_id}`, { apiKey: account.apiKey })).body.data;
    const viaGraphQL = (
      await harness.graphql(
        `query($id: ID!) { smsConversation(id: $id) { id userNumber agentNumber status currPathwayId currPathwayVersion currentNodeId requestData
           createdAt updatedAt timedOutAt messages(first: 100) { edges { node { id body sender kind messageSid deliveryStatus createdAt } } } } }`,
        { id: conversation_id },
        { apiKey: account.apiKey },
      )
    ).body.data!.smsConversation;
    expect({
      id: viaRest.id,
      userNumber: viaRest.user_number,
      agentNumber: viaRest.agent_number,
      status: viaRest.status,
      currPathwayId: viaRest.curr_pathway_id,
      currPathwayVersion: viaRest.curr_pathway_version,
      currentNodeId: viaRest.current_node_id,
      requestData: viaRest.variables,
      createdAt: viaRest.created_at,
      updatedAt: viaRest.updated_at,
      timedOutAt: viaRest.timed_out_at,
      messages: viaRest.messages.map((message: any) => ({
        id: message.id,
        body: message.message,
        sender: message.sender,
        kind: message.kind,
        messageSid: message.message_sid,
        deliveryStatus: message.status,
        createdAt: message.created_at,
      })),
    }).toEqual({ ...viaGraphQL, messages: viaGraphQL.messages.edges.map((edge: any) => edge.node) });
    expect(viaRest.messages.map((message: any) => message.message)).toEqual(["one", "two"]);
  });

  it("answers another account's conversation exactly as a conversation that does not exist: 404 NOT_FOUND", async () => {
    const owner = await harness.createAccount();
    const stranger = await harness.createAccount();
    const { conversation_id } = await record(owner, { user_number: randomNumber() });
    const answers = await Promise.all(
      [conversation_id, `conv_${"0".repeat(32)}`, "not-an-id", "%E0%A4%A"].map((id) =>
        harness.rest("GET", `/v1/sms/conversations/${id}`, { apiKey: stranger.apiKey }),
      ),
    );
    const [foreign, ...others] = answers;
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual({
      data: null,
      errors: [{ code: "NOT_FOUND", field: "id", message: "no conversation of this account has this id" }],
    });
    for (const answer of others.slice(0, 2))
      expect({ status: answer.status, body: answer.body }).toEqual({ status: 404, body: foreign.body });
    expect(others[2].status).toBe(400);
    expect(others[2].body.errors[0].code).toBe("BAD_REQUEST");
  });
});

describe("GET /v1/sms/numbers and POST /v1/sms/update", () => {
  it("lists the account's numbers with their configs and conversation counts, in number order", async () => {
    const account = await harness.createAccount({ numbers: 3, smsConfig: { timeOut: 600, warningMessage: "Still there?" } });
    await record(account, { user_number: randomNumber() });
    const { status, body } = await harness.rest("GET", "/v1/sms/numbers", { apiKey: account.apiKey, query: { pageSize: "2" } });
    expect(status).toBe(200);
    const sorted = [...account.agentNumbers].sort();
    expect(body.data.map((number: any) => number.phone_number)).toEqual(sorted.slice(0, 2));
    expect(body.extra.pagination).toEqual({ totalItems: 3, totalPages: 2, currentPage: 1, pageSize: 2 });
    const all = (await harness.rest("GET", "/v1/sms/numbers", { apiKey: account.apiKey })).body.data;
    const first = all.find((number: any) => number.phone_number === account.agentNumbers[0]);
    expect(first).toEqual({
      id: expect.stringMatching(/^num_/),
      phone_number: account.agentNumbers[0],
      sms_config: { time_out: 600, timeout_message: null, warning_time: null, warning_message: "Still there?" },
      whatsapp_config: { time_out: null, timeout_message: null, warning_time: null, warning_message: null },
      conversation_count: 1,
      created_at: expect.any(String),
    });
  });

  it("sets one channel's config: a value replaces, null clears, an omitted one stays; GraphQL sees the same", async () => {
    const account = await harness.createAccount({ smsConfig: { timeOut: 600, warningMessage: "Still there?" } });
    const phone = account.agentNumbers[0];
    const { status, body } = await harness.rest("POST", "/v1/sms/update", {
      apiKey: account.apiKey,
      body: { phone_number: phone, sms_config: { warning_time: 300, warning_message: null } },
    });
    expect(status).toBe(200);
    expect(body.data.sms_config).toEqual({ time_out: 600, timeout_message: null, warning_time: 300, warning_message: null });
    const [row] = await rows("SELECT sms_config, whatsapp_config FROM agent_number WHERE number = $1", [phone]);
    expect(row).toEqual({ sms_config: { timeOut: 600, warningTime: 300 }, whatsapp_config: {} });
    const whatsapp = await harness.rest("POST", "/v1/sms/update", {
      apiKey: account.apiKey,
      body: { phone_number: phone, whatsapp_config: { time_out: 60 } },
    });
    expect(whatsapp.body.data.whatsapp_config.time_out).toBe(60);
    const viaGraphQL = await harness.graphql(
      `query($n: String!) { agentNumber(number: $n) { smsConfig { timeOut warningTime warningMessage } whatsappConfig { timeOut } } }`,
      { n: phone },
      { apiKey: account.apiKey },
    );
    expect(viaGraphQL.body.data!.agentNumber).toEqual({
      smsConfig: { timeOut: 600, warningTime: 300, warningMessage: null },
      whatsappConfig: { timeOut: 60 },
    });
  });

  it("refuses bad updates with typed errors on REST's fields, and changes nothing", async () => {
    const account = await harness.createAccount({ smsConfig: { timeOut: 600 } });
    const other = await harness.createAccount();
    const phone = account.agentNumbers[0];
    const cases: Array<[unknown, number, object]> = [
      [{ phone_number: phone }, 400, { code: "INVALID_INPUT", field: null, message: "send exactly one of sms_config, whatsapp_config" }],
      [{ phone_number: phone, sms_config: {}, whatsapp_config: {} }, 400, { code: "INVALID_INPUT", field: null }],
      [
        { phone_number: phone, sms_config: { time_out: -1 } },
        400,
        { code: "INVALID_INPUT", field: "sms_config.time_out", message: expect.stringMatching(/^sms_config\.time_out must be an integer/) },
      ],
      [{ phone_number: phone, sms_config: { timeOut: 1 } }, 400, { code: "INVALID_INPUT", field: "sms_config.timeOut" }],
      [{ phone_number: phone, sms_config: "600" }, 400, { code: "INVALID_INPUT", field: "sms_config" }],
      [
        { phone_number: "0800", sms_config: {} },
        400,
        { code: "INVALID_INPUT", field: "phone_number", message: expect.stringMatching(/^phone_number must be an E\.164 number/) },
      ],
      [
        { phone_number: other.agentNumbers[0], sms_config: { time_out: 5 } },
        400,
        { code: "AGENT_NUMBER_NOT_FOUND", field: "phone_number" },
      ],
      [
        { phone_number: phone, sms_config: { warning_time: 600 } },
        400,
        {
          code: "INVALID_TIMEOUT_CONFIG",
          field: "sms_config.warning_time",
          message: "sms_config.warning_time (600 s) must be less than sms_config.time_out (600 s)",
        },
      ],
    ];
    for (const [body, status, error] of cases) {
      const answer = await harness.rest("POST", "/v1/sms/update", { apiKey: account.apiKey, body });
      expect({ body, status: answer.status }).toEqual({ body, status });
      expect(answer.body.errors).toEqual([expect.objectContaining(error)]);
    }
    const configOf = async (number: string) =>
      (await rows("SELECT sms_config, whatsapp_config FROM agent_number WHERE number = $1", [number]))[0];
    expect(await configOf(phone)).toEqual({ sms_config: { timeOut: 600 }, whatsapp_config: {} });
    expect(await configOf(other.agentNumbers[0])).toEqual({ sms_config: {}, whatsapp_config: {} });
  });
});

describe("the REST surface and the GraphQL one agree on writes", () => {
  it("a conversation GraphQL created is listed by REST with the same id", async () => {
    const account = await harness.createAccount();
    const created = await harness.graphql(
      CREATE,
      { input: { userNumber: randomNumber(), agentNumber: account.agentNumbers[0], message: "from GraphQL" } },
      { apiKey: account.apiKey },
    );
    const listed = await list(account);
    expect(idsOf(listed)).toEqual([created.body.data!.createSmsConversation.conversationId]);
  });
});
