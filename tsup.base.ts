import type { Options } from "tsup";

/** Shared tsup settings for every published library: ESM only, declarations, sourcemaps. */
export const libraryConfig: Options = {
  entry: { index: "src/index.ts", debug: "src/debug.ts" },
  format: ["esm"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
  splitting: true,
  treeshake: true,
};
