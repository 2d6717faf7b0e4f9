import { fileURLToPath } from "node:url";
import { defineProject } from "vitest/config";

// src/ is loaded by Node itself (through the tsx loader), not by Vite's module runner: the runner turns every
// imported constant (NIL, LEFT, COLOR, ...) into a getter call, which makes the tree's loops 10-20x slower
// and the invariant runs (check() after every one of 10^5 operations) too slow for the fast loop. Loading
// src natively also runs it exactly as a consumer's Node does. `isolate: false` reuses each worker across
// test files, so the loader starts once per worker (the tests share no global state).
const SRC = fileURLToPath(new URL("./src/", import.meta.url));

export default defineProject({
  test: {
    name: "rbtree",
    testTimeout: 60_000,
    include: ["test/**/*.test.ts"],
    execArgv: ["--import", "tsx"],
    isolate: false,
    server: { deps: { external: [new RegExp(`^${SRC.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`)] } },
  },
});
