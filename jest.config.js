/** Jest runs the TypeScript tests directly; v8 coverage because istanbul instrumentation breaks
 * closure-serialized functions (see ../shared/pulumi-dynamic-notes.md). */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tests/tsconfig.json" }] },
  coverageProvider: "v8",
  testTimeout: 60000,
  maxWorkers: 2,
  modulePathIgnorePatterns: ["<rootDir>/dist/", "<rootDir>/node_modules/pulumi-nylas-agents/"],
};
