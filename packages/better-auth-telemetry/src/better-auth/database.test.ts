import { describe, expect, it } from "vitest";
import { describeDatabase } from "./database.js";

describe("describeDatabase", () => {
  it.each([
    [
      { id: "kysely", options: { type: "sqlite" } },
      { kind: "sqlite", adapter: "kysely" },
    ],
    [
      { id: "kysely", options: { type: "postgres" } },
      { kind: "postgres", adapter: "kysely" },
    ],
    [
      { id: "prisma", options: { provider: "postgresql" } },
      { kind: "postgres", adapter: "prisma" },
    ],
    [
      { id: "drizzle", options: { provider: "pg" } },
      { kind: "postgres", adapter: "drizzle" },
    ],
    [
      { id: "drizzle", options: { provider: "mysql" } },
      { kind: "mysql", adapter: "drizzle" },
    ],
    [
      { id: "prisma", options: { provider: "sqlserver" } },
      { kind: "mssql", adapter: "prisma" },
    ],
    [
      { id: "mongodb", options: {} },
      { kind: "mongodb", adapter: "mongodb" },
    ],
    [{ id: "memory" }, { kind: "memory", adapter: "memory" }],
    [
      { id: "acme-internal-orm", options: { provider: "oracle" } },
      { kind: "other", adapter: "custom" },
    ],
    [
      { id: "x", options: { provider: "constructor" } },
      { kind: "other", adapter: "custom" },
    ],
  ])("%j → %j", (adapter, expected) => expect(describeDatabase(adapter)).toEqual(expected));

  it("says nothing about what it cannot read", () => {
    expect(describeDatabase(undefined)).toBeUndefined();
    expect(describeDatabase({ options: { url: "postgres://user:pw@db.acme.example/prod" } })).toBeUndefined();
  });
});
