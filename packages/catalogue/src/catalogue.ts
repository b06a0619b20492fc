// Every text staff and patients see, by code (decision 010). One file per area under messages/;
// codes start with the area's name. Code that shows a text calls `msg(code, params)`, never an inline
// Spanish/English pair (lint: `catalogue/no-inline-pairs`).
import { billing } from "./messages/billing.ts";
import { consent } from "./messages/consent.ts";
import { conversations } from "./messages/conversations.ts";
import { imports } from "./messages/imports.ts";
import { links } from "./messages/links.ts";
import { publicPages } from "./messages/public-pages.ts";
import { security } from "./messages/security.ts";
import { ownSender } from "./messages/own-sender.ts";
import { sending } from "./messages/sending.ts";
import { settings } from "./messages/settings.ts";
import { timeline } from "./messages/timeline.ts";
import { upload } from "./messages/upload.ts";

export const catalogue = { ...billing, ...consent, ...conversations, ...imports, ...links, ...ownSender, ...publicPages, ...security, ...sending, ...settings, ...timeline, ...upload };

export type Catalogue = typeof catalogue;
export type MessageCode = keyof Catalogue;
