import { describe, expect, it } from "vitest";
import type { Build, NormalizeContext } from "../../../src/sources/cloudformation/normalize/context.js";
import { References } from "../../../src/sources/cloudformation/normalize/references.js";

function build(id: string): Build {
  return { id } as Build;
}

describe("the security groups of a template, by logical id", () => {
  it("finds groups built after an earlier lookup, and the last of two with one id", () => {
    const refs = new References({} as NormalizeContext);
    const first = build("First");
    refs.addSecurityGroup("First", first);
    expect(refs.securityGroup("First")).toBe(first);
    expect(refs.securityGroup("Second")).toBeUndefined();

    // Groups are indexed when looked up: one built since must still be found.
    const second = build("Second");
    refs.addSecurityGroup("Second", second);
    expect(refs.securityGroup("Second")).toBe(second);
    expect(refs.securityGroup("First")).toBe(first);

    const again = build("First");
    refs.addSecurityGroup("First", again);
    expect(refs.securityGroup("First")).toBe(again);
  });
});
