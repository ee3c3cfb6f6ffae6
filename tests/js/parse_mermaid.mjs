// Parses each Mermaid file given on the command line with Mermaid's own parser (the one GitHub's
// renderer uses). Prints "OK <file> <diagramType>" or "ERROR <file> <message>"; exit 1 on any error.
import { readFileSync } from "node:fs";
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false });

let failed = false;
for (const file of process.argv.slice(2)) {
  try {
    const result = await mermaid.parse(readFileSync(file, "utf8"));
    console.log(`OK ${file} ${result.diagramType}`);
  } catch (error) {
    failed = true;
    console.log(`ERROR ${file} ${String(error.message).split("\n").join(" ")}`);
  }
}
process.exit(failed ? 1 : 0);
