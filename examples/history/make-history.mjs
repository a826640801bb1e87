// Writes the example campaign history: four weekly runs over the example account
// (examples/snapshot.json), each a results file written by `check --format json` from a snapshot
// with that week's fixes applied. Teams are named by tags (Team, or Owner for the Windows
// operators); the web team reaches zero in the third run.
//
//   npm run build && node examples/history/make-history.mjs
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const HERE = fileURLToPath(new URL(".", import.meta.url));
const base = JSON.parse(readFileSync(join(ROOT, "examples", "snapshot.json"), "utf8"));

const OWNERS = {
  Team: {
    platform: [
      "i-0b45e1a7c3d9f2001",
      "i-0b12d4f6a8c1e6008",
      "i-0f56b7c9d1e3a2006",
      "sg-0037b3c9e5a1f4d03",
      "sg-0057b3c9e5a1f4d05",
      "sg-0067b3c9e5a1f4d06",
      "OrganizationAdmin",
      "SessionOperator",
    ],
    data: [
      "i-0a89c1d3e5f7b4007",
      "i-0d90f1b2c4e6a8004",
      "i-0e23a4b6c8d1f0005",
      "etl-worker-role",
      "sg-0027b3c9e5a1f4d02",
      "sg-0047b3c9e5a1f4d04",
      "sg-0077b3c9e5a1f4d07",
    ],
    web: ["i-0a12c3e5f7b9d4002", "i-0c78e9a1b3d5f6003", "i-0d67f9b2c4e6a1010", "sg-0127b3c9e5a1f4d12"],
  },
  Owner: { "it-ops": ["i-0c34e6a8b1d3f8009", "sg-0087b3c9e5a1f4d08"] },
};

/** Each week's fixes, applied on top of the previous week's. */
const WEEKS = [
  { createdAt: "2026-11-13T08:00:00Z", fix: () => {} },
  {
    createdAt: "2026-11-20T08:00:00Z",
    fix: (snapshot) => {
      // web: the legacy app's agent updated; platform: the debug group's open range removed.
      find(snapshot, "AWS::SSM::ManagedInstanceInventory", "i-0c78e9a1b3d5f6003").properties.AgentVersion =
        "3.3.1142.0";
      dropIngress(snapshot, "sg-0037b3c9e5a1f4d03");
      // data: the ETL role gets the Session Manager core policy.
      find(snapshot, "AWS::IAM::Role", "etl-worker-role").properties.AttachedManagedPolicies.push({
        PolicyName: "AmazonSSMManagedInstanceCore",
        PolicyArn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
      });
    },
  },
  {
    createdAt: "2026-11-27T08:00:00Z",
    fix: (snapshot) => {
      // web: the default group's self-reference removed (zero open items from now on).
      dropIngress(snapshot, "sg-0127b3c9e5a1f4d12");
      // platform: the old jump box terminated, the VPN SSH rule removed.
      remove(snapshot, "AWS::EC2::Instance", "i-0b12d4f6a8c1e6008");
      dropIngress(snapshot, "sg-0057b3c9e5a1f4d05");
      // data: the ETL worker's agent registers.
      const record = structuredClone(
        find(snapshot, "AWS::SSM::ManagedInstanceInventory", "i-0a12c3e5f7b9d4002"),
      );
      Object.assign(record, {
        id: "i-0a89c1d3e5f7b4007",
        arn: record.arn.replace("i-0a12c3e5f7b9d4002", "i-0a89c1d3e5f7b4007"),
      });
      Object.assign(record.properties, {
        InstanceId: "i-0a89c1d3e5f7b4007",
        IPAddress: "10.20.1.77",
        ComputerName: "ip-10-20-1-77.ec2.internal",
      });
      snapshot.resources.push(record);
    },
  },
  {
    createdAt: "2026-12-04T08:00:00Z",
    fix: (snapshot) => {
      // platform: nothing admits SSH from the bastion's group any more; the bastion itself is next.
      dropIngress(snapshot, "sg-0067b3c9e5a1f4d06");
      // data: the reporting box's office SSH rule removed.
      dropIngress(snapshot, "sg-0077b3c9e5a1f4d07");
    },
  },
];

function find(snapshot, type, id) {
  const resource = snapshot.resources.find((candidate) => candidate.type === type && candidate.id === id);
  if (resource === undefined) throw new Error(`no ${type} ${id} in the example snapshot`);
  return resource;
}

function remove(snapshot, type, id) {
  snapshot.resources = snapshot.resources.filter(
    (candidate) => !(candidate.type === type && candidate.id === id),
  );
}

function dropIngress(snapshot, groupId) {
  find(snapshot, "AWS::EC2::SecurityGroup", groupId).properties.IpPermissions = [];
}

function tagOwners(snapshot) {
  for (const [key, owners] of Object.entries(OWNERS)) {
    for (const [owner, ids] of Object.entries(owners)) {
      for (const resource of snapshot.resources.filter((candidate) => ids.includes(candidate.id))) {
        const tags = (resource.properties.Tags ??= []);
        if (!tags.some((tag) => tag.Key === key)) tags.push({ Key: key, Value: owner });
      }
    }
  }
}

const scratch = mkdtempSync(join(tmpdir(), "access-baseline-history-"));
try {
  const snapshot = structuredClone(base);
  tagOwners(snapshot);
  for (const week of WEEKS) {
    week.fix(snapshot);
    snapshot.createdAt = new Date(week.createdAt).toISOString();
    const input = join(scratch, `${week.createdAt.slice(0, 10)}.snapshot.json`);
    writeFileSync(input, `${JSON.stringify(snapshot, null, 2)}\n`);
    const output = join(HERE, `${week.createdAt.slice(0, 10)}.json`);
    try {
      execFileSync(
        process.execPath,
        [join(ROOT, "dist", "cli", "bin.js"), "check", "--snapshot", input, "--format", `json=${output}`],
        {
          cwd: ROOT,
          env: {
            ...process.env,
            ACCESS_BASELINE_NOW: week.createdAt,
            ACCESS_BASELINE_TODAY: week.createdAt.slice(0, 10),
          },
          stdio: ["ignore", "ignore", "inherit"],
        },
      );
    } catch (error) {
      // Exit code 1 means findings, which these runs have on purpose; 2 means the run failed.
      if (error.status !== 1) throw error;
    }
    // The results name the input; the scratch path would differ on every machine.
    const results = readFileSync(output, "utf8").replaceAll(
      JSON.stringify(input).slice(1, -1),
      `examples/snapshot.json with the fixes of ${week.createdAt.slice(0, 10)} (examples/history/make-history.mjs)`,
    );
    writeFileSync(output, results);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
