// Read by PostGraphile v5 from its working folder, where bench/systems.py starts it with
// the database, host and port as flags (--connection, --host, --port), as for v4. v5 takes
// its plugins as presets here rather than v4's --append-plugins; its V4 preset keeps v4's
// names, so v4's documents (bench/queries/*.postgraphile.graphql) run unchanged. The v5
// versions of v4's three plugins: relation filters (connectionFilterRelations, Q4's "in
// country X"), aggregates (Q5) and many-to-many (Q2's "a partner's projects by code").
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makeV4Preset } from "postgraphile/presets/v4";
import { PostGraphileConnectionFilterPreset } from "postgraphile-plugin-connection-filter";
import { PgAggregatesPreset } from "@graphile/pg-aggregates";
import { PgManyToManyPreset } from "@graphile-contrib/pg-many-to-many";

export default {
  extends: [
    PostGraphileAmberPreset,
    makeV4Preset({
      disableQueryLog: true,
      graphileBuildOptions: { connectionFilterRelations: true },
    }),
    PostGraphileConnectionFilterPreset,
    PgAggregatesPreset,
    PgManyToManyPreset,
  ],
  grafserv: { graphiql: false },
};
