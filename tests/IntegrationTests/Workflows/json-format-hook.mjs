// A module loader hook (node:module register): @actions/workflow-parser imports its schema as a .json file
// without an import attribute, which Node 20 refuses; this gives every .json module the JSON format.
import { readFile } from "node:fs/promises";

export async function load(url, context, nextLoad) {
  if (url.endsWith(".json")) {
    return { format: "json", source: await readFile(new URL(url), "utf8"), shortCircuit: true };
  }
  return nextLoad(url, context);
}
