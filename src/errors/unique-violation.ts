import { QueryFailedError } from "typeorm";

/** Whether `error` (from TypeORM or from pg directly) broke the unique index `constraint`. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  const driverError = (error instanceof QueryFailedError ? error.driverError : error) as { code?: string; constraint?: string } | null;
  return driverError?.code === "23505" && driverError.constraint === constraint;
}
