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
    refs.addSecurityGroup("First", first, undefined);
    expect(refs.securityGroup("First")).toBe(first);
    expect(refs.securityGroup("Second")).toBeUndefined();

    // Groups are indexed when looked up: one built since must still be found.
    const second = build("Second");
    refs.addSecurityGroup("Second", second, undefined);
    expect(refs.securityGroup("Second")).toBe(second);
    expect(refs.securityGroup("First")).toBe(first);

    const again = build("First");
    refs.addSecurityGroup("First", again, undefined);
    expect(refs.securityGroup("First")).toBe(again);
  });
});

describe("the security groups of a template, by the GroupName it gives them", () => {
  it("finds the last group of a name, groups built after an earlier lookup, and no group without one", () => {
    const refs = new References({} as NormalizeContext);
    const web = build("Web");
    refs.addSecurityGroup("Web", web, "web");
    refs.addSecurityGroup("Unnamed", build("Unnamed"), undefined);
    refs.addSecurityGroup("Decided", build("Decided"), { $unknown: "GroupName is a parameter" });
    expect(refs.securityGroupNamed("web")).toBe(web);
    expect(refs.securityGroupNamed("Unnamed")).toBeUndefined();
    expect(refs.securityGroupNamed("db")).toBeUndefined();

    const db = build("Db");
    refs.addSecurityGroup("Db", db, "db");
    expect(refs.securityGroupNamed("db")).toBe(db);
    const webAgain = build("WebAgain");
    refs.addSecurityGroup("WebAgain", webAgain, "web");
    expect(refs.securityGroupNamed("web")).toBe(webAgain);
  });
});
