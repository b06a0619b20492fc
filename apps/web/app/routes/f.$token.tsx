// /f/:token — the private feedback form (SPEC §5.9): the text becomes a Feedback row in the staff
// inbox. Under the `open` review policy the thank-you page also offers the public review link.
import type { ActionFunctionArgs, HeadersFunction, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
// Server-only values reach the component through the loader: @rm/messaging must stay out of the browser bundle.
import { createMsg } from "@rm/catalogue";
import { FEEDBACK_MAX_LENGTH, loadFeedbackForm, submitFeedback } from "@rm/messaging";
import { verifyCsrf } from "../.server/csrf.server.ts";
import { logger } from "../.server/logger.server.ts";
import { checkFeedbackSubmission, feedbackOptions, notFound, PRIVATE_HEADERS } from "../.server/public-pages.server.ts";
import { getSession } from "../.server/session.server.ts";
import { CsrfInput } from "../components/forms.tsx";
import publicStyles from "../components/public-pages.css?url";
import { ExpiredLink } from "../components/public-follow-up.tsx";

// In the patient's language (the appointment's; SPEC §5.9), texts from the catalogue.
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: createMsg(data?.language ?? "es")("public.feedback.title") }, { name: "robots", content: "noindex" }];
export const links: LinksFunction = () => [{ rel: "stylesheet", href: publicStyles }];
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const retryAfter = actionHeaders.get("Retry-After");
  return retryAfter ? { ...PRIVATE_HEADERS, "Retry-After": retryAfter } : PRIVATE_HEADERS;
};

export async function loader({ params, context }: LoaderFunctionArgs) {
  const result = await loadFeedbackForm(context.em, feedbackOptions(), params.token ?? "", new Date());
  if (result.state === "not_found") notFound();
  if (result.state === "expired") return data({ expired: true as const, page: null, maxLength: FEEDBACK_MAX_LENGTH, language: result.language }, { status: 410 });
  return { expired: false as const, page: result.page, maxLength: FEEDBACK_MAX_LENGTH, language: result.page.language };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  await verifyCsrf(request, await getSession(request));
  const form = await request.formData();
  const text = form.get("text");
  const limit = await checkFeedbackSubmission(params.token ?? "");
  if (!limit.allowed) {
    const page = await loadFeedbackForm(context.em, feedbackOptions(), params.token ?? "", new Date());
    if (page.state === "not_found") notFound();
    const language = page.state === "ok" ? page.page.language : page.language;
    return data(
      { ok: false as const, error: createMsg(language)("public.feedback.tooMany"), text: typeof text === "string" ? text : "", reviewLink: null },
      { status: 429, headers: { "Retry-After": String(limit.retryAfterSeconds) } },
    );
  }
  const result = await submitFeedback(context.em, feedbackOptions(), params.token ?? "", typeof text === "string" ? text : "", new Date());
  if (result.state === "not_found") notFound();
  if (result.state === "expired") return data({ ok: false as const, error: createMsg(result.language)("public.expired.error"), text: "", reviewLink: null }, { status: 410 });
  if (result.state === "invalid") {
    const msg = createMsg(result.language);
    const error = result.reason === "empty" ? msg("public.feedback.empty") : msg("public.feedback.tooLong", { max: FEEDBACK_MAX_LENGTH });
    return data({ ok: false as const, error, text: typeof text === "string" ? text : "", reviewLink: null }, { status: 400 });
  }
  logger.info({ requestId: context.requestId }, "private feedback received");
  return { ok: true as const, error: null, text: "", reviewLink: result.page.reviewLink };
}

export default function FeedbackPage() {
  const { expired, page, maxLength, language } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  if (expired || !page) return <ExpiredLink language={language} />;
  const msg = createMsg(language);
  if (result?.ok) {
    return (
      <main className="page narrow public" lang={language}>
        <h1>{msg("public.feedback.thanksTitle")}</h1>
        <p role="status">{msg("public.feedback.thanksBody", { practice: page.practiceName })}</p>
        {result.reviewLink ? (
          <p>
            {msg("public.feedback.thanksReview")}{" "}
            <a href={result.reviewLink} rel="noopener">
              {msg("public.feedback.thanksReviewLink")}
            </a>
            .
          </p>
        ) : null}
      </main>
    );
  }
  const error = result?.error ?? null;
  return (
    <main className="page narrow public" lang={language}>
      <h1>{msg("public.feedback.heading")}</h1>
      <p>{msg("public.feedback.intro", { firstName: page.firstName || "none", practice: page.practiceName })}</p>
      {page.submitted ? <p className="muted">{msg("public.feedback.already")}</p> : null}
      <Form method="post" className="card" noValidate>
        <CsrfInput />
        <div className="field">
          <label htmlFor="feedback-text">{msg("public.feedback.label")}</label>
          <textarea
            id="feedback-text"
            name="text"
            rows={6}
            required
            maxLength={maxLength}
            defaultValue={result?.text ?? ""}
            {...(error ? { "aria-invalid": true, "aria-describedby": "feedback-error" } : {})}
          />
          {error ? (
            <p id="feedback-error" className="field-error" role="alert">
              {error}
            </p>
          ) : null}
        </div>
        <button type="submit" disabled={navigation.state === "submitting"}>
          {msg("public.feedback.submit")}
        </button>
      </Form>
      {page.reviewLink ? (
        <p className="muted">
          {msg("public.feedback.alsoReview")} <a href={page.reviewLink}>{msg("public.review.publicLink")}</a>.
        </p>
      ) : null}
    </main>
  );
}
