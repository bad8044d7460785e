/** Writes docs/protocol.md and docs/privacy.md from the protocol's declarations. Run: npm run docs */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { renderPrivacyDoc, renderProtocolDoc } from "../src/docs.js";

const docs = (name: string) => fileURLToPath(new URL(`../../../docs/${name}`, import.meta.url));
writeFileSync(docs("protocol.md"), renderProtocolDoc());
writeFileSync(docs("privacy.md"), renderPrivacyDoc());
console.log("wrote docs/protocol.md and docs/privacy.md");
