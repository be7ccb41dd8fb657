// Where the service under test listens: set by tests/clients/test_clients.py.
export const ADDRESS = process.env.COOPGRAPH_ADDRESS ?? "127.0.0.1:8000";
export const GRAPHQL_URL = `http://${ADDRESS}/graphql`;
export const WS_URL = `ws://${ADDRESS}/graphql`;
export const ADMIN_KEY = process.env.COOPGRAPH_ADMIN_KEY ?? "";
