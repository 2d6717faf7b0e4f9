/** Escapes text for SVG/XML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** A number for an SVG attribute: at most 2 decimals, no trailing zeros. */
export function svgNum(n: number): string {
  return String(Math.round(n * 100) / 100);
}

/** Superscript digits for `10³`-style tick labels. */
export function superscript(n: number): string {
  const map = "⁰¹²³⁴⁵⁶⁷⁸⁹";
  return String(n)
    .split("")
    .map((c) => (c === "-" ? "⁻" : map[Number(c)]!))
    .join("");
}
