import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { allowedImports, checkLayers, findCycle, importsOf } from "./check-layers.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
let tmp: string | undefined;

function workspace(files: Record<string, string>): string {
  tmp = mkdtempSync(join(tmpdir(), "kva-layers-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(tmp, path)), { recursive: true });
    writeFileSync(join(tmp, path), text);
  }
  return tmp;
}

const manifest = (name: string, deps: Record<string, string> = {}) => JSON.stringify({ name, dependencies: deps });

afterEach(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  tmp = undefined;
});

describe("checkLayers()", () => {
  it("passes on the repository itself", () => {
    expect(checkLayers(repoRoot)).toEqual([]);
  });

  it("allows the transitive left side of the chain only", () => {
    expect([...allowedImports("@kva/lazy-purge")].sort()).toEqual(["@kva/rbtree", "@kva/vmap", "@kva/vmap-legacy"]);
    expect(allowedImports("@kva/kernel").has("@kva/arch")).toBe(true);
    expect(allowedImports("@kva/vmap").has("@kva/vmap-legacy")).toBe(false);
  });

  it("fails when a package imports a package to its right (L1)", () => {
    const root = workspace({
      "packages/rbtree/package.json": manifest("@kva/rbtree"),
      "packages/rbtree/src/index.ts": 'import { VmapSpace } from "@kva/vmap";\nexport const x = VmapSpace;\n',
      "packages/vmap/package.json": manifest("@kva/vmap", { "@kva/rbtree": "workspace:*" }),
      "packages/vmap/src/index.ts": 'export { RbTree } from "@kva/rbtree";\n',
    });
    expect(checkLayers(root).map((v) => v.rule)).toEqual(["L1"]);
  });

  it("fails when a package imports its own name (L2)", () => {
    const root = workspace({
      "packages/vmap/package.json": manifest("@kva/vmap"),
      "packages/vmap/src/index.ts": 'export * from "@kva/vmap/debug";\n',
    });
    expect(checkLayers(root).map((v) => v.rule)).toEqual(["L2"]);
  });

  it("fails on a forbidden workspace dependency in package.json (L3)", () => {
    const root = workspace({ "packages/arch/package.json": manifest("@kva/arch", { "@kva/vmap": "workspace:*" }) });
    expect(checkLayers(root).map((v) => v.rule)).toEqual(["L3"]);
  });

  it("fails on an import cycle between files (L4)", () => {
    const root = workspace({
      "packages/vmap/package.json": manifest("@kva/vmap"),
      "packages/vmap/src/a.ts": 'import { b } from "./b.js";\nexport const a = () => b;\n',
      "packages/vmap/src/b.ts": 'import { a } from "./a.js";\nexport const b = () => a;\n',
    });
    expect(checkLayers(root).map((v) => v.rule)).toEqual(["L4"]);
  });

  it("fails on a package missing from the layer table (L5)", () => {
    const root = workspace({ "packages/extra/package.json": manifest("@kva/extra") });
    expect(checkLayers(root).map((v) => v.rule)).toEqual(["L5"]);
  });

  it("allows test-utils in tests but not in sources", () => {
    const root = workspace({
      "packages/vmap/package.json": manifest("@kva/vmap"),
      "packages/vmap/test/a.test.ts": 'import { Prng } from "@kva/test-utils";\nexport const p = Prng;\n',
      "packages/vmap/src/index.ts": 'import { Prng } from "@kva/test-utils";\nexport const p = Prng;\n',
    });
    expect(checkLayers(root).map((v) => `${v.rule} ${v.where}`)).toEqual(["L1 packages/vmap/src/index.ts"]);
  });
});

describe("importsOf()", () => {
  it("finds static, re-export, side-effect and dynamic imports", () => {
    const src = 'import a from "a";\nimport type { B } from "b";\nexport * from "c";\nimport "d";\nconst e = await import("e");\n';
    expect(importsOf(src)).toEqual([
      { spec: "a", typeOnly: false },
      { spec: "b", typeOnly: true },
      { spec: "c", typeOnly: false },
      { spec: "d", typeOnly: false },
      { spec: "e", typeOnly: false },
    ]);
  });
});

describe("findCycle()", () => {
  it("returns the cycle path or undefined", () => {
    expect(findCycle(new Map([["a", ["b"]], ["b", ["c"]], ["c", []]]))).toBeUndefined();
    expect(findCycle(new Map([["a", ["b"]], ["b", ["a"]]]))).toEqual(["a", "b", "a"]);
  });
});
