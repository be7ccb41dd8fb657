"""The request guards and services around execution, each a Strawberry extension of its own:
limits on depth, tokens and aliases, the cost rule, the validation cache, operation metrics,
read routing and the compiled read path. Apart from the domain (types, mutations, loaders)
as Strawberry keeps its own in ``strawberry/extensions/``."""
