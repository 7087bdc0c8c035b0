import type { SubscriptionHandlerData } from "type-graphql";
import type { ParleyEvent } from "../events/parley-event";
import { parsePublicId } from "../services/public-id";
import type { Context } from "./context.type";

/** An event reaches a subscriber only if it is of the subscriber's account (and conversation, if given). */
export function isAccountEvent({ payload, args, context }: SubscriptionHandlerData<ParleyEvent, { conversationId?: string | null }, Context>): boolean {
  if (!context.accountId || payload.accountId !== context.accountId) return false;
  return !args.conversationId || parsePublicId("conversation", args.conversationId) === payload.conversationId;
}
