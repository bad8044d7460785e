import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { renderPrivacyDoc, renderProtocolDoc } from "./docs.js";
import { EVENT_PROPS } from "./events.js";

const committed = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../../../docs/${name}`, import.meta.url)), "utf8");

describe("generated docs", () => {
  it("docs/protocol.md and docs/privacy.md are what the declarations generate (run `npm run docs` after changing them)", () => {
    expect(committed("protocol.md")).toBe(renderProtocolDoc());
    expect(committed("privacy.md")).toBe(renderPrivacyDoc());
  });

  it("lists every declared field of every event in the privacy doc", () => {
    const doc = renderPrivacyDoc();
    for (const [type, field] of Object.entries(EVENT_PROPS)) {
      expect(doc).toContain(`### \`${type}\``);
      if (field.kind === "object")
        for (const name of Object.keys(field.fields)) expect(doc).toContain(`\`props.${name}\``);
    }
  });
});
