import { describe, expect, it } from "vitest";
import { ApiCallCounter } from "../../../src/sources/aws/call-counter.js";
import { AwsSetupError } from "../../../src/sources/aws/errors.js";
import { readNetworkEnvironment } from "../../../src/sources/aws/network-environment.js";
import { LOOPBACK_CERTIFICATE } from "../../support/aws-endpoint/network.js";

describe("readNetworkEnvironment", () => {
  it("accepts an environment without proxies or bundle", () => {
    const network = readNetworkEnvironment({});
    expect(network.caBundle).toBeUndefined();
    expect([...network.schemelessProxies]).toEqual([]);
  });

  it("remembers which proxies were written without a scheme", () => {
    const network = readNetworkEnvironment({
      HTTPS_PROXY: "proxy.corp:3128",
      http_proxy: "http://other.corp:8080",
      ALL_PROXY: "https://user:pass@tls.corp:443",
    });
    expect([...network.schemelessProxies]).toEqual(["proxy.corp:3128"]);
  });

  it.each([
    ["HTTPS_PROXY", "http://[::1"],
    ["https_proxy", "http://"],
    ["ALL_PROXY", "::::"],
  ])("rejects %s=%j without printing the value", (name, value) => {
    expect(() => readNetworkEnvironment({ [name]: value })).toThrow(
      new AwsSetupError(`${name} is not a proxy URL (expected such as http://proxy.example.com:3128)`),
    );
  });

  it("rejects a proxy scheme other than http and https", () => {
    expect(() => readNetworkEnvironment({ all_proxy: "socks5h://127.0.0.1:1080" })).toThrow(
      "all_proxy must be an http:// or https:// proxy, not socks5h:",
    );
  });

  it("reads AWS_CA_BUNDLE, and names one that cannot be used", () => {
    expect(readNetworkEnvironment({ AWS_CA_BUNDLE: LOOPBACK_CERTIFICATE }).caBundle).toContain(
      "-----BEGIN CERTIFICATE-----",
    );
    expect(() => readNetworkEnvironment({ AWS_CA_BUNDLE: "/nonexistent/ca.pem" })).toThrow(
      "AWS_CA_BUNDLE /nonexistent/ca.pem: cannot read the certificate bundle (ENOENT)",
    );
    expect(() => readNetworkEnvironment({ AWS_CA_BUNDLE: "/" })).toThrow(
      "AWS_CA_BUNDLE /: cannot read the certificate bundle (EISDIR)",
    );
  });
});

describe("ApiCallCounter per account and region", () => {
  it("counts a service's calls per identity and region, besides the totals", () => {
    const counter = new ApiCallCounter();
    counter.record("ec2", "DescribeInstances", { identity: "111122223333", region: "eu-west-1" });
    counter.record("ec2", "DescribeInstances", { identity: "111122223333", region: "eu-west-1" });
    counter.record("ec2", "DescribeSecurityGroups", { identity: "444455556666", region: "eu-west-1" });
    counter.record("ssm", "GetDocument", { identity: "111122223333", region: "eu-west-1" });
    expect(counter.countFor("ec2", { identity: "111122223333", region: "eu-west-1" })).toBe(2);
    expect(counter.countFor("ec2", { identity: "111122223333", region: "us-east-1" })).toBe(0);
    expect(counter.countFor("ssm", { identity: "111122223333", region: "eu-west-1" })).toBe(1);
    expect(counter.total).toBe(4);
  });
});
