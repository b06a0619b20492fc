// A page that stands in for the one asked for (an error, an invalid link): what happened, and one
// way on. Never a stack trace.
import type { ReactNode } from "react";

export function ErrorPage({ title, detail, way }: { title: string; detail: string; way: ReactNode }) {
  return (
    <main className="page narrow">
      <h1>{title}</h1>
      <p>{detail}</p>
      <p>{way}</p>
    </main>
  );
}
