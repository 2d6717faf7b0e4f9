import { defineProject } from "vitest/config";

export default defineProject({ test: { name: "lazy-purge", include: ["test/**/*.test.ts"] } });
