import { defineProject } from "vitest/config";

export default defineProject({ test: { name: "arch", include: ["test/**/*.test.ts"] } });
