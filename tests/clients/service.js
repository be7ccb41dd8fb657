// Where the service under test listens, and a key to write with: set by test_clients.py.
export const ADDRESS = process.env.COOPGRAPH_ADDRESS ?? "127.0.0.1:8000";
export const GRAPHQL_URL = `http://${ADDRESS}/graphql`;
export const WS_URL = `ws://${ADDRESS}/graphql`;
export const ADMIN_KEY = process.env.COOPGRAPH_ADMIN_KEY ?? "";
export const PROJECT_ID = "UHJvamVjdDox"; // Project:1 of the built-in dataset

/** A GraphQL request by plain fetch, as the writes of the tests are made. */
export async function graphql(query, variables = {}, key = ADMIN_KEY) {
  const response = await fetch(GRAPHQL_URL, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

/** Rename Project:1 through the updateProject mutation; its new version. */
export async function renameProject(title) {
  const { node } = await graphql(
    "query ($id: ID!) { node(id: $id) { ... on Project { version } } }",
    { id: PROJECT_ID },
  );
  const data = await graphql(
    `mutation ($id: ID!, $v: Int!, $t: String!) {
      updateProject(input: {id: $id, version: $v, title: $t}) { project { version } }
    }`,
    { id: PROJECT_ID, v: node.version, t: title },
  );
  return data.updateProject.project.version;
}

/** The next value of an async iterator, or a failure after `ms`. */
export async function next(iterator, ms = 10000) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`nothing within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([iterator.next(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
