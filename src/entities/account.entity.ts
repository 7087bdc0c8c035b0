import { Column, CreateDateColumn, Entity, PrimaryColumn } from "typeorm";

/** A tenant: owns API keys, agent numbers and conversations. */
@Entity({ name: "account" })
export class Account {
  @PrimaryColumn("uuid")
  id!: string;

  @Column("text")
  name!: string;

  @CreateDateColumn({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;
}
