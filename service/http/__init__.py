"""What faces HTTP: the GraphQL router and the middleware around it (body limit, request ids,
rate limits, HTTP caching, error bodies, persisted queries), health checks, the explorer's
files and the IATI export endpoint."""
