import { CALL_COLUMNS } from "./record-call";

/**
 * The parts of the write statement (recordMessagesSql) a round of calls needs. Each optional part
 * acts only on calls whose input column says so (the condition in statementPartsOf, the value
 * the statement's own conditions test), so a round none of whose calls sets it runs the
 * statement without it, to the same effect: PostgreSQL starts a smaller plan for every batch
 * (docs/decisions/0010).
 */
export interface StatementParts {
  /** op MESSAGE: the message half (used_key … written). */
  messages: boolean;
  /** op TIMER: the timer half (timer_recipients … timer_messages). */
  timers: boolean;
  /** A message_sid or an idempotency_key: a repeat is looked up (used_key). */
  repeats: boolean;
  /** An opt_action: the keyword's reply, and an opt-out's silencing of the other channels. */
  keywords: boolean;
  /** new_conversation: the active conversation is archived and replaced. */
  replacements: boolean;
  /** deliver: a sent message's webhook job. */
  sends: boolean;
}

export const PART_NAMES = ["messages", "timers", "repeats", "keywords", "replacements", "sends"] as const;

/** The parts a round needs, read from its parameters (callParameters): what the statement's conditions test. */
export function statementPartsOf(parameters: readonly (readonly unknown[])[]): StatementParts {
  const values = (name: string) => parameters[CALL_COLUMNS.findIndex((column) => column.name === name)] ?? [];
  const any = (name: string, holds: (value: unknown) => boolean = (value) => value !== null && value !== undefined) =>
    values(name).some(holds);
  return {
    messages: any("op", (op) => op === "MESSAGE"),
    timers: any("op", (op) => op === "TIMER"),
    repeats: any("message_sid") || any("idempotency_key"),
    keywords: any("opt_action"),
    replacements: any("new_conversation", (value) => value === true),
    sends: any("deliver", (value) => value === true),
  };
}

/** Every part: the whole statement, as a round holding every kind of call runs it. */
export const ALL_PARTS: StatementParts = { messages: true, timers: true, repeats: true, keywords: true, replacements: true, sends: true };
