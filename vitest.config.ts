import { defineConfig } from "vitest/config";

// One process runs every package's tests (the CI step); the summary reporter prints the closing line.
export default defineConfig({
  test: {
    projects: [
      "packages/*",
      "apps/*",
      { test: { name: "scripts", include: ["scripts/**/*.test.ts"] } },
    ],
    reporters: ["default", "./scripts/vitest-summary-reporter.ts"],
  },
});
