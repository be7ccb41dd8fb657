// relay-compiler compiles relay/ against schema.graphql; relay-runtime fetches a project
// and refetches it through `node` with the query @refetchable generated.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { test } from "node:test";
import {
  Environment,
  Network,
  RecordSource,
  Store,
  fetchQuery,
  getFragment,
  getSelector,
} from "relay-runtime";
import { GRAPHQL_URL, PROJECT_ID } from "./service.js";

const here = new URL(".", import.meta.url).pathname;
const generated = `${here}relay/__generated__`;
mkdirSync(generated, { recursive: true });
// Relay's artifacts require one another without extensions, as CommonJS does.
writeFileSync(`${generated}/package.json`, '{"type": "commonjs"}\n');
execFileSync(`${here}node_modules/.bin/relay-compiler`, { cwd: here, stdio: "pipe" });
const require = createRequire(`${generated}/`);
const ProjectQuery = require("./ProjectQuery.graphql");
const ProjectRefetchQuery = require("./ProjectRefetchQuery.graphql");
const ProjectFragment = require("./Project_project.graphql");

function environment() {
  const network = Network.create(async (params, variables) => {
    const response = await fetch(GRAPHQL_URL, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/graphql-response+json, application/json;q=0.9",
      },
      body: JSON.stringify({ query: params.text, variables }),
    });
    return response.json();
  });
  return new Environment({ network, store: new Store(new RecordSource()) });
}

function project(env, reference) {
  return env.lookup(getSelector(getFragment(ProjectFragment), reference)).data;
}

test("relay-runtime fetches a project and refetches it through node", async () => {
  const env = environment();
  const data = await fetchQuery(env, ProjectQuery, { id: PROJECT_ID }).toPromise();
  assert.ok(data.themes.length > 0);
  const fetched = project(env, data.node.project);
  assert.equal(fetched.id, PROJECT_ID);
  assert.match(ProjectRefetchQuery.params.text, /node\(id: \$id\)/);
  const again = await fetchQuery(env, ProjectRefetchQuery, { id: PROJECT_ID }).toPromise();
  assert.deepEqual(project(env, again.node), fetched);
});

test("an unknown id is null for Relay, and the rest of the answer stands", async () => {
  const env = environment();
  const gone = Buffer.from("Project:999999").toString("base64");
  const data = await fetchQuery(env, ProjectQuery, { id: gone }).toPromise();
  assert.equal(data.node, null);
  assert.ok(data.themes.length > 0);
});
