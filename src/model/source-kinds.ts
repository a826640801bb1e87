/**
 * The kinds of input the pipeline reads, declared once. Whether a source observes deployed
 * resources or describes planned ones decides which rules apply to it (live-only rules do not
 * apply to plans); the SARIF category keeps each kind's results in a run of its own, so that
 * code scanning never closes an account's alerts because a template run did not report them.
 */
export interface SourceKindSpec {
  kind: SourceKind;
  /** Deployed resources as AWS reports them, or resources a template or plan would create. */
  observed: boolean;
  /** The SARIF run (and code-scanning category) its results belong to. */
  run: RunKind;
  /** How reports and docs name the kind. */
  title: string;
}

export type SourceKind = "aws-live" | "snapshot" | "config-item" | "cloudformation" | "terraform-plan";

/** SARIF runs: observed AWS data, AWS Config items, infrastructure as code. */
export type RunKind = "aws" | "config" | "iac";

export const SOURCE_KINDS: readonly SourceKindSpec[] = [
  { kind: "aws-live", observed: true, run: "aws", title: "live AWS account" },
  { kind: "snapshot", observed: true, run: "aws", title: "inventory snapshot" },
  { kind: "config-item", observed: true, run: "config", title: "AWS Config configuration item" },
  { kind: "cloudformation", observed: false, run: "iac", title: "CloudFormation template" },
  { kind: "terraform-plan", observed: false, run: "iac", title: "Terraform plan" },
];

const BY_KIND = new Map<SourceKind, SourceKindSpec>(SOURCE_KINDS.map((spec) => [spec.kind, spec]));

export function sourceKindSpec(kind: SourceKind): SourceKindSpec {
  const spec = BY_KIND.get(kind);
  if (spec === undefined) throw new Error(`unknown source kind ${kind}`);
  return spec;
}

/** Whether resources of this kind are planned (templates, plans) rather than observed. */
export function isPlanned(kind: SourceKind): boolean {
  return !sourceKindSpec(kind).observed;
}
