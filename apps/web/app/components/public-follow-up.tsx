// Pieces of the public patient pages: the follow-up shown after a one-tap rating, and the page for
// an expired link. In the patient's language (SPEC §5.9), texts from the catalogue.
import { createMsg, type Locale } from "@rm/catalogue";
import type { FollowUpView } from "@rm/messaging";

export function FollowUp({ followUp, language }: { followUp: FollowUpView; language: Locale }) {
  const msg = createMsg(language);
  if (followUp.kind === "happy") {
    return (
      <section aria-labelledby="follow-up-title" className="card">
        <h2 id="follow-up-title">{msg("public.happy.title")}</h2>
        {followUp.reviewLink ? (
          <>
            <p>{msg("public.happy.ask")}</p>
            <p>
              <a className="button-link" href={followUp.reviewLink}>
                {msg("public.review.button")}
              </a>
            </p>
          </>
        ) : (
          <p>{msg("public.happy.thanks")}</p>
        )}
      </section>
    );
  }
  return (
    <section aria-labelledby="follow-up-title" className="card">
      <h2 id="follow-up-title">{msg("public.unhappy.title")}</h2>
      {followUp.feedbackLink ? (
        <p>
          <a className="button-link" href={followUp.feedbackLink}>
            {msg("public.unhappy.feedback")}
          </a>
        </p>
      ) : null}
      {followUp.reviewLink ? (
        <p className="muted">
          {msg("public.review.also")} <a href={followUp.reviewLink}>{msg("public.review.publicLink")}</a>.
        </p>
      ) : null}
    </section>
  );
}

export function ExpiredLink({ language }: { language: Locale }) {
  const msg = createMsg(language);
  return (
    <main className="page narrow public" lang={language}>
      <h1>{msg("public.expired.title")}</h1>
      <p>{msg("public.expired.body")}</p>
    </main>
  );
}
