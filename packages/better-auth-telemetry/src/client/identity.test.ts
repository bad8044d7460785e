import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createEnvReader } from "./env.js";
import { defaultIdPath, loadIdentity } from "./identity.js";

const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const env = (vars: Record<string, string | undefined> = {}) =>
  createEnvReader({ BETTER_AUTH_TELEMETRY_ID: undefined, ...vars });
const tmp = () => mkdtempSync(join(tmpdir(), "bat-id-"));

describe("installation id", () => {
  it("is a random UUID kept in a file, the same on the next start", async () => {
    const path = join(tmp(), "nested", "installation-id");
    const first = await loadIdentity({ env: env(), path });
    expect(first).toMatchObject({ kind: "persistent", storage: path });
    expect(first.id).toMatch(UUID4);
    expect(readFileSync(path, "utf8").trim()).toBe(first.id);
    expect((await loadIdentity({ env: env(), path })).id).toBe(first.id);
  });

  it("differs between installations (never derived from the machine or app)", async () => {
    const a = await loadIdentity({ env: env(), path: join(tmp(), "id") });
    const b = await loadIdentity({ env: env(), path: join(tmp(), "id") });
    expect(a.id).not.toBe(b.id);
  });

  it("gives two processes starting together the same id", async () => {
    const path = join(tmp(), "id");
    const ids = await Promise.all(Array.from({ length: 8 }, () => loadIdentity({ env: env(), path })));
    expect(new Set(ids.map((i) => i.id)).size).toBe(1);
  });

  it("replaces a corrupt file", async () => {
    const path = join(tmp(), "id");
    writeFileSync(path, "jane@example.com\n");
    const identity = await loadIdentity({ env: env(), path });
    expect(identity.id).toMatch(UUID4);
    expect(readFileSync(path, "utf8")).not.toContain("jane");
  });

  it("falls back to an ephemeral id where the id cannot be written", async () => {
    // a path below a regular file fails for every user, root included (root ignores chmod)
    const file = join(tmp(), "file");
    writeFileSync(file, "not a directory");
    const identity = await loadIdentity({ env: env(), path: join(file, "sub", "id") });
    expect(identity).toMatchObject({ kind: "ephemeral", storage: "memory" });
    expect(identity.id).toMatch(UUID4);
  });

  it("keeps the id in memory only when asked", async () => {
    expect(await loadIdentity({ env: env(), path: false })).toMatchObject({ kind: "ephemeral", storage: "memory" });
  });

  it("uses a pinned BETTER_AUTH_TELEMETRY_ID when it is a UUID, and ignores anything else", async () => {
    const pinned = "3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b";
    expect(await loadIdentity({ env: env({ BETTER_AUTH_TELEMETRY_ID: pinned }), path: false })).toEqual({
      id: pinned,
      kind: "persistent",
      storage: "env:BETTER_AUTH_TELEMETRY_ID",
    });
    const ignored = await loadIdentity({ env: env({ BETTER_AUTH_TELEMETRY_ID: "my-company.com" }), path: false });
    expect(ignored.id).not.toContain("company");
  });

  it("lives under XDG_CONFIG_HOME or ~/.config by default", () => {
    expect(defaultIdPath(createEnvReader({ XDG_CONFIG_HOME: "/x/cfg", HOME: "/home/u" }))).toBe(
      "/x/cfg/better-auth-telemetry/installation-id",
    );
    expect(defaultIdPath(createEnvReader({ XDG_CONFIG_HOME: undefined, HOME: "/home/u" }))).toBe(
      "/home/u/.config/better-auth-telemetry/installation-id",
    );
    expect(
      defaultIdPath(createEnvReader({ XDG_CONFIG_HOME: undefined, HOME: undefined, USERPROFILE: undefined })),
    ).toBeUndefined();
  });
});
