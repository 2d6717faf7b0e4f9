#!/usr/bin/env node
// Packs every public library, installs the tarballs into a throw-away ESM project outside the workspace,
// imports each package's "." and "./debug" entry with plain Node, and type-checks a TypeScript file that
// imports them with NodeNext resolution. Fails if a tarball holds more than dist/, README, LICENSE,
// CHANGELOG and package.json. Run after `pnpm build`: `node scripts/check-pack.mjs`.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const work = mkdtempSync(join(tmpdir(), "kva-pack-"));
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
const ALLOWED = /^package\/(dist\/.+|README\.md|LICENSE|CHANGELOG\.md|package\.json)$/;

try {
  const libs = readdirSync(join(root, "packages"))
    .map((d) => join(root, "packages", d))
    .filter((d) => existsSync(join(d, "package.json")))
    .map((dir) => ({ dir, meta: JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) }))
    .filter(({ meta }) => !meta.private);
  const tarballs = [];
  for (const { dir, meta } of libs) {
    const out = run("pnpm", ["pack", "--pack-destination", work], dir).trim().split("\n").at(-1);
    const file = out.endsWith(".tgz") ? resolve(dir, out) : join(work, readdirSync(work).find((f) => f.startsWith(meta.name.replace("@", "").replace("/", "-")) && f.endsWith(".tgz")));
    const extra = run("tar", ["tzf", file]).trim().split("\n").filter((f) => !ALLOWED.test(f));
    if (extra.length > 0) throw new Error(`${meta.name}: the tarball holds files outside dist/README/LICENSE/CHANGELOG/package.json: ${extra.join(", ")}`);
    tarballs.push(file);
  }
  const app = join(work, "app");
  run("mkdir", ["-p", app]);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "kva-pack-consumer", private: true, type: "module" }));
  run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", ...tarballs], app);
  const names = libs.map(({ meta }) => meta.name);
  const mjs = names.flatMap((n, i) => [`import * as m${i} from "${n}";`, `import * as d${i} from "${n}/debug";`]).join("\n") +
    `\nconst all = [${names.map((_, i) => `m${i}, d${i}`).join(", ")}];\nif (all.some((m) => Object.keys(m).length === 0)) throw new Error("an entry exports nothing");\nconsole.log("imported", all.length, "entries");\n`;
  writeFileSync(join(app, "main.mjs"), mjs);
  process.stdout.write(run("node", ["main.mjs"], app));
  writeFileSync(join(app, "check.ts"), names.flatMap((n, i) => [`import type * as T${i} from "${n}";`, `import type * as D${i} from "${n}/debug";`]).join("\n") + `\nexport type All = [${names.map((_, i) => `typeof T${i}, typeof D${i}`).join(", ")}];\n`);
  run(join(root, "node_modules/.bin/tsc"), ["--noEmit", "--strict", "--skipLibCheck", "false", "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022", "--types", "node", "--typeRoots", join(root, "node_modules/@types"), "check.ts"], app);
  console.log(`pack: ok (${names.length} packages: ${names.join(", ")})`);
} catch (error) {
  console.error(`pack: ${error.stderr || error.stdout || error.message}`);
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
