// A small Relay project: compiled by relay-compiler against schema.graphql (relay.test.js).
import { graphql } from "relay-runtime";

export const projectQuery = graphql`
  query ProjectQuery($id: ID!) {
    node(id: $id) {
      ...Project_project @alias(as: "project")
    }
    themes {
      slug
    }
  }
`;

export const projectFragment = graphql`
  fragment Project_project on Project @refetchable(queryName: "ProjectRefetchQuery") {
    id
    code
    title
    version
    budget {
      amount
      currency
    }
  }
`;
