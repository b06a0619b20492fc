// /f/:token — the private feedback form (SPEC §5.9): the text becomes a Feedback row in the staff
// inbox. Under the `open` review policy the thank-you page also offers the public review link.
import type { ActionFunctionArgs, HeadersFunction, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
// Server-only values reach the component through the loader: @rm/messaging must stay out of the browser bundle.
import { FEEDBACK_MAX_LENGTH, loadFeedbackForm, submitFeedback } from "@rm/messaging";
import { verifyCsrf } from "../.server/csrf.server.ts";
import { logger } from "../.server/logger.server.ts";
import { checkFeedbackSubmission, feedbackOptions, notFound, PRIVATE_HEADERS } from "../.server/public-pages.server.ts";
import { getSession } from "../.server/session.server.ts";
import { CsrfInput } from "../components/forms.tsx";
import publicStyles from "../components/public-pages.css?url";
import { ExpiredLink } from "../components/public-follow-up.tsx";

export const meta: MetaFunction = () => [{ title: "Cuéntenos su experiencia" }, { name: "robots", content: "noindex" }];
export const links: LinksFunction = () => [{ rel: "stylesheet", href: publicStyles }];
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const retryAfter = actionHeaders.get("Retry-After");
  return retryAfter ? { ...PRIVATE_HEADERS, "Retry-After": retryAfter } : PRIVATE_HEADERS;
};

export async function loader({ params, context }: LoaderFunctionArgs) {
  const result = await loadFeedbackForm(context.em, feedbackOptions(), params.token ?? "", new Date());
  if (result.state === "not_found") notFound();
  if (result.state === "expired") return data({ expired: true as const, page: null, maxLength: FEEDBACK_MAX_LENGTH }, { status: 410 });
  return { expired: false as const, page: result.page, maxLength: FEEDBACK_MAX_LENGTH };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  await verifyCsrf(request, await getSession(request));
  const form = await request.formData();
  const text = form.get("text");
  const limit = await checkFeedbackSubmission(params.token ?? "");
  if (!limit.allowed) {
    return data(
      { ok: false as const, error: "Ya recibimos varios comentarios desde este enlace. Por favor, intente de nuevo más tarde.", text: typeof text === "string" ? text : "", reviewLink: null },
      { status: 429, headers: { "Retry-After": String(limit.retryAfterSeconds) } },
    );
  }
  const result = await submitFeedback(context.em, feedbackOptions(), params.token ?? "", typeof text === "string" ? text : "", new Date());
  if (result.state === "not_found") notFound();
  if (result.state === "expired") return data({ ok: false as const, error: "Este enlace ya expiró.", text: "", reviewLink: null }, { status: 410 });
  if (result.state === "invalid") return data({ ok: false as const, error: result.error, text: typeof text === "string" ? text : "", reviewLink: null }, { status: 400 });
  logger.info({ requestId: context.requestId }, "private feedback received");
  return { ok: true as const, error: null, text: "", reviewLink: result.page.reviewLink };
}

export default function FeedbackPage() {
  const { expired, page, maxLength } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  if (expired || !page) return <ExpiredLink />;
  if (result?.ok) {
    return (
      <main className="page narrow public">
        <h1>¡Gracias por contarnos!</h1>
        <p role="status">El equipo de {page.practiceName} leerá su comentario y, si hace falta, se pondrá en contacto con usted.</p>
        {result.reviewLink ? (
          <p>
            Si además quiere compartir su experiencia públicamente, puede{" "}
            <a href={result.reviewLink} rel="noopener">
              dejar una reseña en Google
            </a>
            .
          </p>
        ) : null}
      </main>
    );
  }
  const error = result?.error ?? null;
  return (
    <main className="page narrow public">
      <h1>Cuéntenos qué pasó</h1>
      <p>
        {page.firstName ? `${page.firstName}, l` : "L"}amentamos que su visita a {page.practiceName} no haya sido la esperada. Su comentario llega directamente al
        equipo del consultorio y no se publica.
      </p>
      {page.submitted ? <p className="muted">Ya recibimos un comentario suyo; puede añadir más si lo desea.</p> : null}
      <Form method="post" className="card" noValidate>
        <CsrfInput />
        <div className="field">
          <label htmlFor="feedback-text">Su comentario</label>
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
          Enviar comentario
        </button>
      </Form>
      {page.reviewLink ? (
        <p className="muted">
          También puede <a href={page.reviewLink}>dejar una reseña pública en Google</a>.
        </p>
      ) : null}
    </main>
  );
}
