import { defineProject } from "vitest/config";

export default defineProject({ test: { name: "vmap-legacy", include: ["test/**/*.test.ts"] } });
