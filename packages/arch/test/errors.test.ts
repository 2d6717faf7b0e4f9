import { describe, expect, it } from "vitest";
import { ArchError } from "../src/index.js";

describe("ArchError", () => {
  it("is an Error with a name and a code", () => {
    const error = new ArchError("ERANGE", "x");
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("ArchError");
    expect(error.code).toBe("ERANGE");
  });
});
