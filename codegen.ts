import type { CodegenConfig } from "@graphql-codegen/cli";

/**
 * Typed client generation from the committed contract: `npm run codegen` turns the operations in
 * examples/client/*.graphql into TypedDocumentNodes under examples/client/generated/.
 */
const config: CodegenConfig = {
  schema: "schema.graphql",
  documents: ["examples/client/**/*.graphql"],
  ignoreNoDocuments: false,
  generates: {
    "examples/client/generated/": {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTimeISO: "string", JSONObject: "Record<string, unknown>" },
      },
    },
  },
};

export default config;
