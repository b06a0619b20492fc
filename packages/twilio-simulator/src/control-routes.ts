// The simulator's own JSON control API under /_sim/*: inspect what was sent, change behaviour,
// simulate patient replies, reset between tests.
import type { IncomingMessage, ServerResponse } from "node:http";
import { readJson, sendJson } from "./http-util.ts";
import { validateInbound, type InboundResult, type InboundRequest } from "./inbound.ts";
import type { AddAccountInput, SimAccount } from "./accounts.ts";
import type { SimContent } from "./content.ts";
import type { SimulatorConfig } from "./sim-config.ts";
import type { MessageRecord, SimStore } from "./store.ts";

export interface ControlTarget {
  store(): SimStore;
  config(): SimulatorConfig;
  configure(patch: unknown): SimulatorConfig;
  reset(opts: { keepConfig?: boolean }): void;
  inbound(req: InboundRequest): Promise<InboundResult>;
  addAccount(input: AddAccountInput): SimAccount;
  accounts(): ReadonlyMap<string, SimAccount>;
  decideApproval(sid: string, status: "approved" | "rejected" | "paused", reason?: string): SimContent;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function view(r: MessageRecord) {
  return {
    sid: r.sid,
    to: r.to,
    from: r.from,
    messagingServiceSid: r.messagingServiceSid,
    channel: r.channel,
    body: r.body,
    contentSid: r.contentSid,
    contentVariables: r.contentVariables,
    buttons: r.buttons,
    statusCallback: r.statusCallback,
    status: r.status,
    numSegments: r.numSegments,
    errorCode: r.errorCode,
    dateCreated: iso(r.dateCreated),
    dateSent: iso(r.dateSent),
    callbacksDelivered: r.callbacksDelivered,
  };
}

/** `to` matches the exact address or its bare number (so "+593…" also finds "whatsapp:+593…"). */
function matchesTo(address: string, to: string): boolean {
  return address === to || address === `whatsapp:${to}`;
}

export async function handleControl(target: ControlTarget, req: IncomingMessage, res: ServerResponse, path: string, query: string): Promise<void> {
  const q = new URLSearchParams(query);
  const route = `${req.method} ${path}`;
  switch (route) {
    case "GET /_sim/messages": {
      const to = q.get("to");
      const status = q.get("status");
      const limit = Math.min(100_000, Number.parseInt(q.get("limit") ?? "", 10) || 1000);
      const all = target.store().messages.filter((r) => (!to || matchesTo(r.to, to)) && (!status || r.status === status));
      return sendJson(res, 200, { total: all.length, messages: all.slice(0, limit).map(view) });
    }
    case "GET /_sim/inbound": {
      const from = q.get("from");
      const all = target.store().inbound.filter((r) => !from || matchesTo(r.from, from));
      return sendJson(res, 200, { total: all.length, inbound: all.map((r) => ({ ...r, dateCreated: iso(r.dateCreated) })) });
    }
    case "GET /_sim/stats":
      return sendJson(res, 200, target.store().stats());
    case "GET /_sim/duplicates":
      return sendJson(res, 200, { duplicates: target.store().duplicates() });
    case "GET /_sim/config":
      return sendJson(res, 200, publicConfig(target.config()));
    case "POST /_sim/config": {
      const patch = await readJson(req, 1024 * 1024);
      let next: SimulatorConfig;
      try {
        next = target.configure(patch);
      } catch (err) {
        return sendJson(res, 400, { error: (err as Error).message });
      }
      return sendJson(res, 200, publicConfig(next));
    }
    case "POST /_sim/reset": {
      const body = (await readJson(req, 64 * 1024)) as { keepConfig?: unknown };
      target.reset({ keepConfig: body.keepConfig === true });
      return sendJson(res, 200, { ok: true });
    }
    case "POST /_sim/inbound": {
      let input: InboundRequest;
      try {
        input = validateInbound(await readJson(req, 64 * 1024));
      } catch (err) {
        if (err instanceof SyntaxError) throw err;
        return sendJson(res, 400, { error: (err as Error).message });
      }
      return sendJson(res, 200, await target.inbound(input));
    }
    case "POST /_sim/accounts": {
      // Adds an account (dev and browser tests): {sid?, authToken?, friendlyName?, numbers?, services?}.
      // Answers with its token once, like Twilio's creation answer.
      const input = (await readJson(req, 64 * 1024)) as AddAccountInput;
      try {
        const a = target.addAccount(input);
        return sendJson(res, 201, {
          sid: a.sid,
          authToken: a.authTokens[0],
          numbers: [...a.numbers.values()].map((n) => ({ sid: n.sid, phoneNumber: n.phoneNumber })),
          services: [...a.services.values()].map((s) => ({ sid: s.sid, friendlyName: s.friendlyName, numbers: s.numbers })),
        });
      } catch (err) {
        return sendJson(res, 400, { error: (err as Error).message });
      }
    }
    case "POST /_sim/content/approval": {
      // WhatsApp's decision on a submitted template (tests, demos): {sid, status: approved|rejected|paused, rejectionReason?}.
      const input = (await readJson(req, 16 * 1024)) as { sid?: unknown; status?: unknown; rejectionReason?: unknown };
      if (typeof input.sid !== "string" || (input.status !== "approved" && input.status !== "rejected" && input.status !== "paused")) {
        return sendJson(res, 400, { error: "expected {sid, status: approved|rejected|paused, rejectionReason?}" });
      }
      try {
        const c = target.decideApproval(input.sid, input.status, typeof input.rejectionReason === "string" ? input.rejectionReason : undefined);
        return sendJson(res, 200, { sid: c.sid, status: c.approval!.status, rejectionReason: c.approval!.rejectionReason });
      } catch (err) {
        return sendJson(res, 400, { error: (err as Error).message });
      }
    }
    case "GET /_sim/content": {
      const all = [...target.accounts().values()].flatMap((a) =>
        [...a.contents.values()].map((c) => ({ sid: c.sid, accountSid: c.accountSid, friendlyName: c.friendlyName, language: c.language, approval: c.approval && { name: c.approval.name, category: c.approval.category, status: c.approval.status, rejectionReason: c.approval.rejectionReason } })),
      );
      return sendJson(res, 200, { contents: all });
    }
    case "GET /_sim/accounts": {
      const all = [...target.accounts().values()].map((a) => ({
        sid: a.sid,
        ownerAccountSid: a.ownerAccountSid,
        numbers: [...a.numbers.values()].map((n) => ({ sid: n.sid, phoneNumber: n.phoneNumber, smsUrl: n.smsUrl })),
        services: [...a.services.values()].map((s) => ({ sid: s.sid, inboundRequestUrl: s.inboundRequestUrl, statusCallback: s.statusCallback })),
      }));
      return sendJson(res, 200, { accounts: all });
    }
    default:
      return sendJson(res, 404, { error: `no control route ${route}` });
  }
}

/** The config without auth tokens. */
function publicConfig(c: SimulatorConfig) {
  const { authTokens, ...rest } = c;
  return { ...rest, authTokens: authTokens.length };
}
