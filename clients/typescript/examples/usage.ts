// How a front end uses the client; type-checked in CI (tsc --noEmit) so an API change that breaks it fails the build.
import { createPlatformClient, fieldErrors, ifMatchFrom, type Schemas } from "../src/index";

const gateway = "http://localhost:8080";

/** The public feedback form: anonymous, with an Idempotency-Key so a retried submit is the same submission. */
export async function submitConcern(form: Schemas["SubmitFeedbackRequest"], attempt: string): Promise<string> {
  const api = createPlatformClient({ baseUrl: gateway });
  const { data, error, response } = await api.POST("/api/v1/feedback", {
    params: { header: { "Idempotency-Key": attempt } },
    body: form,
  });
  if (error) {
    // 400: each field to correct (an unknown property is named too); 429: wait for Retry-After.
    const fields = Object.keys(fieldErrors(error));
    throw new Error(`Not submitted (${response.status}): ${fields.join(", ") || error.title}`);
  }
  return data.submissionId;
}

/** The staff worklist, soonest deadline first, then acknowledging the first case with If-Match. */
export async function acknowledgeFirstOverdue(token: string, facilityId: string): Promise<Schemas["CaseView"] | undefined> {
  const api = createPlatformClient({ baseUrl: gateway, getToken: () => token });
  const worklist = await api.GET("/api/v1/cases", {
    params: { query: { facilityId, overdue: true, sort: "nextDeadline", page: 1, pageSize: 25 } },
  });
  const first = worklist.data?.items[0];
  if (!first) return undefined;

  const read = await api.GET("/api/v1/cases/{id}", { params: { path: { id: first.caseId } } });
  if (!read.data) return undefined;
  const acknowledged = await api.POST("/api/v1/cases/{id}/acknowledge", {
    params: { path: { id: read.data.caseId }, header: { "If-Match": ifMatchFrom(read.response) } },
    body: { note: "Called the family back." },
  });
  if (acknowledged.response.status === 412) {
    // Someone else changed the case: read it again and show what changed.
    return undefined;
  }
  return acknowledged.data;
}

/** The patient's survey behind the link's token: read it in their language, answer once. */
export async function answerSurvey(token: string): Promise<string | undefined> {
  const api = createPlatformClient({ baseUrl: gateway });
  const form = await api.GET("/api/v1/surveys/respond/{token}", { params: { path: { token }, query: { language: "es" } } });
  const question = form.data?.questions[0];
  if (!question) return undefined;
  const answered = await api.POST("/api/v1/surveys/respond/{token}", {
    params: { path: { token } },
    body: { answers: { [question.id]: question.options[0]?.value ?? null }, contactRequested: true, outreachConsent: false },
  });
  return answered.data?.responseId;
}
