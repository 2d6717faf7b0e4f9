#!/usr/bin/env bash
# Creates a library package skeleton: scripts/scaffold.sh NAME "one-line description"
set -euo pipefail
name=$1; desc=$2; dir=packages/$name
mkdir -p "$dir/src" "$dir/test" "$dir/bench"
cat > "$dir/package.json" <<JSON
{
  "name": "@kva/$name",
  "version": "0.0.0",
  "description": "$desc",
  "license": "MIT",
  "type": "module",
  "sideEffects": false,
  "exports": {
    ".": { "types": "./dist/index.d.ts", "import": "./dist/index.js" },
    "./debug": { "types": "./dist/debug.d.ts", "import": "./dist/debug.js" },
    "./package.json": "./package.json"
  },
  "types": "./dist/index.d.ts",
  "files": ["dist"],
  "engines": { "node": ">=20.19" },
  "scripts": {
    "build": "tsup",
    "test": "vitest run",
    "bench": "tsx bench/run.ts",
    "lint": "eslint .",
    "typecheck": "tsc -p tsconfig.json",
    "publint": "publint --strict"
  }
}
JSON
echo '{ "extends": "../../tsconfig.base.json", "include": ["src", "test", "bench", "*.config.ts"] }' > "$dir/tsconfig.json"
cat > "$dir/tsup.config.ts" <<TS
import { defineConfig } from "tsup";
import { libraryConfig } from "../../tsup.base.js";

export default defineConfig(libraryConfig);
TS
cat > "$dir/vitest.config.ts" <<TS
import { defineProject } from "vitest/config";

export default defineProject({ test: { name: "$name", include: ["test/**/*.test.ts"] } });
TS
