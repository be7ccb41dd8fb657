// Apollo Client 4: HTTP for queries, graphql-ws for subscriptions (split on the operation),
// relayStylePagination merging pages into one list in the cache.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions";
import { getMainDefinition, relayStylePagination } from "@apollo/client/utilities";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { ADMIN_KEY, GRAPHQL_URL, PROJECT_ID, WS_URL, renameProject, sleep } from "./service.js";

const PROJECTS = gql`
  query Projects($after: String) {
    projects(first: 2, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id code } }
    }
  }
`;

function apollo() {
  const ws = createClient({
    url: WS_URL,
    webSocketImpl: WebSocket,
    connectionParams: { Authorization: `Bearer ${ADMIN_KEY}` },
    retryAttempts: 0,
  });
  const link = ApolloLink.split(
    ({ query }) => {
      const definition = getMainDefinition(query);
      return definition.kind === "OperationDefinition" && definition.operation === "subscription";
    },
    new GraphQLWsLink(ws),
    new HttpLink({ uri: GRAPHQL_URL }),
  );
  const cache = new InMemoryCache({
    typePolicies: { Query: { fields: { projects: relayStylePagination(["filter", "orderBy"]) } } },
  });
  return { client: new ApolloClient({ link, cache }), ws };
}

test("Apollo Client pages through three pages with relayStylePagination", { timeout: 30000 }, async () => {
  const { client, ws } = apollo();
  try {
    const first = await client.query({ query: PROJECTS });
    let page = first.data.projects;
    for (let n = 0; n < 2; n++) {
      assert.equal(page.pageInfo.hasNextPage, true);
      // The next page from the server (the cache holds `projects` already, under its key
      // arguments); relayStylePagination appends it after the `after` cursor.
      const more = await client.query({
        query: PROJECTS,
        variables: { after: page.pageInfo.endCursor },
        fetchPolicy: "network-only",
      });
      page = more.data.projects;
    }
    // The cache merged the pages: read back without `after`, the list holds all six.
    const merged = client.readQuery({ query: PROJECTS });
    const codes = merged.projects.edges.map((edge) => edge.node.code);
    assert.equal(codes.length, 6);
    assert.equal(new Set(codes).size, 6);
    assert.ok(merged.projects.totalCount >= 6);
  } finally {
    client.stop();
    await ws.dispose();
  }
});

test("Apollo Client's GraphQLWsLink receives a project's change", { timeout: 30000 }, async () => {
  const { client, ws } = apollo();
  try {
    const title = `Renamed through Apollo ${Date.now()}`;
    const states = [];
    const received = new Promise((resolve, reject) => {
      const subscription = client
        .subscribe({
          query: gql`subscription ($id: ID!) { project(id: $id) { id title version } }`,
          variables: { id: PROJECT_ID },
        })
        .subscribe({
          next(result) {
            states.push(result.data.project);
            if (states.length === 2) {
              subscription.unsubscribe();
              resolve();
            }
          },
          error: reject,
        });
    });
    while (states.length === 0) await sleep(50);
    await renameProject(title);
    await received;
    assert.equal(states[1].title, title);
    assert.equal(states[1].version, states[0].version + 1);
  } finally {
    client.stop();
    await ws.dispose();
  }
});
