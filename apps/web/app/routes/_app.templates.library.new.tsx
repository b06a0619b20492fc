// A new library text: checked before anything is saved (variables, length, WhatsApp's rules); a
// refused save shows each problem next to its field with everything typed still there.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { createLibraryEntry } from "@rm/accounts";
import { formFailure, formObject } from "../.server/forms.server.ts";
import { categoryCredits } from "../.server/library.server.ts";
import { actorOf, requireUser } from "../.server/staff.server.ts";
import { CsrfInput, fieldTexts, FormError, formText } from "../components/forms.tsx";
import { EntryFields, type EntryValues } from "../components/library-entry.tsx";
import { useMsg } from "../i18n.ts";
import { ROLES } from "../nav.ts";

export const meta: MetaFunction = () => [{ title: "Nuevo texto · Reputation Manager" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(request, context, { roles: ROLES.DRAFTING });
  return { rates: categoryCredits() };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.DRAFTING });
  const form = await request.formData();
  try {
    const entry = await createLibraryEntry(staff.em, actorOf(staff), { ...formObject(form), language: staff.workspace.defaultLanguage ?? "es" });
    throw redirect(`/templates/library/${entry.id}?notice=created`);
  } catch (error) {
    if (error instanceof Response) throw error;
    return formFailure(error, form);
  }
}

const EMPTY: EntryValues = { name: "", objective: "", body: "", category: "MARKETING", forWhatsapp: "on" };

export default function NewLibraryEntry() {
  const { rates } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const msg = useMsg();
  const values: EntryValues = failure ? { ...EMPTY, forWhatsapp: "", ...failure.values } : EMPTY;
  return (
    <>
      <p>
        <Link to="/templates/library">{msg("library.back")}</Link>
      </p>
      <h1>{msg("library.newTitle")}</h1>
      <Form method="post" noValidate className="card" id="library-form">
        <CsrfInput />
        <FormError message={formText(failure)} />
        <EntryFields values={values} errors={fieldTexts(failure)} rates={rates} />
        <div className="buttons">
          <button type="submit">{msg("library.create")}</button>
        </div>
      </Form>
    </>
  );
}
