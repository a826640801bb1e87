import { ConfigError } from "../errors.js";

/**
 * The public compliance frameworks a rule can name the controls of (`frameworks:` in a rule
 * file). Each has a stable lowercase id, the version whose numbering the built-in rules use, the
 * shape of its control ids, the prefix of its SARIF tags and where its controls are documented.
 * docs/compliance-frameworks.md explains the mapping and its sources.
 */

export const FRAMEWORK_IDS = ["cis-aws-foundations", "aws-fsbp"] as const;
export type FrameworkId = (typeof FRAMEWORK_IDS)[number];

export interface Framework {
  id: FrameworkId;
  name: string;
  /** The version the built-in rules are mapped to. */
  version: string;
  /** What a control id of this framework looks like; the rule schema holds the same pattern. */
  controlPattern: RegExp;
  /** A control id, for messages. */
  controlExample: string;
  /** SARIF and code-scanning tag prefix: `CIS-6.3`, `FSBP-EC2.13`. */
  tagPrefix: string;
  /** Where the controls are published. */
  reference: string;
}

export const FRAMEWORKS: Readonly<Record<FrameworkId, Framework>> = {
  "cis-aws-foundations": {
    id: "cis-aws-foundations",
    name: "CIS Amazon Web Services Foundations Benchmark",
    version: "7.0.0",
    controlPattern: /^[1-9][0-9]*(\.[0-9]+)*$/,
    controlExample: "6.3",
    tagPrefix: "CIS",
    reference: "https://www.cisecurity.org/benchmark/amazon_web_services",
  },
  "aws-fsbp": {
    id: "aws-fsbp",
    name: "AWS Foundational Security Best Practices",
    version: "1.0.0",
    controlPattern: /^[A-Za-z][A-Za-z0-9]*\.[1-9][0-9]*$/,
    controlExample: "EC2.13",
    tagPrefix: "FSBP",
    reference: "https://docs.aws.amazon.com/securityhub/latest/userguide/fsbp-standard.html",
  },
};

/** The controls a rule implements in one framework, and the framework version they come from. */
export interface FrameworkControls {
  version: string;
  controls: string[];
}

/**
 * A rule's mapping, by framework id. An empty object says that no public control of any known
 * framework matches the rule; a rule without the key has not been mapped.
 */
export type RuleFrameworks = Partial<Record<FrameworkId, FrameworkControls>>;

export function isFrameworkId(value: string): value is FrameworkId {
  return (FRAMEWORK_IDS as readonly string[]).includes(value);
}

/** The mapping in framework order, so that every output lists it the same way. */
export function frameworkEntries(frameworks: RuleFrameworks | undefined): [FrameworkId, FrameworkControls][] {
  if (!frameworks) return [];
  return FRAMEWORK_IDS.flatMap((id) => {
    const entry = frameworks[id];
    return entry ? [[id, entry] as [FrameworkId, FrameworkControls]] : [];
  });
}

/** Code-scanning tags for a mapping: `CIS-6.3`, `FSBP-EC2.13`. */
export function frameworkTags(frameworks: RuleFrameworks | undefined): string[] {
  return frameworkEntries(frameworks).flatMap(([id, entry]) =>
    entry.controls.map((control) => `${FRAMEWORKS[id].tagPrefix}-${control}`),
  );
}

/** `CIS 6.3, 6.4; FSBP EC2.13`: a mapping in one line; empty when it names no control. */
export function controlSummary(frameworks: RuleFrameworks | undefined): string {
  return frameworkEntries(frameworks)
    .map(([id, entry]) => `${FRAMEWORKS[id].tagPrefix} ${entry.controls.join(", ")}`)
    .join("; ");
}

/**
 * The AWS documentation page of a Security Hub control: controls of a service share a page,
 * with one anchor per control (`EC2.13` → `ec2-controls.html#ec2-13`).
 */
export function fsbpControlUri(control: string): string {
  const [service = "", number = ""] = control.split(".");
  const page = service.toLowerCase();
  return `https://docs.aws.amazon.com/securityhub/latest/userguide/${page}-controls.html#${page}-${number}`;
}

/** `rules list --framework ID[:CONTROL]`. */
export interface FrameworkFilter {
  framework: FrameworkId;
  control?: string;
}

/** Reads a `--framework` value; an unknown id or a control that cannot exist is an error. */
export function parseFrameworkFilter(value: string): FrameworkFilter {
  const separator = value.indexOf(":");
  const id = (separator === -1 ? value : value.slice(0, separator)).trim();
  const control = separator === -1 ? undefined : value.slice(separator + 1).trim();
  if (!isFrameworkId(id)) {
    throw new ConfigError(
      `--framework: unknown framework "${id}"; known frameworks: ${FRAMEWORK_IDS.join(", ")}`,
    );
  }
  if (control === undefined) return { framework: id };
  const framework = FRAMEWORKS[id];
  if (!framework.controlPattern.test(control)) {
    throw new ConfigError(
      `--framework: "${control}" is not a control id of the ${framework.name} (a control id looks like ${framework.controlExample})`,
    );
  }
  return { framework: id, control };
}

export function matchesFrameworkFilter(
  frameworks: RuleFrameworks | undefined,
  filter: FrameworkFilter,
): boolean {
  const entry = frameworks?.[filter.framework];
  if (!entry) return false;
  if (filter.control === undefined) return true;
  // Security Hub writes EC2.13, people type ec2.13: the id is the same control either way.
  const wanted = filter.control.toLowerCase();
  return entry.controls.some((control) => control.toLowerCase() === wanted);
}
