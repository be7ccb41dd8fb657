import { defineConfig } from "vite";

// The page is served by the coopgraph service at "/" and talks only to "/graphql" on the
// same origin. `npm run dev` proxies /graphql to a local service (COOPGRAPH_URL, by
// default the port `coopgraph serve` uses); the build has no proxy and no other host.
// (Declared here rather than pulling in @types/node for one variable.)
declare const process: { env: Record<string, string | undefined> };
const api = process.env.COOPGRAPH_URL ?? "http://127.0.0.1:8000";

export default defineConfig({
  base: "/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // cytoscape alone is ~430 kB minified; it is split into the partners page's chunk.
    // GraphiQL (React and its editors) is ~2 MB, loaded only by its own page.
    chunkSizeWarningLimit: 2500,
    // Two pages: the explorer at "/", and GraphiQL, which the service serves at /graphql.
    rollupOptions: {
      input: { explorer: "index.html", graphiql: "graphiql/index.html" },
    },
  },
  server: {
    host: "127.0.0.1",
    proxy: {
      "/graphql": { target: api, changeOrigin: true },
    },
  },
});
