import { GraphQLError } from "graphql";
import type { SubscribeResolverData } from "type-graphql";
import type { ParleyEvent, ParleyEventType } from "../events/parley-event";
import { parsePublicId } from "../services/shared/public-id";
import type { Context } from "./context.type";

/**
 * A subscription's `subscribe`: events of `type` of the subscriber's account (and conversation,
 * if given), heard through its connection's bounded queue.
 */
export function accountEvents(type: ParleyEventType) {
  return ({
    args,
    context,
  }: SubscribeResolverData<unknown, { conversationId?: string | null }, Context>): AsyncIterableIterator<ParleyEvent> => {
    if (!context.events) {
      throw new GraphQLError("Subscriptions are served over WebSocket (graphql-ws) only", { extensions: { code: "BAD_REQUEST" } });
    }
    const { accountId } = context;
    // An unreadable conversationId matches no conversation: the subscription yields nothing.
    const conversationId = args.conversationId ? parsePublicId("conversation", args.conversationId) : undefined;
    return context.events.subscribe(type, (event) => isAccountEvent(event, accountId, conversationId));
  };
}

/** An event reaches a subscriber only if it is of the subscriber's account (and conversation, if given). */
export function isAccountEvent(event: ParleyEvent, accountId: string | null, conversationId: string | null | undefined): boolean {
  if (!accountId || event.accountId !== accountId) return false;
  return conversationId === undefined || event.conversationId === conversationId;
}
