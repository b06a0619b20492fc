// Edit a practice (owners; doctors see it read-only). Another tenant's id answers 404.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { findPractice, updatePractice } from "@rm/accounts";
import { reviewInputOf } from "@rm/domain";
import { formFailure, formObject } from "../.server/forms.server.ts";
import { actorOf, notFound, requireUser } from "../.server/staff.server.ts";
import { fieldTexts, formText } from "../components/forms.tsx";
import { PracticeForm } from "../components/practice-form.tsx";
import { useMsg } from "../i18n.ts";
import { ROLES } from "../nav.ts";

export const meta: MetaFunction = () => [{ title: "Consultorio · Reputation Manager" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.STAFF });
  const p = (await findPractice(staff.em, params.id)) ?? notFound();
  return {
    canEdit: staff.user.role === "OWNER",
    practice: {
      id: p.id,
      name: p.name,
      address: p.address ?? null,
      city: p.city ?? null,
      country: p.country,
      timezone: p.timezone,
      googleReview: reviewInputOf(p),
      staffAlertPhone: p.staffAlertPhone ?? null,
    },
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.STAFF });
  const practice = (await findPractice(staff.em, params.id)) ?? notFound();
  const form = await request.formData();
  try {
    await updatePractice(staff.em, actorOf(staff), practice, formObject(form));
  } catch (error) {
    return formFailure(error, form);
  }
  throw redirect("/practices?notice=saved");
}

export default function EditPractice() {
  const { practice, canEdit } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const msg = useMsg();
  return (
    <>
      <h1>{practice.name}</h1>
      {canEdit ? (
        <p>
          <Link to={`/practices/${practice.id}/knowledge`}>{msg("assistant.page.link")}</Link>
        </p>
      ) : null}
      <section className="card">
        <PracticeForm
          values={failure?.values ?? practice}
          errors={fieldTexts(failure)}
          formError={formText(failure)}
          submitLabel={msg("practices.saveChanges")}
          readOnly={!canEdit}
        />
      </section>
    </>
  );
}
