import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { tempDir } from "../test/support/temp.js";
import { ConfigError, helpText, parseConfig, SETTINGS } from "./config.js";

const parse = (argv: string[] = [], env: Record<string, string> = {}) => parseConfig({ argv, env, cwd: "/srv" });

describe("parseConfig", () => {
  it("has defaults for a local start", () => {
    const config = parse();
    expect(config).toMatchObject({
      host: "127.0.0.1",
      port: 8787,
      dbPath: "/srv/data/collector.duckdb",
      readToken: undefined,
      tls: undefined,
      trustProxy: false,
      logLevel: "info",
      drainTimeoutMs: 30_000,
    });
    expect(config.limits.perIp).toEqual({ perSecond: 200, burst: 1000 });
    expect(config.limits.perInstallation).toEqual({ perSecond: 2, burst: 60 });
  });

  it("reads each setting from its variable, and a flag wins over it", () => {
    const env = {
      COLLECTOR_HOST: "0.0.0.0",
      COLLECTOR_PORT: "9000",
      COLLECTOR_DB: "db/x.duckdb",
      COLLECTOR_TRUST_PROXY: "1",
    };
    expect(parse([], env)).toMatchObject({ host: "0.0.0.0", port: 9000, dbPath: "/srv/db/x.duckdb", trustProxy: 1 });
    expect(parse(["--port", "9100", "--host=::"], env)).toMatchObject({ host: "::", port: 9100 });
    expect(parse([], { PORT: "3000" }).port).toBe(3000);
    expect(parse([], { PORT: "3000", COLLECTOR_PORT: "4000" }).port).toBe(4000);
  });

  it("parses rate limits, or switches them off", () => {
    expect(parse(["--rate-limit-ip=10:20"]).limits.perIp).toEqual({ perSecond: 10, burst: 20 });
    expect(parse([], { COLLECTOR_RATE_LIMIT_INSTALLATION: "0.5:3" }).limits.perInstallation).toEqual({
      perSecond: 0.5,
      burst: 3,
    });
    expect(parse(["--rate-limit-ip=off"]).limits.perIp.perSecond).toBe(0);
    expect(() => parse(["--rate-limit-ip=fast"])).toThrow(ConfigError);
  });

  it("reads the read token from a file, and refuses short tokens", () => {
    const dir = tempDir();
    try {
      writeFileSync(dir.file("token"), "  a-long-enough-read-token\n");
      expect(parse([`--read-token-file=${dir.file("token")}`]).readToken).toBe("a-long-enough-read-token");
      expect(parse([], { COLLECTOR_READ_TOKEN: "another-long-token" }).readToken).toBe("another-long-token");
      expect(() => parse(["--read-token=short"])).toThrow(/16 characters/);
      expect(() => parse(["--read-token=a-long-enough-read-token", `--read-token-file=${dir.file("token")}`])).toThrow(
        /not both/,
      );
    } finally {
      dir.remove();
    }
  });

  it("needs both halves of TLS", () => {
    expect(parse(["--tls-cert=c.pem", "--tls-key=k.pem"]).tls).toEqual({
      certPath: "/srv/c.pem",
      keyPath: "/srv/k.pem",
    });
    expect(() => parse(["--tls-cert=c.pem"])).toThrow(/go together/);
  });

  it.each([
    [["--port=70000"]],
    [["--port=http"]],
    [["--max-queued-events=499"]],
    [["--log-level=loud"]],
    [["--unknown-flag=1"]],
    [["positional"]],
  ])("refuses %j", (argv) => {
    expect(() => parse(argv)).toThrow(ConfigError);
  });

  it("selects the ClickHouse store by URL, from the flag or its variable, and refuses anything but HTTP(S)", () => {
    expect(parse().clickhouseUrl).toBeUndefined();
    const url = "https://user:pass@ch.internal:8443/telemetry";
    expect(parse([`--clickhouse=${url}`]).clickhouseUrl).toBe(url);
    expect(parse([], { COLLECTOR_CLICKHOUSE_URL: url }).clickhouseUrl).toBe(url);
    expect(parse(["--clickhouse", "http://localhost:8123"], { COLLECTOR_CLICKHOUSE_URL: url }).clickhouseUrl).toBe(
      "http://localhost:8123",
    );
    expect(() => parse(["--clickhouse=localhost:8123"])).toThrow(/http:\/\/ or https:\/\//);
    expect(() => parse(["--clickhouse=not a url"])).toThrow(/must be a URL/);
  });

  it("reads the ingest log's and the ClickHouse rollups' timing, with their defaults", () => {
    expect(parse().ingestLog).toEqual({ intervalMs: 5000, maxEvents: 1_000_000 });
    expect(parse(["--log-interval-ms=0", "--log-max-events=2000"]).ingestLog).toEqual({
      intervalMs: 0,
      maxEvents: 2000,
    });
    // the bounds themselves: 1000 events at the least, a 0 ms interval (load at once) allowed
    expect(parse(["--log-max-events=1000"]).ingestLog.maxEvents).toBe(1000);
    expect(() => parse(["--log-max-events=999"])).toThrow(/--log-max-events must be an integer from 1000/);
    expect(parse().clickhouseSettleMs).toBe(60_000);
    expect(parse([], { COLLECTOR_CLICKHOUSE_SETTLE_MS: "0" }).clickhouseSettleMs).toBe(0);
    expect(() => parse(["--clickhouse-settle-ms=-1"])).toThrow(/--clickhouse-settle-ms must be an integer/);
  });

  it("accepts the queue bound at exactly one full batch", () => {
    expect(parse(["--max-queued-events=500"]).limits.maxQueuedEvents).toBe(500);
  });

  it("documents every setting in --help", () => {
    const help = helpText();
    for (const s of SETTINGS) {
      expect(help).toContain(`--${s.flag}`);
      expect(help).toContain(s.env);
    }
  });
});
