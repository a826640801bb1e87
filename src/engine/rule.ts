import type { ResourceType } from "../model/resource.js";
import type { CompiledCondition } from "./condition/compile.js";
import type { RuleFrameworks } from "./frameworks.js";
import type { RuleMessages } from "./message.js";
import type { ParamSpec } from "./params.js";
import type { RuleMetadata } from "./result.js";

/** A rule file as written (after schema validation). */
export interface RuleDefinition {
  id: string;
  title: string;
  severity: "error" | "warning" | "note";
  "security-severity": number;
  precision?: "very-high" | "high" | "medium" | "low";
  description: string;
  rationale: string;
  remediation: string;
  "help-uri"?: string;
  tags: string[];
  frameworks?: RuleFrameworks;
  resource: ResourceType | ResourceType[];
  uses?: ResourceType[];
  "live-only"?: boolean;
  "applies-when"?: unknown;
  params?: Record<string, ParamSpec>;
  condition: unknown;
  /** The message of a rule with one; otherwise `messages`, by id. */
  message?: string;
  messages?: Record<string, string>;
}

/** A loaded, compiled rule, ready to evaluate. */
export interface Rule {
  metadata: RuleMetadata;
  /** Absolute path of the rule file. */
  path: string;
  /** Types whose missing data makes the rule's results errors: its own and those in `uses`. */
  dependsOn: ResourceType[];
  params: Record<string, ParamSpec>;
  /** Judges only what a running account shows: resources from templates and plans are not applicable. */
  liveOnly: boolean;
  appliesWhen?: CompiledCondition;
  condition: CompiledCondition;
  message: RuleMessages;
  definition: RuleDefinition;
}
