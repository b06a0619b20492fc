// /r/:token — the tracked review link (SPEC §5.9): records the click once per token (link-preview
// bots excluded) and redirects (302) to the practice's Google review page. Nothing else changes.
import type { HeadersFunction, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { isbot } from "isbot";
import { createMsg } from "@rm/catalogue";
import { reviewRedirect } from "@rm/messaging";
import { logger } from "../.server/logger.server.ts";
import { notFound, PRIVATE_HEADERS } from "../.server/public-pages.server.ts";
import publicStyles from "../components/public-pages.css?url";
import { ExpiredLink } from "../components/public-follow-up.tsx";

// In the patient's language (the appointment's; SPEC §5.9), texts from the catalogue.
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: createMsg(data?.language ?? "es")("public.review.title") }, { name: "robots", content: "noindex" }];
export const links: LinksFunction = () => [{ rel: "stylesheet", href: publicStyles }];
export const headers: HeadersFunction = () => PRIVATE_HEADERS;

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const userAgent = request.headers.get("user-agent");
  // Only a real visit counts: bots (link previews) and HEAD probes are redirected without a click.
  const bot = request.method !== "GET" || isbot(userAgent);
  const result = await reviewRedirect(context.em, params.token ?? "", { userAgent, bot }, new Date());
  if (result.state === "not_found") notFound();
  if (result.state === "expired") return data({ expired: true, language: result.language }, { status: 410, headers: PRIVATE_HEADERS });
  if (!result.url) return data({ expired: false, language: result.language }, { status: 404, headers: PRIVATE_HEADERS });
  if (result.counted) logger.info({ requestId: context.requestId }, "review link clicked");
  throw redirect(result.url, { status: 302, headers: PRIVATE_HEADERS });
}

export default function ReviewLinkPage() {
  const { expired, language } = useLoaderData<typeof loader>();
  if (expired) return <ExpiredLink language={language} />;
  const msg = createMsg(language);
  return (
    <main className="page narrow public" lang={language}>
      <h1>{msg("public.review.unavailableTitle")}</h1>
      <p>{msg("public.review.unavailableBody")}</p>
    </main>
  );
}
