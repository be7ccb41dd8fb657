// schema.graphql is a schema on its own for graphql-js, as codegen and linters read it;
// @apollo/composition composes the subgraph with a second Relay-style subgraph.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { composeServices } from "@apollo/composition";
import { buildSchema, parse } from "graphql";

const root = new URL("../../", import.meta.url);
const read = (name) => readFileSync(new URL(name, root), "utf8");

test("graphql-js buildSchema accepts schema.graphql", () => {
  const schema = buildSchema(read("schema.graphql"));
  assert.ok(schema.getType("PageInfo"));
  assert.equal(schema.getQueryType().getFields().node.type.toString(), "Node");
});

// Another team's subgraph, Relay-style like ours: its own Node, PageInfo and connections,
// extending our Project and Country with what it knows of them.
const EVALUATIONS = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.11", import: ["@key", "@shareable"])

  interface Node { id: ID! }

  type PageInfo @shareable {
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
    endCursor: String
  }

  type Evaluation implements Node @key(fields: "id") {
    id: ID!
    title: String!
    project: Project
  }

  type EvaluationEdge { cursor: String! node: Evaluation! }
  type EvaluationConnection { pageInfo: PageInfo! edges: [EvaluationEdge!]! }

  type Project implements Node @key(fields: "id") {
    id: ID!
    evaluations(first: Int, after: String): EvaluationConnection!
  }

  type Country implements Node @key(fields: "id") {
    id: ID!
    evaluationCount: Int!
  }

  type Query {
    node(id: ID!): Node @shareable
    evaluations(first: Int, after: String): EvaluationConnection!
  }
`;

test("@apollo/composition composes the subgraph with a second Relay-style one", () => {
  const result = composeServices([
    { name: "coopgraph", typeDefs: parse(read("schema.subgraph.graphql")), url: "http://coopgraph/graphql" },
    { name: "evaluations", typeDefs: parse(EVALUATIONS), url: "http://evaluations/graphql" },
  ]);
  assert.equal(result.errors, undefined, (result.errors ?? []).map((e) => e.message).join("\n"));
  assert.match(result.supergraphSdl, /evaluations\(first: Int, after: String\): EvaluationConnection!/);
});
