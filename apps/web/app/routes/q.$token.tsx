// /q/:token — the one-tap rating page (SPEC §5.9): five large buttons, each a POST. GET reads only
// (link-preview bots fetch links); the follow-up is shown here and no message is sent.
import type { ActionFunctionArgs, HeadersFunction, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { loadRatingPage, parseRatingInput, rateByToken } from "@rm/messaging";
import { verifyCsrf } from "../.server/csrf.server.ts";
import { logger } from "../.server/logger.server.ts";
import { feedbackOptions, notFound, PRIVATE_HEADERS } from "../.server/public-pages.server.ts";
import { getSession } from "../.server/session.server.ts";
import { CsrfInput, FormError } from "../components/forms.tsx";
import publicStyles from "../components/public-pages.css?url";
import { ExpiredLink, FollowUp } from "../components/public-follow-up.tsx";

export const meta: MetaFunction = () => [{ title: "Califique su visita" }, { name: "robots", content: "noindex" }];
export const links: LinksFunction = () => [{ rel: "stylesheet", href: publicStyles }];
export const headers: HeadersFunction = () => PRIVATE_HEADERS;

export async function loader({ params, context }: LoaderFunctionArgs) {
  const result = await loadRatingPage(context.em, feedbackOptions(), params.token ?? "", new Date());
  if (result.state === "not_found") notFound();
  if (result.state === "expired") return data({ expired: true as const, page: null }, { status: 410 });
  return { expired: false as const, page: result.page };
}

const LABELS = ["Muy mala", "Mala", "Regular", "Buena", "Excelente"] as const;

export async function action({ request, params, context }: ActionFunctionArgs) {
  await verifyCsrf(request, await getSession(request));
  const form = await request.formData();
  const rating = parseRatingInput(form.get("rating"));
  if (rating === null) return data({ error: "Elija una calificación del 1 al 5." }, { status: 400 });
  const result = await rateByToken(context.em, feedbackOptions(), params.token ?? "", rating, new Date());
  if (result.state === "not_found") notFound();
  if (result.state === "expired") return data({ error: "Este enlace ya expiró." }, { status: 410 });
  logger.info({ requestId: context.requestId, rating, alerted: result.outcome.alerted }, "one-tap rating");
  // Post/redirect/get: the page now shows the follow-up for the stored rating.
  throw redirect(`/q/${encodeURIComponent(params.token ?? "")}`, { status: 303 });
}

export default function RatingPage() {
  const { expired, page } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const navigation = useNavigation();
  if (expired || !page) return <ExpiredLink />;
  const busy = navigation.state === "submitting";
  return (
    <main className="page narrow public">
      <h1>{page.practiceName}</h1>
      {page.followUp ? (
        <>
          <p role="status">
            ¡Gracias{page.firstName ? `, ${page.firstName}` : ""}! Registramos su calificación: {page.rating} de 5.
          </p>
          <FollowUp followUp={page.followUp} />
          <details className="change-rating">
            <summary>Cambiar mi calificación</summary>
            <RatingForm busy={busy} current={page.rating} />
          </details>
        </>
      ) : (
        <>
          <p>
            Hola{page.firstName ? ` ${page.firstName}` : ""}, ¿cómo calificaría su visita{page.doctorName ? ` con ${page.doctorName}` : ""}?
          </p>
          <FormError message={failure?.error} />
          <RatingForm busy={busy} current={null} />
        </>
      )}
    </main>
  );
}

function RatingForm({ busy, current }: { busy: boolean; current: number | null }) {
  return (
    <Form method="post" className="rating-form" aria-label="Calificación de 1 a 5">
      <CsrfInput />
      <fieldset disabled={busy}>
        <legend className="visually-hidden">Elija de 1 (muy mala) a 5 (excelente)</legend>
        <div className="rating-buttons">
          {LABELS.map((label, i) => (
            <button key={label} type="submit" name="rating" value={String(i + 1)} className="rating-button" aria-pressed={current === i + 1}>
              <span className="rating-number">{i + 1}</span>
              <span className="visually-hidden"> de 5:</span> <span className="rating-label">{label}</span>
            </button>
          ))}
        </div>
      </fieldset>
    </Form>
  );
}
