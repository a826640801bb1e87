import { DescribeInstanceInformationCommand, type SSMClient } from "@aws-sdk/client-ssm";
import { ResourceTypes } from "../../../model/resource.js";
import { managedInstanceResource, type AccountScope } from "../normalize.js";
import type { ReadResult } from "../types.js";
import { readError } from "./errors.js";

/** DescribeInstanceInformation accepts 5 to 50 results per page. */
const PAGE = 50;

/**
 * Systems Manager's record of one instance, if it has one: whether the instance is managed, and
 * its ping status. An instance without a record yields nothing, which the rules judge.
 */
export async function readManagedInstance(
  ssm: SSMClient,
  scope: AccountScope,
  region: string,
  instanceId: string,
): Promise<ReadResult> {
  try {
    const output = await ssm.send(
      new DescribeInstanceInformationCommand({
        Filters: [{ Key: "InstanceIds", Values: [instanceId] }],
        MaxResults: PAGE,
      }),
    );
    return {
      resources: (output.InstanceInformationList ?? [])
        .filter((information) => information.InstanceId === instanceId)
        .map((information) => managedInstanceResource(information, scope, region)),
      errors: [],
    };
  } catch (error) {
    const call = {
      service: "ssm",
      operation: "DescribeInstanceInformation",
      iamAction: "ssm:DescribeInstanceInformation",
    };
    return {
      resources: [],
      errors: [readError(call, { account: scope.account, region }, error, [ResourceTypes.ManagedInstance])],
    };
  }
}
