// GraphiQL, bundled from the npm package with the rest of the explorer: served by the
// service at /graphql, it loads nothing from another host. Queries go over HTTP,
// subscriptions over graphql-ws, both to /graphql on the page's own origin.

import { createGraphiQLFetcher } from "@graphiql/toolkit";
import { GraphiQL } from "graphiql";
import "graphiql/style.css";
import { createElement } from "react";
import { createRoot } from "react-dom/client";

const url = `${location.origin}/graphql`;
const subscriptionUrl = url.replace(/^http/, "ws");

// The explorer links here with ?q=<query>&variables=<json>, as the old page took them.
const parameters = new URLSearchParams(location.search);
const example = JSON.parse(document.getElementById("example-query")?.textContent ?? "null") as string | null;

const root = document.getElementById("graphiql");
if (root) {
  root.textContent = "";
  createRoot(root).render(
    createElement(GraphiQL, {
      fetcher: createGraphiQLFetcher({ url, subscriptionUrl }),
      defaultQuery: example ?? undefined,
      query: parameters.get("q") ?? example ?? undefined,
      variables: parameters.get("variables") ?? undefined,
      // The API key goes in the headers editor: {"Authorization": "Bearer <key>"}.
      defaultHeaders: '{\n  "Authorization": "Bearer <your key>"\n}',
      isHeadersEditorEnabled: true,
      defaultEditorToolsVisibility: true,
    }),
  );
}
