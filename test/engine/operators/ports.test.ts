import { describe, expect, it } from "vitest";
import { InvalidValueError } from "../../../src/engine/operators/invalid-value.js";
import { coversPort, describePortRange } from "../../../src/engine/operators/ports.js";

describe("coversPort", () => {
  it.each([
    ["exactly port 22", { IpProtocol: "tcp", FromPort: 22, ToPort: 22 }, 22, "tcp", true],
    ["a different single port", { IpProtocol: "tcp", FromPort: 443, ToPort: 443 }, 22, "tcp", false],
    ["the full range 0-65535", { IpProtocol: "tcp", FromPort: 0, ToPort: 65535 }, 22, "tcp", true],
    ["a range containing 22", { IpProtocol: "tcp", FromPort: 20, ToPort: 30 }, 22, "tcp", true],
    ["a range starting after 22", { IpProtocol: "tcp", FromPort: 23, ToPort: 30 }, 22, "tcp", false],
    ["a range ending at 22", { IpProtocol: "tcp", FromPort: 1, ToPort: 22 }, 22, "tcp", true],
    ["all traffic as -1 without ports", { IpProtocol: "-1" }, 22, "tcp", true],
    ["all traffic as -1 with -1 ports", { IpProtocol: "-1", FromPort: -1, ToPort: -1 }, 22, "tcp", true],
    [
      "all traffic even with an unrelated range",
      { IpProtocol: "-1", FromPort: 80, ToPort: 80 },
      22,
      "tcp",
      true,
    ],
    ["all traffic as the number -1 (YAML)", { IpProtocol: -1 }, 3389, "tcp", true],
    ["all traffic written as all", { IpProtocol: "all" }, 22, "udp", true],
    ["tcp written as its number", { IpProtocol: "6", FromPort: 22, ToPort: 22 }, 22, "tcp", true],
    ["tcp as the number 6", { IpProtocol: 6, FromPort: 22, ToPort: 22 }, 22, "tcp", true],
    ["tcp in capitals", { IpProtocol: "TCP", FromPort: 22, ToPort: 22 }, 22, "tcp", true],
    ["ports given as strings", { IpProtocol: "tcp", FromPort: "22", ToPort: "22" }, 22, "tcp", true],
    [
      "a string range not containing the port",
      { IpProtocol: "tcp", FromPort: "80", ToPort: "90" },
      22,
      "tcp",
      false,
    ],
    ["tcp without a port range reads as every port", { IpProtocol: "tcp" }, 22, "tcp", true],
    [
      "tcp with -1 ports reads as every port",
      { IpProtocol: "tcp", FromPort: -1, ToPort: -1 },
      22,
      "tcp",
      true,
    ],
    ["udp entry when asking for tcp", { IpProtocol: "udp", FromPort: 22, ToPort: 22 }, 22, "tcp", false],
    ["udp entry when asking for udp", { IpProtocol: "udp", FromPort: 53, ToPort: 53 }, 53, "udp", true],
    ["udp written as 17", { IpProtocol: "17", FromPort: 0, ToPort: 65535 }, 53, "udp", true],
    ["tcp entry when asking for udp", { IpProtocol: "tcp", FromPort: 53, ToPort: 53 }, 53, "udp", false],
    ["icmp never covers a port", { IpProtocol: "icmp", FromPort: -1, ToPort: -1 }, 22, "tcp", false],
    ["icmp as 1", { IpProtocol: "1", FromPort: 8, ToPort: 0 }, 8, "tcp", false],
    ["icmpv6 never covers a port", { IpProtocol: "icmpv6", FromPort: -1, ToPort: -1 }, 22, "tcp", false],
    ["another protocol number (ESP)", { IpProtocol: "50" }, 22, "tcp", false],
  ] as const)("%s", (_name, permission, port, protocol, expected) => {
    expect(coversPort(permission, port, protocol)).toBe(expected);
  });

  it("defaults to tcp", () => {
    expect(coversPort({ IpProtocol: "tcp", FromPort: 22, ToPort: 22 }, 22)).toBe(true);
    expect(coversPort({ IpProtocol: "udp", FromPort: 22, ToPort: 22 }, 22)).toBe(false);
  });

  it.each([null, undefined, "tcp", 22, [], [{ IpProtocol: "-1" }]])(
    "cannot decide on the permission %j",
    (permission) => {
      expect(() => coversPort(permission, 22)).toThrow(InvalidValueError);
    },
  );

  it.each<[string, Record<string, unknown>, string]>([
    ["a protocol with a leading zero", { IpProtocol: "06", FromPort: 22, ToPort: 22 }, "IpProtocol is '06'"],
    ["a protocol with a space", { IpProtocol: "tcp ", FromPort: 22, ToPort: 22 }, "IpProtocol is 'tcp '"],
    ["a protocol name EC2 does not take", { IpProtocol: "gre" }, "IpProtocol is 'gre'"],
    ["a protocol number above 255", { IpProtocol: "256" }, "IpProtocol is '256'"],
    ["a protocol number below -1", { IpProtocol: -2 }, "IpProtocol is the number -2"],
    ["a missing protocol", { FromPort: 22, ToPort: 22 }, "IpProtocol is missing"],
    [
      "a protocol of the wrong type",
      { IpProtocol: true, FromPort: 22, ToPort: 22 },
      "IpProtocol is the boolean true",
    ],
    ["an unreadable port", { IpProtocol: "tcp", FromPort: "ssh", ToPort: 22 }, "FromPort is 'ssh'"],
    ["a fractional port", { IpProtocol: "tcp", FromPort: 21.5, ToPort: 22 }, "FromPort is the number 21.5"],
    ["a port above 65535", { IpProtocol: "tcp", FromPort: 22, ToPort: 65536 }, "ToPort is the number 65536"],
    ["a port below -1", { IpProtocol: "tcp", FromPort: -2, ToPort: 22 }, "FromPort is the number -2"],
    ["a port with a leading zero", { IpProtocol: "tcp", FromPort: "022", ToPort: 22 }, "FromPort is '022'"],
    ["a port with spaces", { IpProtocol: "tcp", FromPort: " 22", ToPort: 22 }, "FromPort is ' 22'"],
    ["a port in exponent form", { IpProtocol: "tcp", FromPort: "2e1", ToPort: 22 }, "FromPort is '2e1'"],
    ["a reversed range", { IpProtocol: "tcp", FromPort: 30, ToPort: 20 }, "ToPort is the number 20"],
    ["a reversed range of text", { IpProtocol: "tcp", FromPort: "30", ToPort: "20" }, "ToPort is '20'"],
    ["two unreadable ports, the first", { IpProtocol: "tcp", FromPort: "x", ToPort: "y" }, "FromPort is 'x'"],
    ["an unreadable upper port", { IpProtocol: "tcp", FromPort: -1, ToPort: "y" }, "ToPort is 'y'"],
  ])("cannot decide on %s, naming the field", (_name, permission, message) => {
    expect(() => coversPort(permission, 22)).toThrow(`cannot decide: ${message}, not `);
  });

  it.each(["constructor", "toString", "__proto__", "hasOwnProperty"])(
    "cannot decide on the protocol %j, a name every JavaScript object has, rather than reading it as another protocol",
    (protocol) => {
      expect(() => coversPort({ IpProtocol: protocol, FromPort: 22, ToPort: 22 }, 22)).toThrow(
        `cannot decide: IpProtocol is '${protocol}', not `,
      );
      expect(describePortRange({ IpProtocol: protocol })).toBe("unknown protocol");
    },
  );

  it("reads protocol numbers 0-255 that are not tcp or udp as other protocols", () => {
    expect(coversPort({ IpProtocol: "0" }, 22)).toBe(false);
    expect(coversPort({ IpProtocol: 255 }, 22)).toBe(false);
  });

  it.each([-1, 65536, 22.5, Number.NaN])("refuses to be asked about the port %s", (port) => {
    expect(() => coversPort({ IpProtocol: "-1" }, port)).toThrow(RangeError);
  });
});

describe("describePortRange", () => {
  it.each([
    [{ IpProtocol: "tcp", FromPort: 22, ToPort: 22 }, "tcp 22"],
    [{ IpProtocol: "6", FromPort: 0, ToPort: 65535 }, "tcp 0-65535"],
    [{ IpProtocol: "tcp", FromPort: "20", ToPort: "30" }, "tcp 20-30"],
    [{ IpProtocol: "tcp" }, "tcp 0-65535"],
    [{ IpProtocol: "UDP", FromPort: 53, ToPort: 53 }, "udp 53"],
    [{ IpProtocol: "-1" }, "all traffic"],
    [{ IpProtocol: "all", FromPort: -1, ToPort: -1 }, "all traffic"],
    [{ IpProtocol: "icmp", FromPort: 8, ToPort: -1 }, "icmp type 8"],
    [{ IpProtocol: "icmp", FromPort: -1, ToPort: -1 }, "icmp"],
    [{ IpProtocol: "58" }, "icmpv6"],
    [{ IpProtocol: "50" }, "protocol 50"],
    [{ IpProtocol: "tcp", FromPort: "ssh", ToPort: 22 }, "tcp (unreadable port range)"],
    [{ FromPort: 22 }, "unknown protocol"],
    ["tcp 22", "unknown traffic"],
  ])("describes %j as %s", (permission, expected) => {
    expect(describePortRange(permission)).toBe(expected);
  });
});
