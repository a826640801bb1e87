import type { JsonValue } from "../model/resource.js";
import type { ResourceFacts } from "../report/resource-facts.js";
import type { OpenItem } from "./model.js";

/**
 * What to do next about a resource, as commands to run: built from the finding's own evidence
 * (the security group's exact ingress entry, the instance's role), never from placeholders where
 * the data has the value. Only values that look like AWS identifiers go into a command; anything
 * else leaves the step as advice, so no tag or name from the input can smuggle shell syntax in.
 */

export interface NextStep {
  /** Why, in a few words. */
  text: string;
  command?: string;
}

const GROUP_ID = /^sg-[0-9a-f]{8,17}$/;
const INSTANCE_ID = /^(i|mi)-[0-9a-f]{8,17}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const PARTITION = /^arn:(aws[a-z-]*):/;

const SSH_GROUP_RULES = new Set(["ssh-from-internet", "ssh-from-any-source", "rdp-from-internet"]);

export function nextSteps(items: readonly OpenItem[], facts: ResourceFacts | undefined): NextStep[] {
  const steps: NextStep[] = [];
  const seen = new Set<string>();
  const add = (step: NextStep) => {
    const key = step.command ?? step.text;
    if (seen.has(key)) return;
    seen.add(key);
    steps.push(step);
  };
  for (const item of items) {
    if (item.status === "error") {
      add({ text: `Not evaluated (${item.ruleId}): ${item.message}` });
      continue;
    }
    const { id, region } = item.resource;
    const regionOption = REGION.test(region) ? ` --region ${region}` : "";
    if (SSH_GROUP_RULES.has(item.ruleId) && GROUP_ID.test(id)) {
      for (const evidence of item.evidence) {
        const permission = revocablePermission(evidence.value);
        if (permission === undefined) continue;
        add({
          text: permission.wide
            ? `Revoke the entry (it opens more than the ${item.ruleId.startsWith("rdp") ? "RDP" : "SSH"} port: re-add what the workload needs)`
            : "Revoke the ingress entry",
          command: `aws ec2 revoke-security-group-ingress --group-id ${id}${regionOption} --ip-permissions '${JSON.stringify([permission.entry])}'`,
        });
      }
      continue;
    }
    if (!INSTANCE_ID.test(id)) {
      add({ text: `${item.ruleId}: ${item.message}` });
      continue;
    }
    switch (item.ruleId) {
      case "instance-role-ssm-permissions":
      case "instance-managed-by-ssm": {
        const role = roleName(item);
        const partition = PARTITION.exec(item.resource.arn ?? "")?.[1] ?? "aws";
        if (role !== undefined) {
          add({
            text: `Attach AmazonSSMManagedInstanceCore to role ${role}`,
            command: `aws iam attach-role-policy --role-name ${role} --policy-arn arn:${partition}:iam::aws:policy/AmazonSSMManagedInstanceCore`,
          });
        } else if (item.ruleId === "instance-role-ssm-permissions") {
          add({
            text: "Attach a profile whose role has AmazonSSMManagedInstanceCore",
            command: `aws ec2 associate-iam-instance-profile --instance-id ${id}${regionOption} --iam-instance-profile Name=SSMInstanceProfile`,
          });
        } else {
          add({
            text: "Check the agent registers (role, agent running, route to ssm endpoints)",
            command: `aws ssm describe-instance-information${regionOption} --filters Key=InstanceIds,Values=${id}`,
          });
        }
        break;
      }
      case "ssm-agent-version":
        // One command per account and region covers every outdated agent there (agentUpdateCommands).
        add({ text: "Update the agent (the group's AWS-UpdateSSMAgent command, above)" });
        break;
      case "instance-key-pair":
        // The Session Manager commands for the group stand above its table, once.
        add({
          text: `Delete key pair ${facts?.keyName ?? "(its name is in the results)"}; use Session Manager (above)`,
        });
        break;
      case "exposed-bastion":
        add({
          text: "Retire the bastion: Session Manager instead",
          command: `aws ssm start-session --target ${id}${regionOption}`,
        });
        if (facts?.publicIp !== undefined) {
          add({ text: `Release the public address ${facts.publicIp} once nothing uses the bastion` });
        }
        break;
      default:
        add({ text: `${item.ruleId}: ${item.message}` });
    }
  }
  return steps;
}

/**
 * The Session Manager replacements for what people did over SSH, for one instance of a group:
 * a shell, port forwarding through it to another host, and ssh/scp tunnelled through the agent.
 */
export function sessionManagerReplacements(instanceId: string, region: string): NextStep[] {
  if (!INSTANCE_ID.test(instanceId)) return [];
  const regionOption = REGION.test(region) ? ` --region ${region}` : "";
  return [
    {
      text: "A shell (instead of ssh)",
      command: `aws ssm start-session --target ${instanceId}${regionOption}`,
    },
    {
      text: "Port forwarding to a host behind it (instead of ssh -L through a bastion)",
      command:
        `aws ssm start-session --target ${instanceId}${regionOption} --document-name AWS-StartPortForwardingSessionToRemoteHost ` +
        `--parameters '{"host":["db.internal.example"],"portNumber":["5432"],"localPortNumber":["15432"]}'`,
    },
    {
      text: "ssh and scp for tools that need them, tunnelled through the agent (no port 22)",
      command: `ssh -o ProxyCommand='aws ssm start-session --target %h${regionOption} --document-name AWS-StartSSHSession --parameters portNumber=%p' ec2-user@${instanceId}`,
    },
  ];
}

/** The ingress entry of a failing permission, as `revoke-security-group-ingress` takes it. */
function revocablePermission(
  value: JsonValue,
): { entry: Record<string, JsonValue>; wide: boolean } | undefined {
  if (!isObject(value) || typeof value.IpProtocol !== "string") return undefined;
  const entry: Record<string, JsonValue> = { IpProtocol: value.IpProtocol };
  if (typeof value.FromPort === "number") entry.FromPort = value.FromPort;
  if (typeof value.ToPort === "number") entry.ToPort = value.ToPort;
  const sources: [string, string][] = [
    ["IpRanges", "CidrIp"],
    ["Ipv6Ranges", "CidrIpv6"],
    ["PrefixListIds", "PrefixListId"],
    ["UserIdGroupPairs", "GroupId"],
  ];
  let any = false;
  for (const [list, field] of sources) {
    const ranges = value[list];
    if (!Array.isArray(ranges)) continue;
    const kept = ranges.flatMap((range) =>
      isObject(range) && typeof range[field] === "string" && /^[\w:./-]+$/.test(range[field])
        ? [{ [field]: range[field] }]
        : [],
    );
    if (kept.length > 0) {
      entry[list] = kept;
      any = true;
    }
  }
  if (!any) return undefined;
  const wide = value.IpProtocol === "-1" || value.FromPort !== value.ToPort;
  return { entry, wide };
}

function roleName(item: OpenItem): string | undefined {
  for (const evidence of item.evidence) {
    const { value } = evidence;
    if (evidence.path.startsWith("related.Roles") && isObject(value) && typeof value.RoleName === "string") {
      return ROLE_NAME.test(value.RoleName) ? value.RoleName : undefined;
    }
  }
  return undefined;
}

function isObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Instance ids per `send-command --targets` value: the API takes at most 50. */
const TARGETS_PER_COMMAND = 50;

/** `AWS-UpdateSSMAgent` for every outdated agent of one account and region, 50 instances a command. */
export function agentUpdateCommands(instanceIds: readonly string[], region: string): string[] {
  const ids = instanceIds.filter((id) => INSTANCE_ID.test(id));
  const regionOption = REGION.test(region) ? ` --region ${region}` : "";
  const commands: string[] = [];
  for (let at = 0; at < ids.length; at += TARGETS_PER_COMMAND) {
    const batch = ids.slice(at, at + TARGETS_PER_COMMAND).join(",");
    commands.push(
      `aws ssm send-command --document-name AWS-UpdateSSMAgent${regionOption} --targets Key=InstanceIds,Values=${batch}`,
    );
  }
  return commands;
}
