import { Column, Entity, PrimaryColumn } from "typeorm";

/**
 * A gateway process that has subscribers. The hot path publishes events only while some process
 * is listed (and seen within a minute): with nobody subscribed, a NOTIFY per batch of changes is
 * work every listening connection pays for nothing.
 */
@Entity({ name: "event_listener" })
export class EventListener {
  @PrimaryColumn({ name: "process_id", type: "uuid", primaryKeyConstraintName: "PK_event_listener" })
  processId!: string;

  @Column({ name: "seen_at", type: "timestamptz" })
  seenAt!: Date;
}
