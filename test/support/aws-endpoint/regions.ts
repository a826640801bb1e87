import { FakeError } from "./protocol.js";

/**
 * What AWS answers when a call reaches a region the account cannot use. The endpoint answers
 * this way by itself for EC2 and SSM calls outside the account's `enabledRegions`; fault
 * scripts use the same answers to put one operation in that situation.
 */

/** An opt-in region the account has not enabled: the account's credentials are unknown there. */
export function regionNotEnabled(service: string): FakeError {
  if (service === "ec2")
    return new FakeError("AuthFailure", "AWS was not able to validate the provided access credentials", 401);
  if (service === "ssm" || service === "organizations" || service === "cloudtrail" || service === "events")
    return new FakeError(
      "UnrecognizedClientException",
      "The security token included in the request is invalid.",
      400,
    );
  return new FakeError("InvalidClientTokenId", "The security token included in the request is invalid.", 403);
}

/**
 * A region the account's administrator disabled: STS regional endpoints answer that STS is not
 * activated there, EC2 that the account is not subscribed, the others as for a region never
 * enabled.
 */
export function regionDisabled(service: string, account: string): FakeError {
  if (service === "sts")
    return new FakeError(
      "RegionDisabledException",
      `STS is not activated in this region for account:${account}. Your account administrator can activate STS in this region using the IAM Console.`,
      403,
    );
  if (service === "ec2")
    return new FakeError(
      "OptInRequired",
      "You are not subscribed to this service. Please go to http://aws.amazon.com to subscribe.",
      401,
    );
  return regionNotEnabled(service);
}
