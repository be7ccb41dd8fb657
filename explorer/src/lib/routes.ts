// Hash routes: #/, #/projects?country=..&theme=..&status=..&funder=..&q=..&after=..,
// #/projects/<id>, #/partners, #/partners/<id>, #/programmes/<id>.

export interface Route {
  path: string[];
  params: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, "");
  const [pathPart = "", queryPart = ""] = raw.split("?", 2);
  const path = pathPart
    .split("/")
    .filter((p) => p !== "")
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  return { path, params: new URLSearchParams(queryPart) };
}

export const overviewHref = (): string => "#/";

export function projectsHref(params: Record<string, string | null | undefined> = {}): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== "") query.set(key, value);
  }
  const text = query.toString();
  return text ? `#/projects?${text}` : "#/projects";
}

export const projectHref = (id: string): string => `#/projects/${encodeURIComponent(id)}`;
export const partnersHref = (): string => "#/partners";
export const partnerHref = (id: string): string => `#/partners/${encodeURIComponent(id)}`;
export const programmeHref = (id: string): string => `#/programmes/${encodeURIComponent(id)}`;
