import { FakeError, type Request } from "./protocol.js";
import { leaf, node } from "./xml.js";

/** STS over the query protocol: `GetCallerIdentity` and `AssumeRole`. */
export function handleSts(request: Request): string {
  switch (request.operation) {
    case "GetCallerIdentity": {
      const arn = request.callerArn ?? `arn:aws:sts::${request.account.id}:assumed-role/assumed/session`;
      return leaf("Arn", arn) + leaf("UserId", "AIDAEXAMPLECALLER0001") + leaf("Account", request.account.id);
    }
    case "AssumeRole":
      return assumeRole(request);
    default:
      throw new FakeError("InvalidAction", `the loopback STS does not implement ${request.operation}`, 400);
  }
}

function assumeRole(request: Request): string {
  const roleArn = request.query.get("RoleArn") ?? "";
  const sessionName = request.query.get("RoleSessionName") ?? "";
  if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
    throw new FakeError(
      "ValidationError",
      "1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint",
      400,
    );
  }
  const match = /^arn:aws:iam::(\d{12}):role\/(.+)$/.exec(roleArn);
  const target = match ? request.world.accounts.find((account) => account.id === match[1]) : undefined;
  const caller = request.callerArn ?? `arn:aws:sts::${request.account.id}:assumed-role/caller/session`;
  if (!match || !target || !target.assumableRoles.includes(match[2]!)) {
    throw new FakeError(
      "AccessDenied",
      `User: ${caller} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
      403,
    );
  }
  const accessKeyId = request.issueKey(target);
  const expiration = new Date(Date.now() + 3600_000).toISOString();
  return (
    node(
      "Credentials",
      leaf("AccessKeyId", accessKeyId),
      leaf("SecretAccessKey", `secret-${accessKeyId}`),
      leaf("SessionToken", `token-${accessKeyId}`),
      leaf("Expiration", expiration),
    ) +
    node(
      "AssumedRoleUser",
      leaf("AssumedRoleId", `AROAEXAMPLE:${sessionName}`),
      leaf("Arn", `arn:aws:sts::${target.id}:assumed-role/${match[2]}/${sessionName}`),
    )
  );
}
