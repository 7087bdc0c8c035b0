import { Field, ID, InterfaceType } from "type-graphql";

@InterfaceType("Node", {
  description: "An object with a global id (Relay). Any id works with `node(id:)`, scoped to the calling account.",
})
export abstract class NodeInterface {
  @Field(() => ID, { description: "Global, opaque id; its prefix names the type (`conv_`, `msg_`, `num_`)." })
  id!: string;
}
