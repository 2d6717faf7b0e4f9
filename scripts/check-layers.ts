/**
 * Layering check (DESIGN.md "Layers"): a package may import only packages to its left in the chain
 *
 *     rbtree ─ vmap ─ lazy-purge ─ percpu ─ kernel ─ bench ─ apps/cli, apps/docs
 *                └─ vmap-legacy ─┘            arch ─┘
 *
 * It fails on: an import of a package not to the left (L1), an import of the package's own name (L2),
 * a workspace dependency in package.json that the chain forbids (L3), an import cycle between the files of
 * a package (L4), and a workspace package missing from the table below (L5). `@kva/test-utils` may be
 * imported only from tests and benchmarks. Run: `pnpm run check:layers`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Direct left neighbours of each package in DESIGN.md's chain; the allowed set is their closure. */
export const LAYER_EDGES: Readonly<Record<string, readonly string[]>> = {
  "@kva/rbtree": [],
  "@kva/vmap": ["@kva/rbtree"],
  "@kva/vmap-legacy": ["@kva/vmap"],
  "@kva/lazy-purge": ["@kva/vmap", "@kva/vmap-legacy"],
  "@kva/percpu": ["@kva/lazy-purge"],
  "@kva/arch": [],
  "@kva/kernel": ["@kva/percpu", "@kva/arch"],
  "@kva/bench": ["@kva/kernel"],
  "@kva/cli": ["@kva/bench"],
  "@kva/docs": ["@kva/bench"],
  "@kva/test-utils": [],
};
const TEST_ONLY = "@kva/test-utils";

export interface Violation {
  readonly rule: "L1" | "L2" | "L3" | "L4" | "L5";
  readonly where: string;
  readonly message: string;
}

/** Every package a package may import: the transitive closure of its left neighbours. */
export function allowedImports(name: string, edges = LAYER_EDGES): Set<string> {
  const out = new Set<string>();
  const stack = [...(edges[name] ?? [])];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (out.has(next)) continue;
    out.add(next);
    stack.push(...(edges[next] ?? []));
  }
  return out;
}

const IMPORT_RE = /(?:^|[^.\w])(?:import|export)\s+(type\s+)?(?:[\w*{}\s,$]+\s+from\s+)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

interface ImportRef {
  readonly spec: string;
  readonly typeOnly: boolean;
}

export function importsOf(source: string): ImportRef[] {
  const refs: ImportRef[] = [];
  for (const m of source.matchAll(IMPORT_RE)) {
    const spec = m[2] ?? m[3];
    if (spec !== undefined) refs.push({ spec, typeOnly: m[1] !== undefined });
  }
  return refs;
}

function walk(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir)) {
    if (entry === "node_modules" || entry === "dist" || entry.startsWith(".")) continue;
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) walk(full, out);
    else if (/\.(ts|tsx|mts|js|mjs)$/.test(entry) && !entry.endsWith(".d.ts")) out.push(full);
  }
  return out;
}

function packageName(spec: string): string | undefined {
  if (!spec.startsWith("@kva/")) return undefined;
  return spec.split("/").slice(0, 2).join("/");
}

function resolveRelative(from: string, spec: string): string | undefined {
  const base = resolve(dirname(from), spec);
  const candidates = [base, base.replace(/\.js$/, ".ts"), `${base}.ts`, join(base, "index.ts")];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

/** Finds one cycle in a directed graph, or undefined. */
export function findCycle(graph: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, 1 | 2>();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    state.set(node, 1);
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      const s = state.get(next);
      if (s === 1) return [...path.slice(path.indexOf(next)), next];
      if (s === undefined) {
        const found = visit(next);
        if (found) return found;
      }
    }
    path.pop();
    state.set(node, 2);
    return undefined;
  };
  for (const node of graph.keys()) {
    if (!state.has(node)) {
      const found = visit(node);
      if (found) return found;
    }
  }
  return undefined;
}

/** Checks every package under `root/packages` and `root/apps`; returns the violations found. */
export function checkLayers(root: string, edges = LAYER_EDGES): Violation[] {
  const violations: Violation[] = [];
  const dirs = ["packages", "apps"].flatMap((d) =>
    existsSync(join(root, d)) ? readdirSync(join(root, d)).map((p) => join(root, d, p)) : [],
  );
  for (const dir of dirs) {
    const manifestPath = join(dir, "package.json");
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as {
      name: string;
      dependencies?: Record<string, string>;
      peerDependencies?: Record<string, string>;
      devDependencies?: Record<string, string>;
    };
    const name = manifest.name;
    const where = relative(root, dir);
    if (!(name in edges)) {
      violations.push({ rule: "L5", where, message: `${name} is not in the layer table of scripts/check-layers.ts; add it with its left neighbours` });
      continue;
    }
    const allowed = allowedImports(name, edges);
    const runtimeDeps = { ...manifest.dependencies, ...manifest.peerDependencies };
    for (const dep of Object.keys(runtimeDeps)) {
      if (dep.startsWith("@kva/") && !allowed.has(dep)) {
        violations.push({ rule: "L3", where: `${where}/package.json`, message: `${name} depends on ${dep}, which is not to its left in the layer chain` });
      }
    }
    for (const dep of Object.keys(manifest.devDependencies ?? {})) {
      if (dep.startsWith("@kva/") && dep !== TEST_ONLY && !allowed.has(dep)) {
        violations.push({ rule: "L3", where: `${where}/package.json`, message: `${name} has a devDependency on ${dep}, which is not to its left in the layer chain` });
      }
    }
    const graph = new Map<string, string[]>();
    for (const file of walk(dir)) {
      const rel = relative(root, file);
      const inTests = /(^|\/)(test|bench)\//.test(relative(dir, file));
      const edgesOut: string[] = [];
      for (const { spec, typeOnly } of importsOf(readFileSync(file, "utf8"))) {
        const pkg = packageName(spec);
        if (pkg === name) {
          violations.push({ rule: "L2", where: rel, message: `${name} imports its own name (${spec}); use a relative import` });
        } else if (pkg === TEST_ONLY) {
          if (!inTests) violations.push({ rule: "L1", where: rel, message: `${TEST_ONLY} may be imported only from test/ and bench/` });
        } else if (pkg !== undefined && !allowed.has(pkg)) {
          violations.push({ rule: "L1", where: rel, message: `${name} imports ${pkg}, which is not to its left in the layer chain` });
        } else if (spec.startsWith(".") && !typeOnly) {
          const target = resolveRelative(file, spec);
          if (target) edgesOut.push(target);
        }
      }
      graph.set(file, edgesOut);
    }
    const cycle = findCycle(graph);
    if (cycle) {
      violations.push({ rule: "L4", where, message: `import cycle: ${cycle.map((f) => relative(root, f)).join(" -> ")}` });
    }
  }
  return violations;
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
  const found = checkLayers(root);
  for (const v of found) console.error(`${v.rule} ${v.where}: ${v.message}`);
  console.log(found.length === 0 ? "layers: ok" : `layers: ${found.length} violation(s)`);
  process.exit(found.length === 0 ? 0 : 1);
}
