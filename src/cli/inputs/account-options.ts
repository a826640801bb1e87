import { Option, type Command } from "commander";
import { ConfigError } from "../../errors.js";

/**
 * The command-line options of live collection (`check --account`, `collect --account`) and
 * their validation. Nothing here imports the AWS SDK: options are declared and checked for every
 * `check`, while the SDK is loaded only once `--account` is given.
 */

export interface AccountInputOptions {
  account?: boolean;
  profile?: string;
  roleArn?: string;
  externalId?: string;
  sessionName?: string;
  regions?: string[];
  /** `--region`, the AWS CLI's spelling, merged with `--regions`. */
  region?: string[];
  endpointUrl?: string;
  org?: boolean;
  orgRole?: string;
  connectTimeout?: string;
  readTimeout?: string;
  quiet?: boolean;
}

/** What live collection runs with, validated. */
export interface LiveSettings {
  profile?: string;
  roleArn?: string;
  externalId?: string;
  sessionName: string;
  regions?: string[];
  endpoint?: string;
  organization?: { roleName: string };
  connectTimeoutMs?: number;
  readTimeoutMs?: number;
  /** `--quiet`: no progress on standard error. */
  quiet: boolean;
}

export const DEFAULT_SESSION_NAME = "access-baseline";
/**
 * The read-only role `docs/deploy/scanner-role-stackset.yaml` creates in every account. Never an
 * administrator role such as `OrganizationAccountAccessRole`: scanning needs only reads.
 */
export const DEFAULT_ORG_ROLE = "access-baseline-scanner";
/** Seconds; the same values as `DEFAULT_*_TIMEOUT_MS` of the live source, which is not loaded here. */
export const DEFAULT_CONNECT_TIMEOUT_SECONDS = 5;
export const DEFAULT_READ_TIMEOUT_SECONDS = 30;

export function addAccountOptions(command: Command): Command {
  return command
    .addOption(new Option("--account", "collect live from the AWS account the credentials reach"))
    .addOption(new Option("--profile <name>", "live: use this AWS profile instead of the default chain"))
    .addOption(new Option("--role-arn <arn>", "live: assume this role first (the account to scan)"))
    .addOption(new Option("--external-id <id>", "live: external id for every role assumed"))
    .addOption(
      new Option("--session-name <name>", `live: role session name (default: ${DEFAULT_SESSION_NAME})`),
    )
    .addOption(
      new Option(
        "--regions <list>",
        "live: comma-separated regions (repeatable; default: the account's enabled regions)",
      ).argParser(appendRegions),
    )
    .addOption(new Option("--region <list>", "live: the same as --regions").argParser(appendRegions))
    .addOption(new Option("--endpoint-url <url>", "live: send every call to this AWS-compatible endpoint"))
    .addOption(
      new Option(
        "--connect-timeout <seconds>",
        `live: give up connecting to an endpoint after this long (default: ${DEFAULT_CONNECT_TIMEOUT_SECONDS})`,
      ),
    )
    .addOption(
      new Option(
        "--read-timeout <seconds>",
        `live: give up waiting for one answer after this long (default: ${DEFAULT_READ_TIMEOUT_SECONDS})`,
      ),
    )
    .addOption(new Option("--quiet", "live: no progress lines on standard error"))
    .addOption(new Option("--org", "live: every active account of the organization (needs --account)"))
    .addOption(
      new Option("--org-role <name>", `live: role to assume in each account (default: ${DEFAULT_ORG_ROLE})`),
    );
}

function appendRegions(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(",").map((region) => region.trim())];
}

const LIVE_ONLY: readonly [keyof AccountInputOptions, string][] = [
  ["profile", "--profile"],
  ["roleArn", "--role-arn"],
  ["externalId", "--external-id"],
  ["sessionName", "--session-name"],
  ["regions", "--regions"],
  ["region", "--region"],
  ["endpointUrl", "--endpoint-url"],
  ["connectTimeout", "--connect-timeout"],
  ["readTimeout", "--read-timeout"],
  ["org", "--org"],
  ["orgRole", "--org-role"],
];

/** Live options given without `--account`, which would otherwise be silently ignored. */
export function liveOptionsWithoutAccount(options: AccountInputOptions): string[] {
  if (options.account) return [];
  return LIVE_ONLY.filter(([key]) => options[key] !== undefined).map(([, flag]) => flag);
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const ROLE_NAME = /^[\w+=,.@/-]{1,512}$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

/** Checks every live option, so that a typo is one clear line before any call is made. */
export function liveSettings(options: AccountInputOptions): LiveSettings {
  const settings: LiveSettings = {
    sessionName: options.sessionName ?? DEFAULT_SESSION_NAME,
    quiet: options.quiet === true,
  };
  if (options.profile !== undefined) {
    if (options.profile.trim() === "") throw new ConfigError("--profile needs a profile name");
    settings.profile = options.profile;
  }
  if (options.roleArn !== undefined) {
    if (!ROLE_ARN.test(options.roleArn)) {
      throw new ConfigError(
        `--role-arn ${JSON.stringify(options.roleArn)} is not a role ARN (expected arn:aws:iam::123456789012:role/NAME)`,
      );
    }
    settings.roleArn = options.roleArn;
  }
  if (options.externalId !== undefined) {
    if (!EXTERNAL_ID.test(options.externalId)) {
      throw new ConfigError(
        "--external-id must be 2 to 1224 characters: letters, digits and + = , . @ : / - _",
      );
    }
    settings.externalId = options.externalId;
  }
  if (!SESSION_NAME.test(settings.sessionName)) {
    throw new ConfigError("--session-name must be 2 to 64 characters: letters, digits and + = , . @ - _");
  }
  const given =
    options.regions !== undefined || options.region !== undefined
      ? [...(options.regions ?? []), ...(options.region ?? [])]
      : undefined;
  if (given !== undefined) {
    const regions = given.filter((region) => region !== "");
    if (regions.length === 0) throw new ConfigError("--regions needs at least one region");
    const bad = regions.find((region) => !REGION.test(region));
    if (bad !== undefined) {
      throw new ConfigError(`--regions: ${JSON.stringify(bad)} is not a region name (such as eu-west-1)`);
    }
    settings.regions = [...new Set(regions)];
  }
  if (options.endpointUrl !== undefined) settings.endpoint = endpointUrl(options.endpointUrl);
  if (options.connectTimeout !== undefined) {
    settings.connectTimeoutMs = seconds("--connect-timeout", options.connectTimeout) * 1000;
  }
  if (options.readTimeout !== undefined) {
    settings.readTimeoutMs = seconds("--read-timeout", options.readTimeout) * 1000;
  }
  if (options.orgRole !== undefined && !options.org) {
    throw new ConfigError("--org-role needs --org");
  }
  if (options.org) {
    const roleName = options.orgRole ?? DEFAULT_ORG_ROLE;
    if (!ROLE_NAME.test(roleName)) {
      throw new ConfigError(`--org-role ${JSON.stringify(roleName)} is not a role name`);
    }
    settings.organization = { roleName };
  }
  return settings;
}

/** Node's timers take at most 2^31-1 ms and fire at once beyond that; an hour is ample. */
const MAX_TIMEOUT_SECONDS = 3600;

/** A positive number of seconds, whole or decimal; anything else would be a silent default. */
function seconds(flag: string, value: string): number {
  const number = /^\s*\d*\.?\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(number) || number <= 0) {
    throw new ConfigError(`${flag} ${JSON.stringify(value)} is not a positive number of seconds (such as 5)`);
  }
  if (number > MAX_TIMEOUT_SECONDS) {
    throw new ConfigError(`${flag} ${JSON.stringify(value)} is more than ${MAX_TIMEOUT_SECONDS} seconds`);
  }
  return number;
}

function endpointUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(
      `--endpoint-url ${JSON.stringify(value)} is not a URL (such as http://127.0.0.1:4566)`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError(`--endpoint-url must be an http or https URL, not ${url.protocol}`);
  }
  return value;
}
