import { InvalidArgumentError } from "./user-input-error";

/** Page sizes: `first`/`last` default to 20 and are capped at 100. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/**
 * Rows a page of a page-numbered list (`offset`, `limit`) may start after, at most: such a page
 * reads every row before it (along an index, then skipped), so deep pages are bounded rather than left to cost more and
 * more. Keyset connections (below) have no such bound.
 */
export const MAX_LIST_OFFSET = 10_000;

/** A page of a page-numbered list: rows skipped (at most MAX_LIST_OFFSET) and rows taken (at most MAX_PAGE_SIZE). */
export interface OffsetPage {
  offset: number;
  limit: number;
}

/** Refuses an OffsetPage out of bounds with an InvalidArgumentError naming `page` or `pageSize`. */
export function assertOffsetPage({ offset, limit }: OffsetPage): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE)
    throw new InvalidArgumentError("pageSize", `pageSize must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  if (!Number.isInteger(offset) || offset < 0 || offset > MAX_LIST_OFFSET)
    throw new InvalidArgumentError("page", `a page may start at most ${MAX_LIST_OFFSET} rows in`);
}

export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/** A page request made plain: walk `forward` from `cursor` (exclusive) and take `size` items. */
export interface PageRequest {
  size: number;
  forward: boolean;
  cursor: string | null;
}

/**
 * Rows a page read fetches: one more than the page, which tells whether more follow; without
 * `pageInfo` (its hasNextPage / hasPreviousPage are not read), the page's own rows only (at least 1).
 */
export const rowsToRead = (request: PageRequest, pageInfo = true): number => (pageInfo ? request.size + 1 : Math.max(request.size, 1));

/**
 * Relay's paging arguments, checked: `first` with `after`, or `last` with `before`; sizes from
 * 0 to 100. Anything else is a clear BAD_USER_INPUT error naming the argument.
 */
export function toPageRequest({ first, after, last, before }: PageArgs): PageRequest {
  const given = (value: unknown) => value !== undefined && value !== null;
  if (given(first) && given(last)) throw new InvalidArgumentError("last", "pass first (with after) or last (with before), not both");
  if (given(after) && given(before)) throw new InvalidArgumentError("before", "pass after (with first) or before (with last), not both");
  if (given(last) && given(after)) throw new InvalidArgumentError("after", "after goes with first; use before with last");
  if (given(first) && given(before)) throw new InvalidArgumentError("before", "before goes with last; use after with first");
  for (const [name, value] of [
    ["first", first],
    ["last", last],
  ] as const) {
    if (given(value) && (!Number.isInteger(value) || value < 0 || value > MAX_PAGE_SIZE)) {
      throw new InvalidArgumentError(name, `${name} must be an integer from 0 to ${MAX_PAGE_SIZE}`);
    }
  }
  const forward = !given(last) && !given(before);
  return { size: (forward ? first : last) ?? DEFAULT_PAGE_SIZE, forward, cursor: (forward ? after : before) ?? null };
}

/**
 * A page request's shape: its size and direction, not its cursor (the size, negated less one
 * walking backward). Pages of one shape, of many conversations, are read together.
 */
export const pageShapeOf = (request: PageRequest): number => (request.forward ? request.size : -1 - request.size);

export interface Page<T> {
  edges: Array<Edge<T>>;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

/**
 * An item of a page and its cursor. The cursor is encoded when first read: most reads of a
 * page never ask for their items' cursors.
 */
export class Edge<T> {
  private encoded: string | undefined;

  /** `cursorOf(source)` encodes the cursor; `source` is the item itself, or for a mapped edge the edge it maps. */
  constructor(
    readonly node: T,
    private readonly cursorOf: (source: never) => string,
    private readonly source: unknown = node,
  ) {}

  get cursor(): string {
    return (this.encoded ??= this.cursorOf(this.source as never));
  }
}

const readCursor = (edge: Edge<unknown>): string => edge.cursor;

/** Where a page stands in its connection; hasNextPage and hasPreviousPage throw when the page was read without knowing. */
class PageInfo<T> {
  constructor(
    private readonly edges: ReadonlyArray<Edge<T>>,
    private readonly next: boolean | null,
    private readonly previous: boolean | null,
  ) {}

  get hasNextPage(): boolean {
    if (this.next === null) throw new UnknownMoreError();
    return this.next;
  }

  get hasPreviousPage(): boolean {
    if (this.previous === null) throw new UnknownMoreError();
    return this.previous;
  }

  get startCursor(): string | null {
    return this.edges[0]?.cursor ?? null;
  }

  get endCursor(): string | null {
    return this.edges.at(-1)?.cursor ?? null;
  }
}

class UnknownMoreError extends Error {
  constructor() {
    super("a page read without its pageInfo does not know whether more rows follow");
  }
}

/**
 * Builds a page from rows fetched in walking order (rowsToRead: with one extra row, which tells
 * whether more follow). Items come back in the connection's order whichever way we walked. A
 * page read without `pageInfo` does not know whether more follow: reading its hasNextPage or
 * hasPreviousPage throws rather than answer false.
 */
export function toPage<T>(rows: T[], request: PageRequest, cursorOf: (row: T) => string, pageInfo = true): Page<T> {
  const more = rows.length > request.size;
  const taken = rows.slice(0, request.size);
  const ordered = request.forward ? taken : taken.reverse();
  const edges = ordered.map((node) => new Edge(node, cursorOf));
  // The cursor we walked from names an item, so there is one on that side.
  const next = request.forward ? more : request.cursor !== null;
  const previous = request.forward ? request.cursor !== null : more;
  return { edges, pageInfo: pageInfo ? new PageInfo(edges, next, previous) : new PageInfo(edges, null, null) };
}

/** The same page with each item mapped (to what the transport answers with); cursors stay as they were, unencoded until read. */
export function mapPage<T, U>(page: Page<T>, map: (node: T) => U): Page<U> {
  return { edges: page.edges.map((edge) => new Edge(map(edge.node), readCursor, edge)), pageInfo: page.pageInfo };
}

/**
 * A row count written into a statement's text (`LIMIT 51`) rather than bound: with the count
 * known, the plan PostgreSQL makes once for the prepared statement costs what a plan made for
 * each execution would, so its plan cache keeps it; bound, the once-made plan assumes a tenth of
 * the table and every execution is planned again. `rows` is what a page read fetches (rowsToRead):
 * an integer from 1 to MAX_PAGE_SIZE + 1 (anything else throws), so a statement has a bounded set of texts.
 */
export function rowCountLiteral(rows: number): string {
  if (!Number.isInteger(rows) || rows < 1 || rows > MAX_PAGE_SIZE + 1)
    throw new RangeError(`a page reads 1 to ${MAX_PAGE_SIZE + 1} rows, not ${rows}`);
  return String(rows);
}
