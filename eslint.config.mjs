// ESLint for correctness; layout is Prettier's job (eslint-config-prettier, last, turns off
// every rule that would disagree with it).
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import jest from "eslint-plugin-jest";
import { defineConfig } from "eslint/config";
import tseslint from "typescript-eslint";

export default defineConfig(
  { ignores: ["dist/", "coverage/", ".data/", "examples/client/generated/"] },
  js.configs.recommended,
  // Type-checked: no-floating-promises and no-misused-promises guard every async write path.
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      // `_`-prefixed names are deliberate (a destructured field dropped, an unused parameter kept for its position).
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true }],
      // Off: every `async` without an `await` here implements an interface whose method returns a
      // Promise (Apollo's plugin hooks and context, the gateway's load, fakes of our services);
      // `async` is how such a method says so. Unawaited promises are no-floating-promises' job.
      "@typescript-eslint/require-await": "off",
      // A value passed through from a caller typed `unknown` (an iterator's throw(), a callback's
      // error) is rejected as it came; rejecting with a literal or a non-Error type is still an error.
      "@typescript-eslint/prefer-promise-reject-errors": ["error", { allowThrowingUnknown: true }],
    },
  },
  {
    // Tests, benchmarks and scripts read JSON responses and pg rows as `any` on purpose: a wrong
    // path fails the assertion (or the run) at once, and typing every response adds nothing.
    files: ["test/**", "bench/**", "scripts/**"],
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-return": "off",
    },
  },
  {
    files: ["test/**/*.ts"],
    ...jest.configs["flat/recommended"],
    rules: {
      ...jest.configs["flat/recommended"].rules,
      // Never commit `.only` (or a skipped test): CI would pass while running part of the suite.
      "jest/no-focused-tests": "error",
      "jest/no-disabled-tests": "error",
      // Setup that checks its own work (a hook's expect fails every test of its block in jest-circus).
      "jest/no-standalone-expect": ["error", { additionalTestBlockFunctions: ["beforeAll", "beforeEach", "afterEach", "afterAll"] }],
      // Helpers named expect… assert (expectServingAgain).
      "jest/expect-expect": ["error", { assertFunctionNames: ["expect", "expect*"] }],
      // jest's version of the rule: it lets `expect(object.method)` through, which calls nothing.
      "@typescript-eslint/unbound-method": "off",
      "jest/unbound-method": "error",
    },
  },
  {
    // A property test: its oracle decides, case by case, which outcome to expect.
    files: ["test/create-sms-conversation.fuzz.test.ts"],
    rules: { "jest/no-conditional-expect": "off" },
  },
  {
    // Plain CommonJS files run by Node (jest's config, a child-process fixture, the build script): no types to check.
    files: ["**/*.js", "**/*.mjs"],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      globals: { module: "writable", process: "readonly", setTimeout: "readonly", require: "readonly", __dirname: "readonly" },
    },
  },
  {
    files: ["**/*.js"],
    languageOptions: { sourceType: "commonjs" },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },

  prettier,
);
