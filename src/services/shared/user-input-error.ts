import { UserErrorCode } from "./user-error-code.enum";

/** A problem the caller can fix, named by the input field it concerns. */
export interface UserInputProblem {
  code: UserErrorCode;
  /** Input field name, e.g. `warningTime`. */
  field: string;
  message: string;
}

/**
 * Thrown inside a transaction to roll it back because of the caller's input; services catch it
 * and return the problem rather than letting it escape.
 */
export class UserInputError extends Error {
  constructor(readonly problem: UserInputProblem) {
    super(problem.message);
    this.name = "UserInputError";
  }
}

/** An argument of a read (a cursor, a page size) that cannot be used; the transport maps it. */
export class InvalidArgumentError extends Error {
  constructor(
    readonly argument: string,
    message: string,
  ) {
    super(message);
    this.name = "InvalidArgumentError";
  }
}
