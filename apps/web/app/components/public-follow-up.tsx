// Pieces of the public patient pages: the follow-up shown after a one-tap rating, and the page for
// an expired link.
import type { FollowUpView } from "@rm/messaging";

export function FollowUp({ followUp }: { followUp: FollowUpView }) {
  if (followUp.kind === "happy") {
    return (
      <section aria-labelledby="follow-up-title" className="card">
        <h2 id="follow-up-title">¡Nos alegra mucho!</h2>
        {followUp.reviewLink ? (
          <>
            <p>¿Le gustaría compartir su experiencia en Google? Ayuda a otros pacientes a encontrarnos.</p>
            <p>
              <a className="button-link" href={followUp.reviewLink}>
                Dejar una reseña en Google
              </a>
            </p>
          </>
        ) : (
          <p>Gracias por su tiempo.</p>
        )}
      </section>
    );
  }
  return (
    <section aria-labelledby="follow-up-title" className="card">
      <h2 id="follow-up-title">Lamentamos que su experiencia no haya sido la esperada</h2>
      {followUp.feedbackLink ? (
        <p>
          <a className="button-link" href={followUp.feedbackLink}>
            Contarnos qué salió mal
          </a>
        </p>
      ) : null}
      {followUp.reviewLink ? (
        <p className="muted">
          Si lo prefiere, también puede <a href={followUp.reviewLink}>dejar una reseña pública en Google</a>.
        </p>
      ) : null}
    </section>
  );
}

export function ExpiredLink() {
  return (
    <main className="page narrow public">
      <h1>Este enlace ya expiró</h1>
      <p>Por su seguridad, los enlaces de calificación vencen después de un tiempo. Si desea contarnos algo, responda al mensaje que recibió.</p>
    </main>
  );
}
