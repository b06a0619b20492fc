// /q/:token — the one-tap rating page (SPEC §5.9): five large buttons, each a POST. GET reads only
// (link-preview bots fetch links); the follow-up is shown here and no message is sent.
import type { ActionFunctionArgs, HeadersFunction, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { createMsg, type MessageCode } from "@rm/catalogue";
import { loadRatingPage, parseRatingInput, rateByToken } from "@rm/messaging";
import { verifyCsrf } from "../.server/csrf.server.ts";
import { logger } from "../.server/logger.server.ts";
import { feedbackOptions, notFound, PRIVATE_HEADERS } from "../.server/public-pages.server.ts";
import { getSession } from "../.server/session.server.ts";
import { CsrfInput, FormError } from "../components/forms.tsx";
import publicStyles from "../components/public-pages.css?url";
import { ExpiredLink, FollowUp } from "../components/public-follow-up.tsx";

// In the patient's language (the appointment's; SPEC §5.9), texts from the catalogue.
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: createMsg(data?.language ?? "es")("public.rate.title") }, { name: "robots", content: "noindex" }];
export const links: LinksFunction = () => [{ rel: "stylesheet", href: publicStyles }];
export const headers: HeadersFunction = () => PRIVATE_HEADERS;

export async function loader({ params, context }: LoaderFunctionArgs) {
  const result = await loadRatingPage(context.em, feedbackOptions(), params.token ?? "", new Date());
  if (result.state === "not_found") notFound();
  if (result.state === "expired") return data({ expired: true as const, page: null, language: result.language }, { status: 410 });
  return { expired: false as const, page: result.page, language: result.page.language };
}

const LABELS = ["public.rate.label1", "public.rate.label2", "public.rate.label3", "public.rate.label4", "public.rate.label5"] as const satisfies readonly MessageCode[];

export async function action({ request, params, context }: ActionFunctionArgs) {
  await verifyCsrf(request, await getSession(request));
  const form = await request.formData();
  const rating = parseRatingInput(form.get("rating"));
  if (rating === null) {
    const page = await loadRatingPage(context.em, feedbackOptions(), params.token ?? "", new Date());
    if (page.state === "not_found") notFound();
    const language = page.state === "ok" ? page.page.language : page.language;
    return data({ error: createMsg(language)("public.rate.invalid") }, { status: 400 });
  }
  const result = await rateByToken(context.em, feedbackOptions(), params.token ?? "", rating, new Date());
  if (result.state === "not_found") notFound();
  if (result.state === "expired") return data({ error: createMsg(result.language)("public.expired.error") }, { status: 410 });
  logger.info({ requestId: context.requestId, rating, alerted: result.outcome.alerted }, "one-tap rating");
  // Post/redirect/get: the page now shows the follow-up for the stored rating.
  throw redirect(`/q/${encodeURIComponent(params.token ?? "")}`, { status: 303 });
}

export default function RatingPage() {
  const { expired, page, language } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const navigation = useNavigation();
  if (expired || !page) return <ExpiredLink language={language} />;
  const msg = createMsg(language);
  const busy = navigation.state === "submitting";
  return (
    <main className="page narrow public" lang={language}>
      <h1>{page.practiceName}</h1>
      {page.followUp ? (
        <>
          <p role="status">{msg("public.rate.thanks", { firstName: page.firstName || "none", rating: page.rating ?? 0 })}</p>
          <FollowUp followUp={page.followUp} language={language} />
          <details className="change-rating">
            <summary>{msg("public.rate.change")}</summary>
            <RatingForm busy={busy} current={page.rating} msg={msg} />
          </details>
        </>
      ) : (
        <>
          <p>{msg("public.rate.question", { firstName: page.firstName || "none", doctor: page.doctorName || "none" })}</p>
          <FormError message={failure?.error} />
          <RatingForm busy={busy} current={null} msg={msg} />
        </>
      )}
    </main>
  );
}

function RatingForm({ busy, current, msg }: { busy: boolean; current: number | null; msg: ReturnType<typeof createMsg> }) {
  return (
    <Form method="post" className="rating-form" aria-label={msg("public.rate.formLabel")}>
      <CsrfInput />
      <fieldset disabled={busy}>
        <legend className="visually-hidden">{msg("public.rate.legend")}</legend>
        <div className="rating-buttons">
          {LABELS.map((label, i) => (
            <button key={label} type="submit" name="rating" value={String(i + 1)} className="rating-button" aria-pressed={current === i + 1}>
              <span className="rating-number">{i + 1}</span>
              <span className="visually-hidden">{msg("public.rate.outOf")}</span> <span className="rating-label">{msg(label)}</span>
            </button>
          ))}
        </div>
      </fieldset>
    </Form>
  );
}
