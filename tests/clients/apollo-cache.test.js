// Apollo Client's cache keeps value objects (Money, FuzzyDate...: types without an id)
// when a list view and a detail view select different fields of them, with the README's
// typePolicies: no "Cache data may be lost" warning. Without them, the same two views warn,
// which shows the warnings are caught.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { GRAPHQL_URL } from "./service.js";
import { typePolicies } from "./type-policies.js";

// The list view: each project's budget and dates as a table shows them.
const LIST = gql`
  query ProjectList {
    projects(first: 20) {
      edges {
        node {
          id
          code
          budget { amount currency }
          plannedStart { value precision }
          partners { role amount { amount currency } }
        }
      }
    }
  }
`;

// The detail view of one of them: other fields of the same value objects.
const DETAIL = gql`
  query ProjectDetail($id: ID!) {
    node(id: $id) {
      id
      ... on Project {
        title
        budget { amount qualifier }
        plannedStart { value derived }
        partners { role amount { amount qualifier } }
      }
    }
  }
`;

/** Runs `body` with console.warn and console.error recorded; what they were called with. */
async function capturingWarnings(body) {
  const printed = [];
  const saved = { warn: console.warn, error: console.error };
  console.warn = (...args) => printed.push(args.map(String).join(" "));
  console.error = (...args) => printed.push(args.map(String).join(" "));
  try {
    await body();
  } finally {
    Object.assign(console, saved);
  }
  return printed;
}

async function listThenDetail(cache) {
  const client = new ApolloClient({ link: new HttpLink({ uri: GRAPHQL_URL }), cache });
  try {
    const list = await client.query({ query: LIST });
    const withBudget = list.data.projects.edges.find((edge) => edge.node.budget !== null);
    assert.ok(withBudget, "a project of the built-in dataset has a budget");
    const { id } = withBudget.node;
    const detail = await client.query({ query: DETAIL, variables: { id } });
    assert.equal(detail.data.node.id, id);
    // Both views read back whole from the cache: neither replaced the other's fields.
    const listed = client.readQuery({ query: LIST }).projects.edges.find((e) => e.node.id === id);
    const detailed = client.readQuery({ query: DETAIL, variables: { id } }).node;
    return { listed: listed.node, detailed };
  } finally {
    client.stop();
  }
}

// Apollo warns once per Type.field in a process: the run with the policies goes first, so
// the run without them cannot have been silenced by an earlier warning.
test("with the README's typePolicies, a list and a detail view warn of no data loss", { timeout: 30000 }, async () => {
  let views;
  const printed = await capturingWarnings(async () => {
    views = await listThenDetail(new InMemoryCache({ typePolicies }));
  });
  assert.deepEqual(printed, []);
  assert.ok(views.listed.budget.currency, "the list's currency survived the detail view");
  assert.ok(views.detailed.budget.qualifier, "the detail's qualifier is kept beside it");
  assert.equal(views.listed.budget.amount, views.detailed.budget.amount);
});

test("without them, the same views warn: the warnings are caught", { timeout: 30000 }, async () => {
  const printed = await capturingWarnings(async () => {
    try {
      await listThenDetail(new InMemoryCache());
    } catch {
      // Without the policies the list may no longer read back whole: the warning is the point.
    }
  });
  assert.ok(
    printed.some((line) => /data may be lost/i.test(line) || /go\.apollo\.dev/.test(line)),
    `expected Apollo's data-loss warning, got: ${JSON.stringify(printed)}`,
  );
});
