import {
  DescribeInstanceInformationCommand,
  GetDocumentCommand,
  type DescribeInstanceInformationCommandOutput,
  type SSMClient,
} from "@aws-sdk/client-ssm";
import { PREFERENCES_DOCUMENT } from "../../model/inventory.js";
import { ResourceTypes } from "../../model/resource.js";
import { collectionError, describeAwsError } from "./errors.js";
import { managedInstanceResource, preferencesResource, type AccountScope } from "./normalize.js";
import { readPages } from "./paginate.js";
import { UNEXPECTED_RESPONSE } from "./response-check.js";
import type { PageListener, ReadResult } from "./types.js";

/** DescribeInstanceInformation allows at most 50 per page. */
const MANAGED_INSTANCES_PAGE = 50;

export async function readManagedInstances(
  ssm: SSMClient,
  scope: AccountScope,
  region: string,
  onPage: PageListener,
): Promise<ReadResult> {
  return readPages(
    "ssm:DescribeInstanceInformation",
    { account: scope.account, region },
    (token) =>
      ssm.send(
        new DescribeInstanceInformationCommand({ MaxResults: MANAGED_INSTANCES_PAGE, NextToken: token }),
      ),
    (page: DescribeInstanceInformationCommandOutput) => page.NextToken,
    (page) =>
      (page.InstanceInformationList ?? []).map((information) =>
        managedInstanceResource(information, scope, region),
      ),
    onPage,
  );
}

/**
 * The region's Session Manager preferences. `InvalidDocument` means the region has never had
 * preferences saved: no resource, and the inventory stands Session Manager's defaults in. Any
 * other failure is a collection error, so that the region gets no defaults and its preference
 * rules report `error` instead of judging defaults that may not be what the region has.
 */
export async function readPreferences(
  ssm: SSMClient,
  scope: AccountScope,
  region: string,
): Promise<ReadResult> {
  const where = { account: scope.account, region };
  let output;
  try {
    output = await ssm.send(new GetDocumentCommand({ Name: PREFERENCES_DOCUMENT }));
  } catch (error) {
    if (isMissingDocument(error)) return { resources: [], errors: [] };
    return { resources: [], errors: [collectionError("ssm:GetDocument", where, error)] };
  }
  const failure = (code: string, message: string): ReadResult => ({
    resources: [],
    errors: [
      {
        ...where,
        service: "ssm",
        operation: "GetDocument",
        code,
        message,
        resourceTypes: [ResourceTypes.SessionPreferences],
      },
    ],
  });
  // Another document's answer would leave the region without preferences, judged on defaults.
  if (output.Name !== PREFERENCES_DOCUMENT) {
    return failure(
      UNEXPECTED_RESPONSE,
      `the response was ${output.Name === undefined ? "a document without its Name" : `for the document ${JSON.stringify(output.Name)}`}, not ${PREFERENCES_DOCUMENT}`,
    );
  }
  const { $metadata: _metadata, ...document } = output;
  const resource = preferencesResource(document, scope, region);
  if (resource.ok) return { resources: [resource.value], errors: [] };
  return failure("InvalidDocumentContent", `${PREFERENCES_DOCUMENT}: ${resource.problem}`);
}

/**
 * SSM says a document does not exist with `InvalidDocument` and HTTP 400. The same code with any
 * other status (a server error, a proxy's answer) says nothing about the region's preferences, so
 * it stays a failure of the call rather than a reason to judge Session Manager's defaults.
 */
function isMissingDocument(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata
    ?.httpStatusCode;
  return describeAwsError(error).code === "InvalidDocument" && status === 400;
}
