import { defineProject } from "vitest/config";

export default defineProject({ test: { name: "vmap", include: ["test/**/*.test.ts"] } });
