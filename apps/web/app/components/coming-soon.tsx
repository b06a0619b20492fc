// Empty state for sections that are not available yet: says so plainly and offers a way on.
import { Link } from "@remix-run/react";
import { useT } from "../i18n.ts";

export function ComingSoon({ title, description }: { title: string; description: string }) {
  const t = useT();
  return (
    <>
      <h1>{title}</h1>
      <section className="card empty-state" data-testid="coming-soon">
        <h2>{t("Próximamente", "Coming soon")}</h2>
        <p>{description}</p>
        <p>
          <Link to="/">{t("Volver al inicio", "Back to home")}</Link>
        </p>
      </section>
    </>
  );
}
