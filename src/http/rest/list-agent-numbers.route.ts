import { AGENT_NUMBER_COST, presentAgentNumber } from "./agent-number.presenter";
import { commonResponses, envelope, ref } from "./openapi-components";
import { PAGE_PARAMETERS, pageParameters, pagination, queryParameters, requestedPageSize } from "./rest-paging";
import type { RestRoute } from "./rest-route";

/** `GET /v1/sms/numbers`: the account's agent numbers in number order, with their configs, by page number. */
export const listAgentNumbersRoute: RestRoute = {
  method: "GET",
  path: "/sms/numbers",
  readsBody: false,
  cost: (query) => 1 + requestedPageSize(query) * AGENT_NUMBER_COST,
  async handle({ accountId, query, services }) {
    const page = pageParameters(queryParameters(query, ["page", "pageSize"]));
    const { numbers, totalItems } = await services.agentNumbers.listPage(accountId, page);
    const counts = await services.agentNumbers.conversationCounts(numbers.map((number) => number.id));
    return {
      data: numbers.map((number) => presentAgentNumber(number, counts.get(number.id) ?? 0)),
      extra: { pagination: pagination(page, totalItems) },
    };
  },
  operation: {
    operationId: "listAgentNumbers",
    summary: "List agent numbers",
    description:
      "The account's agent numbers in number order, with each channel's timeout defaults (`sms_config`, `whatsapp_config`) and how many conversations each has had.",
    tags: ["Numbers"],
    parameters: PAGE_PARAMETERS,
    responses: {
      "200": {
        description: "A page of agent numbers.",
        content: {
          "application/json": {
            schema: envelope(
              { type: "array", items: ref("AgentNumber") },
              { type: "object", required: ["pagination"], properties: { pagination: ref("Pagination") }, additionalProperties: false },
            ),
          },
        },
      },
      ...commonResponses({ readsBody: false }),
    },
  },
};
