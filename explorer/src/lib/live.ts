// Live refresh: the explorer hears of changes over graphql-ws, the WebSocket protocol every
// GraphQL client speaks, on the same origin as the page (no other host).

import { createClient, type Client } from "graphql-ws";

const PROJECT_VERSION = "subscription ProjectVersion($id: ID!) { project(id: $id) { version } }";

let client: Client | null = null;

function live(): Client {
  // Lazy: the socket is open only while a page watches something.
  client ??= createClient({
    url: `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/graphql`,
    lazy: true,
    retryAttempts: 3,
  });
  return client;
}

/** Calls `changed` each time the project's version moves past `version`, until `signal`. */
export function watchProject(id: string, version: number, signal: AbortSignal, changed: () => void): void {
  let seen = version;
  const stop = live().subscribe<{ project: { version: number } | null }>(
    { query: PROJECT_VERSION, variables: { id } },
    {
      next: (result) => {
        const now = result.data?.project?.version;
        if (now !== undefined && now !== seen && !signal.aborted) {
          seen = now;
          changed();
        }
      },
      // A page without live refresh still works: the next visit loads the current state.
      error: () => undefined,
      complete: () => undefined,
    },
  );
  signal.addEventListener("abort", stop, { once: true });
}
