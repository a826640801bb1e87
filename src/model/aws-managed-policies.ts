import type { JsonValue } from "./resource.js";

/**
 * Documents of a few AWS-managed policies that baseline resources commonly attach, for data that
 * names a policy without holding its document: a template or plan attaches
 * `AmazonSSMManagedInstanceCore` by ARN, and AWS publishes its content, not the template.
 * Collected data wins: live scans and snapshots carry the documents themselves, and these are
 * used only when a policy's document is absent. A policy not listed here stays unknown, and the
 * rules that need it report that they cannot decide.
 *
 * Keep each document to what AWS publishes for the policy's current default version; an
 * incomplete document could let a rule pass on permissions it does not see.
 */
const DOCUMENTS: Readonly<Record<string, JsonValue>> = {
  "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore": {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: [
          "ssm:DescribeAssociation",
          "ssm:GetDeployablePatchSnapshotForInstance",
          "ssm:GetDocument",
          "ssm:DescribeDocument",
          "ssm:GetManifest",
          "ssm:GetParameter",
          "ssm:GetParameters",
          "ssm:ListAssociations",
          "ssm:ListInstanceAssociations",
          "ssm:PutInventory",
          "ssm:PutComplianceItems",
          "ssm:PutConfigurePackageResult",
          "ssm:UpdateAssociationStatus",
          "ssm:UpdateInstanceAssociationStatus",
          "ssm:UpdateInstanceInformation",
        ],
        Resource: "*",
      },
      {
        Effect: "Allow",
        Action: [
          "ssmmessages:CreateControlChannel",
          "ssmmessages:CreateDataChannel",
          "ssmmessages:OpenControlChannel",
          "ssmmessages:OpenDataChannel",
        ],
        Resource: "*",
      },
      {
        Effect: "Allow",
        Action: [
          "ec2messages:AcknowledgeMessage",
          "ec2messages:DeleteMessage",
          "ec2messages:FailMessage",
          "ec2messages:GetEndpoint",
          "ec2messages:GetMessages",
          "ec2messages:SendReply",
        ],
        Resource: "*",
      },
    ],
  },
  "arn:aws:iam::aws:policy/AdministratorAccess": {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
  },
  "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole": {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: "*",
      },
    ],
  },
};

/** The known document of an AWS-managed policy, by ARN in any partition; undefined otherwise. */
export function knownAwsManagedPolicyDocument(policyArn: string): JsonValue | undefined {
  const document = DOCUMENTS[policyArn.replace(/^arn:aws[a-z-]*:/, "arn:aws:")];
  return document === undefined ? undefined : structuredClone(document);
}
