// cfn-guard beside our template check in `npm run bench` (scenario "template"). cfn-guard 3.1.1 is
// the binary that the npm package @cdklabs/cdk-validator-cfnguard ships; when it is not installed
// the comparison is skipped and said so. Both tools check the same thing: SSH open to the internet
// in a security group's inline ingress, written for cfn-guard in scripts/bench-ssh.guard.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const GUARD_RULES = fileURLToPath(new URL("bench-ssh.guard", import.meta.url));

/** Where cfn-guard is for this platform, and its version; undefined when not installed. */
export function guardBinary(root) {
  const platform = { linux: "ubuntu", darwin: "macos" }[process.platform];
  const arch = { x64: "x86_64", arm64: "aarch64" }[process.arch];
  if (!platform || !arch) return undefined;
  const path = join(
    root,
    "node_modules",
    "@cdklabs",
    "cdk-validator-cfnguard",
    "bin",
    platform,
    arch,
    "cfn-guard",
  );
  if (!existsSync(path)) return undefined;
  try {
    return { path, version: execFileSync(path, ["--version"], { encoding: "utf8" }).trim() };
  } catch {
    return undefined;
  }
}
