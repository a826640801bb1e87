import {
  DescribeInstancesCommand,
  DescribeRegionsCommand,
  DescribeSecurityGroupsCommand,
  type DescribeInstancesCommandOutput,
  type DescribeSecurityGroupsCommandOutput,
  type EC2Client,
} from "@aws-sdk/client-ec2";
import { instanceResource, securityGroupResource, type AccountScope } from "./normalize.js";
import { readPages } from "./paginate.js";
import { UnexpectedResponseError } from "./response-check.js";
import type { PageListener, ReadResult } from "./types.js";

/** The largest page each EC2 API allows: fewer pages, fewer calls. */
const SECURITY_GROUPS_PAGE = 1000;
const INSTANCES_PAGE = 1000;

/**
 * Every state but `terminated`, filtered on the server: terminated instances linger in the
 * API for about an hour, cannot be reached, and would only cost pages.
 */
const LIVE_INSTANCE_STATES = ["pending", "running", "shutting-down", "stopping", "stopped"];

/**
 * The regions enabled for the account (opt-in regions the account has not enabled are left out).
 * Every account has the regions enabled by default, so an answer that names none, or lists a
 * region without its name, is not the account's list: scanning by it would judge no region.
 */
export async function readEnabledRegions(ec2: EC2Client): Promise<string[]> {
  const output = await ec2.send(new DescribeRegionsCommand({}));
  const listed = output.Regions ?? [];
  if (listed.some((region) => typeof region.RegionName !== "string" || region.RegionName === "")) {
    throw new UnexpectedResponseError("the response listed a region without its RegionName");
  }
  const enabled = listed
    .filter((region) => region.OptInStatus !== "not-opted-in")
    .map((region) => region.RegionName!);
  if (enabled.length === 0) {
    throw new UnexpectedResponseError(
      `the response listed no enabled region (${listed.length} region${listed.length === 1 ? "" : "s"} in all)`,
    );
  }
  return enabled;
}

export async function readSecurityGroups(
  ec2: EC2Client,
  scope: AccountScope,
  region: string,
  onPage: PageListener,
): Promise<ReadResult> {
  return readPages(
    "ec2:DescribeSecurityGroups",
    { account: scope.account, region },
    (token) =>
      ec2.send(new DescribeSecurityGroupsCommand({ MaxResults: SECURITY_GROUPS_PAGE, NextToken: token })),
    (page: DescribeSecurityGroupsCommandOutput) => page.NextToken,
    (page) => (page.SecurityGroups ?? []).map((group) => securityGroupResource(group, scope, region)),
    onPage,
  );
}

export async function readInstances(
  ec2: EC2Client,
  scope: AccountScope,
  region: string,
  onPage: PageListener,
): Promise<ReadResult> {
  return readPages(
    "ec2:DescribeInstances",
    { account: scope.account, region },
    (token) =>
      ec2.send(
        new DescribeInstancesCommand({
          MaxResults: INSTANCES_PAGE,
          NextToken: token,
          Filters: [{ Name: "instance-state-name", Values: LIVE_INSTANCE_STATES }],
        }),
      ),
    (page: DescribeInstancesCommandOutput) => page.NextToken,
    (page) =>
      (page.Reservations ?? [])
        .flatMap((reservation) => {
          // EC2 lists a reservation with its instances; one without them would hide them.
          if (reservation.Instances === undefined) {
            throw new UnexpectedResponseError(
              `the response listed reservation ${reservation.ReservationId ?? "(no id)"} without its Instances`,
            );
          }
          return reservation.Instances;
        })
        // Filtered on the server already; an endpoint that ignores filters is caught here.
        .filter((instance) => instance.State?.Name !== "terminated")
        .map((instance) => instanceResource(instance, scope, region)),
    onPage,
  );
}
