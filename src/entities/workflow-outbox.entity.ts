import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from "typeorm";

/**
 * A unit of workflow work, written in the same transaction as the change that caused it and
 * moved into graphile-worker by the outbox relay. A plain insert here keeps graphile-worker's
 * `pg_notify` (which serialises committing transactions) off the request's commit.
 */
@Entity({ name: "workflow_outbox" })
export class WorkflowOutbox {
  @PrimaryGeneratedColumn({ type: "bigint", primaryKeyConstraintName: "workflow_outbox_pkey" })
  id!: string;

  /**
   * For tracing. Null when the one-statement write continued a conversation created by a
   * concurrent transaction, whose workflow row that statement's snapshot cannot see.
   */
  @Column({ name: "workflow_id", type: "uuid", nullable: true })
  workflowId!: string | null;

  /** graphile-worker task identifier. */
  @Column("text")
  task!: string;

  @Column({ type: "jsonb" })
  payload!: object;

  /** When the job may run; null means now. */
  @Column({ name: "run_at", type: "timestamptz", nullable: true })
  runAt!: Date | null;

  /** graphile-worker job_key: a later job with the same key replaces a pending one. */
  @Column({ name: "job_key", type: "text", nullable: true })
  jobKey!: string | null;

  /** Remove the pending job with `jobKey` instead of adding one (a cancelled timer). */
  @Column({ name: "remove_job", type: "boolean", default: false })
  removeJob!: boolean;

  /**
   * W3C traceparent of the span that wrote the row (the request, or the job), when tracing is on;
   * the relay puts it in the job's payload so the job's span can link to it.
   */
  @Column({ type: "text", nullable: true })
  traceparent!: string | null;

  @CreateDateColumn({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;
}
