// A small typed client for the Patient Experience Platform API: openapi-fetch over the types that openapi-typescript
// generates from the gateway's API description (src/schema.d.ts, generated: do not edit it by hand).
import createClient, { type Client, type Middleware } from "openapi-fetch";
import type { components, operations, paths } from "./schema";

export type { components, operations, paths };

/** Every schema of the API by name, e.g. `Schemas["CaseView"]`. */
export type Schemas = components["schemas"];

/** RFC 7807 problem details: every error the API answers (validation problems add `errors`). */
export type ProblemDetails = Schemas["ProblemDetails"];
export type ValidationProblemDetails = Schemas["HttpValidationProblemDetails"];

export type PlatformClient = Client<paths>;

export interface PlatformClientOptions {
  /** The gateway, e.g. `http://localhost:8080`; `""` for pages served by the gateway itself. */
  baseUrl: string;
  /** The bearer token for staff routes; return undefined on public pages (feedback form, survey, status page). */
  getToken?: () => string | undefined | Promise<string | undefined>;
  /** Another fetch (tests, server-side rendering). */
  fetch?: typeof globalThis.fetch;
}

/** A client whose paths, parameters, bodies and answers are checked by the compiler against the API description. */
export function createPlatformClient(options: PlatformClientOptions): PlatformClient {
  const client = createClient<paths>({ baseUrl: options.baseUrl, ...(options.fetch ? { fetch: options.fetch } : {}) });
  const getToken = options.getToken;
  if (getToken) {
    const bearer: Middleware = {
      async onRequest({ request }) {
        const token = await getToken();
        if (token) request.headers.set("Authorization", `Bearer ${token}`);
        return request;
      },
    };
    client.use(bearer);
  }
  return client;
}

/**
 * The `If-Match` value for the next change of a record: the `ETag` of the response that returned it. Staff actions on a
 * case need it (428 without, 412 when someone else changed the case since: read it again and show what changed).
 */
export function ifMatchFrom(response: Response): string {
  const etag = response.headers.get("ETag");
  if (!etag) throw new Error("The response carries no ETag.");
  return etag;
}

/** The fields a validation problem names, with what to correct (empty for other problems). */
export function fieldErrors(problem: ProblemDetails | ValidationProblemDetails | undefined): Record<string, string[]> {
  if (problem && "errors" in problem && problem.errors) return problem.errors as Record<string, string[]>;
  return {};
}
