import { defineProject } from "vitest/config";

export default defineProject({ test: { name: "rbtree", include: ["test/**/*.test.ts"] } });
