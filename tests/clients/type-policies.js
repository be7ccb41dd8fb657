// The typePolicies the README recommends to an Apollo Client app, as apollo-cache.test.js
// uses them: value types merged into their parent, connections paged by relayStylePagination.
import { relayStylePagination } from "@apollo/client/utilities";

// Types without an id: values of the field that holds them, never records of their own.
// Two views selecting different fields of one (a list's `budget { amount currency }`, a
// detail's `budget { amount qualifier }`) are merged rather than one replacing the other.
const value = { keyFields: false, merge: true };

export const typePolicies = {
  Money: value,
  FuzzyDate: value,
  Quantity: value,
  Count: value,
  People: value,
  PeopleCount: value,
  ProjectStats: value,
  ProjectBucket: value,
  ContributionStats: value,
  ContributionBucket: value,
  Region: { keyFields: ["code"] },
  Query: {
    fields: {
      projects: relayStylePagination(["filter", "orderBy"]),
      partners: relayStylePagination(["filter"]),
      programmes: relayStylePagination(["filter"]),
      beneficiaryGroups: relayStylePagination(["filter"]),
      outcomes: relayStylePagination(["filter"]),
      contributions: relayStylePagination(["filter"]),
      agreements: relayStylePagination(["filter"]),
      changes: relayStylePagination(["types", "projectIds", "since"]),
    },
  },
  Partner: { fields: { projectsConnection: relayStylePagination(["role", "filter", "orderBy"]) } },
  Programme: { fields: { projectsConnection: relayStylePagination(["filter", "orderBy"]) } },
  Country: { fields: { projectsConnection: relayStylePagination(["filter", "orderBy"]) } },
  Theme: { fields: { projectsConnection: relayStylePagination(["filter", "orderBy"]) } },
};
