import { Field, ObjectType } from "type-graphql";
import { UserErrorCode } from "../../services/shared/user-error-code.enum";
import "./register-enums";

@ObjectType({
  simpleResolvers: true,
  description: "A problem with the input that the caller can fix. Nothing was written.",
})
export class UserError {
  @Field(() => UserErrorCode, { description: "Machine-readable reason." })
  code!: UserErrorCode;

  @Field(() => [String], {
    nullable: true,
    description: 'Path to the offending input field, e.g. `["input", "warningTime"]`.',
  })
  field!: string[] | null;

  @Field({ description: "Human-readable explanation, naming the allowed values." })
  message!: string;
}
