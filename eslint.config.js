// One flat config for the whole workspace; packages run `eslint src` against it.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import { boundaryConfigs } from "./eslint/boundaries.js";
import { catalogueConfigs } from "./eslint/catalogue.js";

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/build/**", "**/dist/**", "**/.cache/**", "**/public/build/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-console": "error",
    },
  },
  {
    files: ["**/scripts/**", "**/*.test.ts", "**/test/**", "**/bin/**"],
    rules: { "no-console": "off" },
  },
  ...boundaryConfigs(),
  ...catalogueConfigs(),
);
