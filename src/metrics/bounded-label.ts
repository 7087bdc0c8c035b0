/** What a caller-chosen label value must look like to be kept: a GraphQL name of at most 64 characters. */
const LABEL_SHAPE = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;

/**
 * Label values a caller chooses (GraphQL operation names), bounded: the first `max` distinct
 * names seen are kept, every later one and anything not shaped like a GraphQL name is `other`.
 * A client making up names cannot grow the metrics beyond `max` series per label combination
 * (it can only push names seen after it into `other`); a name is only counted once its operation
 * has parsed and validated.
 */
export class BoundedLabels {
  private readonly seen = new Set<string>();

  constructor(
    private readonly max: number,
    readonly other = "other",
  ) {}

  label(value: string): string {
    if (this.seen.has(value)) return value;
    if (this.seen.size >= this.max || !LABEL_SHAPE.test(value)) return this.other;
    this.seen.add(value);
    return value;
  }
}
