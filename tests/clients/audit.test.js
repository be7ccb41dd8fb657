// graphql-http's GraphQL-over-HTTP audit, every audit (MUSTs and SHOULDs) must pass.
import assert from "node:assert/strict";
import { test } from "node:test";
import { serverAudits } from "graphql-http";
import { GRAPHQL_URL } from "./service.js";

for (const audit of serverAudits({ url: GRAPHQL_URL, fetchFn: fetch })) {
  test(audit.name, async () => {
    const result = await audit.fn();
    assert.equal(result.status, "ok", result.reason);
  });
}
