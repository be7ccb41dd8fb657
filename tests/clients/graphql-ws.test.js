// graphql-ws over `ws`, as a Node service or a browser's WebSocket would connect.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { ADMIN_KEY, PROJECT_ID, WS_URL, next, renameProject, sleep } from "./service.js";

test("graphql-ws receives a write made through a mutation", { timeout: 30000 }, async () => {
  const client = createClient({
    url: WS_URL,
    webSocketImpl: WebSocket,
    connectionParams: { Authorization: `Bearer ${ADMIN_KEY}` },
    retryAttempts: 0,
  });
  try {
    const changes = client.iterate({
      query: "subscription { changes(types: [PROJECT]) { position recordType operation after } }",
    });
    const project = client.iterate({
      query: `subscription { project(id: "${PROJECT_ID}") { title version } }`,
    });
    const title = `Renamed over graphql-ws ${Date.now()}`;
    const first = await next(project);
    assert.ok(first.value.data.project.version >= 1);
    await sleep(300);
    const version = await renameProject(title);
    const change = await next(changes);
    assert.deepEqual(change.value.data.changes.after, { title: title });
    assert.equal(change.value.data.changes.operation, "UPDATE");
    const state = await next(project);
    assert.deepEqual(state.value.data.project, { title: title, version });
    await changes.return();
    await project.return();
  } finally {
    await client.dispose();
  }
});

test("a key that is not valid closes the socket with 4403", { timeout: 30000 }, async () => {
  const closed = new Promise((resolve) => {
    const client = createClient({
      url: WS_URL,
      webSocketImpl: WebSocket,
      connectionParams: { Authorization: "Bearer cg_1_nope" },
      retryAttempts: 0,
      on: { closed: (event) => resolve(event.code) },
    });
    client.subscribe({ query: "subscription { changes { position } }" }, {
      next() {}, error() {}, complete() {},
    });
  });
  assert.equal(await closed, 4403);
});
