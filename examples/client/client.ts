import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";
import { createClient } from "graphql-ws";
import WebSocket from "ws";

/**
 * A minimal typed Parley client over the generated documents: `request` for queries and
 * mutations (fetch), `subscribe` for subscriptions (graphql-ws). Results are typed by the
 * document: `(await client.request(ListConversationsDocument, {})).smsConversations.edges`.
 */
export function createParleyClient({ url, apiKey }: { url: string; apiKey: string }) {
  const ws = createClient({
    url: url.replace(/^http/, "ws"),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: apiKey },
    lazy: true,
  });
  return {
    async request<TResult, TVariables>(document: TypedDocumentNode<TResult, TVariables>, variables: TVariables): Promise<TResult> {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: apiKey },
        body: JSON.stringify({ query: print(document), variables }),
      });
      const body = (await response.json()) as { data?: TResult; errors?: Array<{ message: string }> };
      if (body.errors?.length) throw new Error(body.errors.map((error) => error.message).join("; "));
      return body.data as TResult;
    },
    subscribe<TResult, TVariables>(
      document: TypedDocumentNode<TResult, TVariables>,
      variables: TVariables,
      onData: (data: TResult) => void,
    ): () => void {
      return ws.subscribe<TResult>(
        { query: print(document), variables: variables as Record<string, unknown> },
        { next: (result) => result.data && onData(result.data), error: () => undefined, complete: () => undefined },
      );
    },
    close: () => ws.dispose(),
  };
}
