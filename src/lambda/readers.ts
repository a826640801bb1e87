/**
 * Everything the function needs from IAM, EC2, SSM, CloudTrail and EventBridge: the SDK clients and the readers, the live
 * collector's own (`sources/aws/`) and the targeted ones (`sources/aws/targeted/`). The handler
 * reaches them only through `loadReaders()`, on the first event that needs them.
 *
 * In the Lambda bundle this module and its dependencies — most of the bundle's size — are
 * embedded as text and compiled only when first loaded (`scripts/build-lambda.mjs`): a
 * security-group event, which needs none of it, then never pays for parsing it.
 */
export { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
export { EC2Client } from "@aws-sdk/client-ec2";
export { EventBridgeClient } from "@aws-sdk/client-eventbridge";
export { IAMClient } from "@aws-sdk/client-iam";
export { SSMClient } from "@aws-sdk/client-ssm";
export { readEnabledRegions } from "../sources/aws/ec2.js";
export { readAuthorizationDetails, readCredentialReport } from "../sources/aws/iam.js";
export { readPreferences } from "../sources/aws/ssm.js";
export { readTrails } from "../sources/aws/cloudtrail.js";
export { readEventRules } from "../sources/aws/eventbridge.js";
export { readSecurityGroupsById } from "../sources/aws/targeted/ec2.js";
export { readGroups, readInstanceProfile, readManagedPolicies } from "../sources/aws/targeted/iam.js";
export { readManagedInstance } from "../sources/aws/targeted/ssm.js";
