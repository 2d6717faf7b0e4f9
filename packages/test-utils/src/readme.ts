import { readFileSync } from "node:fs";

/**
 * README checks shared by every package's `test/readme.test.ts`: the usage example of a README is a test
 * (between `// usage: begin` and `// usage: end` comments) and must appear in the README verbatim.
 */

/** The package README next to a test file: `<package>/README.md` for `<package>/test/<name>.test.ts`. */
export function readPackageReadme(testFileUrl: string): string {
  return readFileSync(new URL("../README.md", testFileUrl), "utf8");
}

/**
 * The lines of the test file between its `// usage: begin` and `// usage: end` marker comments, without
 * their common indentation. Throws when a marker is missing.
 */
export function usageExample(testFileUrl: string, begin = "// usage: begin", end = "// usage: end"): string {
  const lines = readFileSync(new URL(testFileUrl), "utf8").split("\n");
  const from = lines.findIndex((l) => l.includes(begin));
  const to = lines.findIndex((l, i) => i > from && l.includes(end));
  if (from < 0 || to < 0) throw new Error(`${testFileUrl} has no "${begin}" ... "${end}" markers around its usage example`);
  const body = lines.slice(from + 1, to);
  const indent = Math.min(...body.filter((l) => l.trim() !== "").map((l) => l.length - l.trimStart().length));
  return body.map((l) => l.slice(indent)).join("\n");
}
