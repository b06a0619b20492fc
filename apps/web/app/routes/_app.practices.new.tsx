// New practice (owners). Sign-up sends new owners here first (?welcome=1).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { useActionData, useSearchParams } from "@remix-run/react";
import { createPractice } from "@rm/accounts";
import { formFailure, formObject } from "../.server/forms.server.ts";
import { actorOf, requireUser } from "../.server/staff.server.ts";
import { fieldTexts, formText } from "../components/forms.tsx";
import { PracticeForm } from "../components/practice-form.tsx";
import { useMsg } from "../i18n.ts";
import { ROLES } from "../nav.ts";

export const meta: MetaFunction = () => [{ title: "Nuevo consultorio · Reputation Manager" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(request, context, { roles: ROLES.OWNER });
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.OWNER });
  const form = await request.formData();
  try {
    await createPractice(staff.em, actorOf(staff), formObject(form));
  } catch (error) {
    return formFailure(error, form);
  }
  throw redirect("/practices?notice=saved");
}

export default function NewPractice() {
  const failure = useActionData<typeof action>();
  const [params] = useSearchParams();
  const msg = useMsg();
  return (
    <>
      <h1>{msg("practices.new")}</h1>
      {params.get("welcome") ? (
        <p className="notice" role="status">
          {msg("practices.welcome")}
        </p>
      ) : null}
      {params.get("noCredits") ? (
        <p className="notice" role="status">
          {msg("signup.welcome.noCredits")}
        </p>
      ) : null}
      <section className="card">
        <PracticeForm values={failure?.values ?? {}} errors={fieldTexts(failure)} formError={formText(failure)} submitLabel={msg("practices.create")} />
      </section>
    </>
  );
}
