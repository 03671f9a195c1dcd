// Runs GitHub's own workflow parser (@actions/workflow-parser) over workflow files, as the Actions service
// reads them: schema errors (unknown keys, wrong types, bad expressions) and conversion errors (jobs, needs).
//   node parse-workflows.mjs <path of the package's dist/index.js> <workflow.yml>...
// Prints "<file>: ok" or "<file>: <error>" lines; exits 1 when any file has an error.
import { register } from "node:module";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { pathToFileURL } from "node:url";

register("./json-format-hook.mjs", import.meta.url);
const [entry, ...files] = process.argv.slice(2);
const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = await import(pathToFileURL(entry).href);

let failed = 0;
for (const path of files) {
  const parsed = parseWorkflow({ name: basename(path), content: readFileSync(path, "utf8") }, new NoOperationTraceWriter());
  const errors = new Set(parsed.context.errors.getErrors().map((e) => e.message));
  if (parsed.value) {
    const template = await convertWorkflowTemplate(parsed.context, parsed.value);
    for (const e of template.errors ?? []) errors.add(e.Message ?? e.message);
    if ((template.jobs ?? []).length === 0) errors.add("no job");
  } else {
    errors.add("not parsed");
  }
  for (const message of errors) console.log(`${path}: ${message}`);
  if (errors.size === 0) console.log(`${path}: ok`);
  failed += errors.size > 0 ? 1 : 0;
}
process.exit(failed === 0 ? 0 : 1);
