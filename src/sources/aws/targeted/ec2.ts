import { DescribeSecurityGroupsCommand, type EC2Client } from "@aws-sdk/client-ec2";
import { ResourceTypes } from "../../../model/resource.js";
import { securityGroupResource, type AccountScope } from "../normalize.js";
import type { ReadResult } from "../types.js";
import { readError } from "./errors.js";

/**
 * Security groups by id, in one call: the groups a configuration item's instance names. The
 * live collector lists every group of the region instead, which one instance does not need.
 */
export async function readSecurityGroupsById(
  ec2: EC2Client,
  scope: AccountScope,
  region: string,
  groupIds: readonly string[],
): Promise<ReadResult> {
  const ids = [...new Set(groupIds)].sort();
  if (ids.length === 0) return { resources: [], errors: [] };
  try {
    // GroupIds and MaxResults cannot be combined; the ids of one instance fit in one answer.
    const output = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ids }));
    return {
      resources: (output.SecurityGroups ?? []).map((group) => securityGroupResource(group, scope, region)),
      errors: [],
    };
  } catch (error) {
    const call = {
      service: "ec2",
      operation: "DescribeSecurityGroups",
      iamAction: "ec2:DescribeSecurityGroups",
    };
    return {
      resources: [],
      errors: [readError(call, { account: scope.account, region }, error, [ResourceTypes.SecurityGroup])],
    };
  }
}
