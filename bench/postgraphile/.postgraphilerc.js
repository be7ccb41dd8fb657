// Read by the postgraphile command from its working folder: options its flags cannot set.
// Relation filters (`projectCountriesByProjectId: {some: ...}`) answer Q4's "in country X".
module.exports = {
  options: {
    graphileBuildOptions: { connectionFilterRelations: true },
  },
};
