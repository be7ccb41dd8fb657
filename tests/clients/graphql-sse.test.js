// graphql-sse in its distinct-connections mode (each subscription its own request).
import assert from "node:assert/strict";
import { test } from "node:test";
import { createClient } from "graphql-sse";
import { ADMIN_KEY, GRAPHQL_URL, PROJECT_ID, next, renameProject, sleep } from "./service.js";

test("graphql-sse receives a project's state and then its change", { timeout: 30000 }, async () => {
  const client = createClient({
    url: GRAPHQL_URL,
    headers: { Authorization: `Bearer ${ADMIN_KEY}` },
    retryAttempts: 0,
  });
  try {
    const project = client.iterate({
      query: `subscription { project(id: "${PROJECT_ID}") { title version } }`,
    });
    const changes = client.iterate({
      query: "subscription ($since: Int) { changes(since: $since, types: [PROJECT]) { position after } }",
      variables: { since: null },
    });
    const title = `Renamed over graphql-sse ${Date.now()}`;
    const first = await next(project);
    assert.ok(first.value.data.project.version >= 1);
    await sleep(300);
    const version = await renameProject(title);
    const state = await next(project);
    assert.deepEqual(state.value.data.project, { title: title, version });
    const change = await next(changes);
    assert.deepEqual(change.value.data.changes.after, { title: title });
    await project.return();
    await changes.return();
  } finally {
    client.dispose();
  }
});
