// The one way the page talks to the service: POST /graphql (same origin, relative URL).

export type Variables = Record<string, unknown>;

interface GraphQLErrorBody {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: GraphQLErrorBody[];
}

/** The service answered with GraphQL errors, or not at all. */
export class ApiError extends Error {
  readonly codes: string[];
  constructor(message: string, codes: string[] = []) {
    super(message);
    this.name = "ApiError";
    this.codes = codes;
  }
}

export const ENDPOINT = "/graphql";

/** The name of the (first) operation of a document, sent as operationName. */
function operationName(query: string): string | undefined {
  return /\b(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/.exec(query)?.[1];
}

export async function request<T>(
  query: string,
  variables: Variables,
  signal?: AbortSignal,
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(ENDPOINT, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ query, variables, operationName: operationName(query) }),
      signal: signal ?? null,
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError("The service could not be reached. Check your connection and try again.");
  }
  let body: GraphQLResponse<T>;
  try {
    body = (await response.json()) as GraphQLResponse<T>;
  } catch {
    throw new ApiError(`The service answered HTTP ${response.status} without a GraphQL answer.`);
  }
  if (body.errors && body.errors.length > 0) {
    const codes = body.errors.map((e) => e.extensions?.code ?? "").filter((c) => c !== "");
    const message = body.errors.map((e) => e.message).join(" ");
    throw new ApiError(message, codes);
  }
  if (body.data === null || body.data === undefined) {
    throw new ApiError(`The service answered HTTP ${response.status} with no data.`);
  }
  return body.data;
}

/**
 * The URL parameter that carries the query to GraphiQL: the page served at /graphql fills its
 * editor from `q` (a `query` parameter would run the query instead of opening GraphiQL).
 */
export const GRAPHIQL_QUERY_PARAM = "q";

/** A link that opens GraphiQL (served at /graphql) on this query and these variables. */
export function graphiqlHref(query: string, variables: Variables): string {
  return (
    `${ENDPOINT}?${GRAPHIQL_QUERY_PARAM}=${encodeURIComponent(query)}` +
    `&variables=${encodeURIComponent(JSON.stringify(variables))}`
  );
}
