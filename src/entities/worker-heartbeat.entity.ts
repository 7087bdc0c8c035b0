import { Column, Entity, PrimaryColumn } from "typeorm";

/**
 * A live graphile-worker worker. Workers beat every few seconds; one that stops beating (its
 * process was killed) has its locked jobs released by the others, so no job waits for
 * graphile-worker's 4-hour lock expiry.
 */
@Entity({ name: "worker_heartbeat" })
export class WorkerHeartbeat {
  @PrimaryColumn({ name: "worker_id", type: "text" })
  workerId!: string;

  @Column({ name: "last_seen_at", type: "timestamptz" })
  lastSeenAt!: Date;
}
