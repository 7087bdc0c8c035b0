/** What a user's keyword message does to the pair's opt-out state. */
export enum OptAction {
  /** Opts the user out: agent messages to them are refused until they opt back in. */
  OUT = "OUT",
  /** Opts the user back in. */
  IN = "IN",
  /** Asks for the help reply; changes nothing. */
  HELP = "HELP",
}

/** The standard keywords (carrier conventions), each the whole message, trimmed and case-insensitive. */
export const OPT_KEYWORDS: Readonly<Record<OptAction, readonly string[]>> = {
  [OptAction.OUT]: ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE"],
  [OptAction.IN]: ["START", "UNSTOP", "YES"],
  [OptAction.HELP]: ["HELP", "INFO"],
};

/** The replies' default texts, used where the agent number's `optOutReplies` sets none. */
export const DEFAULT_OPT_REPLIES: Readonly<Record<OptAction, string>> = {
  [OptAction.OUT]: "You have been unsubscribed and will receive no more messages. Reply START to subscribe again.",
  [OptAction.IN]: "You have been subscribed again. Reply STOP to unsubscribe, HELP for help.",
  [OptAction.HELP]: "Reply STOP to unsubscribe, START to subscribe again.",
};

/** The `optOutReplies` key of each reply's text. */
export const OPT_REPLY_KEYS: Readonly<Record<OptAction, "optOutMessage" | "optInMessage" | "helpMessage">> = {
  [OptAction.OUT]: "optOutMessage",
  [OptAction.IN]: "optInMessage",
  [OptAction.HELP]: "helpMessage",
};

/** The kind of the reply recorded for each action. */
export const OPT_REPLY_KINDS: Readonly<Record<OptAction, string>> = {
  [OptAction.OUT]: "OPT_OUT_CONFIRMATION",
  [OptAction.IN]: "OPT_IN_CONFIRMATION",
  [OptAction.HELP]: "HELP_REPLY",
};

const byKeyword = new Map<string, OptAction>(
  Object.entries(OPT_KEYWORDS).flatMap(([action, keywords]) => keywords.map((keyword) => [keyword, action as OptAction])),
);

/**
 * The keyword a user's message is, upper-cased, and its action; null for any other message (a
 * sentence that merely contains a keyword is an ordinary message). Only the whole message,
 * trimmed, counts.
 */
export function optKeywordOf(body: string): { keyword: string; action: OptAction } | null {
  const keyword = body.trim().toUpperCase();
  const action = byKeyword.get(keyword);
  return action ? { keyword, action } : null;
}
