import { describe, expect, it } from "vitest";
import { agentUpdateCommands, nextSteps, sessionManagerReplacements } from "../../src/campaign/next-steps.js";
import { item, SSH_22_FROM_ANYWHERE } from "./builders.js";

describe("nextSteps", () => {
  it("revokes the exact ingress entry the finding names, without its description", () => {
    const steps = nextSteps(
      [
        item("ssh-from-internet", "AWS::EC2::SecurityGroup", "sg-0017b3c9e5a1f4d01", {
          evidence: [{ path: "IpPermissions[0]", value: SSH_22_FROM_ANYWHERE }],
        }),
      ],
      undefined,
    );
    expect(steps).toEqual([
      {
        text: "Revoke the ingress entry",
        command:
          "aws ec2 revoke-security-group-ingress --group-id sg-0017b3c9e5a1f4d01 --region us-east-1 " +
          `--ip-permissions '[{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]'`,
      },
    ]);
  });

  it("warns when the entry opens more than the SSH port", () => {
    const all = { IpProtocol: "-1", Ipv6Ranges: [{ CidrIpv6: "::/0" }] };
    const [step] = nextSteps(
      [
        item("ssh-from-internet", "AWS::EC2::SecurityGroup", "sg-0027b3c9e5a1f4d02", {
          evidence: [{ path: "IpPermissions[0]", value: all }],
        }),
      ],
      undefined,
    );
    expect(step!.text).toMatch(/opens more than the SSH port/);
    expect(step!.command).toContain(`'[{"IpProtocol":"-1","Ipv6Ranges":[{"CidrIpv6":"::/0"}]}]'`);
  });

  it("attaches AmazonSSMManagedInstanceCore to the instance's role, in the instance's partition", () => {
    const open = item("instance-role-ssm-permissions", "AWS::EC2::Instance", "i-0a89c1d3e5f7b4007", {
      evidence: [{ path: "related.Roles[0]", value: { RoleName: "etl-worker-role" } }],
    });
    open.resource.arn = "arn:aws-us-gov:ec2:us-gov-west-1:111122223333:instance/i-0a89c1d3e5f7b4007";
    expect(nextSteps([open], undefined)[0]!.command).toBe(
      "aws iam attach-role-policy --role-name etl-worker-role --policy-arn arn:aws-us-gov:iam::aws:policy/AmazonSSMManagedInstanceCore",
    );
  });

  it("puts no value that is not an AWS identifier into a command", () => {
    const evil = {
      IpProtocol: "tcp",
      FromPort: 22,
      ToPort: 22,
      IpRanges: [{ CidrIp: "0.0.0.0/0'; rm -rf / #" }],
    };
    const steps = nextSteps(
      [
        item("ssh-from-internet", "AWS::EC2::SecurityGroup", "sg-0017b3c9e5a1f4d01", {
          evidence: [{ path: "IpPermissions[0]", value: evil }],
        }),
        item("instance-role-ssm-permissions", "AWS::EC2::Instance", "i-0a89c1d3e5f7b4007", {
          evidence: [{ path: "related.Roles[0]", value: { RoleName: "x; curl evil" } }],
        }),
        item("instance-key-pair", "AWS::EC2::Instance", "i-$(reboot)"),
      ],
      undefined,
    );
    const commands = steps.flatMap((step) => (step.command !== undefined ? [step.command] : []));
    for (const command of commands) expect(command).not.toMatch(/rm -rf|curl|reboot/);
  });

  it("updates agents 50 instances a command", () => {
    const ids = Array.from({ length: 51 }, (_, index) => `i-${index.toString(16).padStart(17, "0")}`);
    const commands = agentUpdateCommands(ids, "eu-west-1");
    expect(commands).toHaveLength(2);
    expect(commands[0]).toMatch(
      /^aws ssm send-command --document-name AWS-UpdateSSMAgent --region eu-west-1 --targets Key=InstanceIds,Values=i-0{17},/,
    );
    expect(commands[1]).toBe(
      `aws ssm send-command --document-name AWS-UpdateSSMAgent --region eu-west-1 --targets Key=InstanceIds,Values=${ids[50]}`,
    );
  });

  it("offers Session Manager for a shell, port forwarding and ssh", () => {
    const commands = sessionManagerReplacements("i-0b45e1a7c3d9f2001", "us-east-1").map(
      (step) => step.command,
    );
    expect(commands[0]).toBe("aws ssm start-session --target i-0b45e1a7c3d9f2001 --region us-east-1");
    expect(commands[1]).toContain("--document-name AWS-StartPortForwardingSessionToRemoteHost");
    expect(commands[2]).toContain("--document-name AWS-StartSSHSession");
  });
});
