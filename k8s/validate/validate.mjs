// Validates Kubernetes objects against the API's JSON schemas, offline: the schemas ship inside the npm package
// kubernetes-models (pinned in package.json; its resource.k8s.io/v1 places it at Kubernetes 1.34).
//   kubectl kustomize k8s/overlays/production | node k8s/validate/validate.mjs
// Reads YAML or JSON from standard input (several documents, arrays and `kind: List` are flattened). Custom resources of
// the operators named in k8s/README.md are reported as such and left to the structural checks of
// tests/PatientExperience.Deployment.Tests. Prints one line per object; exits 1 when any object is invalid.
import { parseAllDocuments } from "yaml";

const customResourceGroups = ["rabbitmq.com", "mongodbcommunity.mongodb.com"];

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const objects = [];
for (const doc of parseAllDocuments(Buffer.concat(chunks).toString("utf8"))) {
  if (doc.errors.length > 0) {
    console.log(`invalid YAML: ${doc.errors[0].message}`);
    process.exit(1);
  }
  const value = doc.toJS();
  if (value == null) continue;
  for (const o of Array.isArray(value) ? value : [value]) {
    if (o && o.kind === "List" && Array.isArray(o.items)) objects.push(...o.items);
    else objects.push(o);
  }
}

let failures = 0;
for (const o of objects) {
  const name = `${o?.kind ?? "?"}/${o?.metadata?.name ?? "?"}`;
  const apiVersion = String(o?.apiVersion ?? "");
  const group = apiVersion.includes("/") ? apiVersion.split("/")[0] : "";
  if (customResourceGroups.includes(group)) {
    console.log(`custom ${apiVersion} ${name}`);
    continue;
  }
  let model;
  try {
    model = (await import(`kubernetes-models/${apiVersion}`))[o.kind];
  } catch {
    model = undefined;
  }
  if (typeof model !== "function") {
    console.log(`invalid ${apiVersion} ${name}: unknown apiVersion or kind`);
    failures++;
    continue;
  }
  try {
    new model(o).validate();
    console.log(`valid ${apiVersion} ${name}`);
  } catch (e) {
    console.log(`invalid ${apiVersion} ${name}: ${String(e.message).split("\n")[0]}`);
    failures++;
  }
}
console.log(`${objects.length} objects, ${failures} invalid`);
process.exit(failures > 0 ? 1 : 0);
