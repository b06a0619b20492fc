// Every text staff and patients see, by code (decision 010). One file per area under messages/;
// codes start with the area's name. Code that shows a text calls `msg(code, params)`, never an inline
// Spanish/English pair (lint: `catalogue/no-inline-pairs`).
import { account } from "./messages/account.ts";
import { accounts } from "./messages/accounts.ts";
import { aiDrafts } from "./messages/ai-drafts.ts";
import { analytics } from "./messages/analytics.ts";
import { api } from "./messages/api.ts";
import { app } from "./messages/app.ts";
import { assistant } from "./messages/assistant.ts";
import { audit } from "./messages/audit.ts";
import { auth } from "./messages/auth.ts";
import { billing } from "./messages/billing.ts";
import { broadcast } from "./messages/broadcast.ts";
import { campaign } from "./messages/campaign.ts";
import { campaigns } from "./messages/campaigns.ts";
import { consent } from "./messages/consent.ts";
import { contacts } from "./messages/contacts.ts";
import { draft } from "./messages/draft.ts";
import { conversations } from "./messages/conversations.ts";
import { home } from "./messages/home.ts";
import { imports } from "./messages/imports.ts";
import { library } from "./messages/library.ts";
import { inbox } from "./messages/inbox.ts";
import { leads } from "./messages/leads.ts";
import { links } from "./messages/links.ts";
import { publicPages } from "./messages/public-pages.ts";
import { security } from "./messages/security.ts";
import { ownSender } from "./messages/own-sender.ts";
import { practices } from "./messages/practices.ts";
import { sendOne } from "./messages/send-one.ts";
import { sending } from "./messages/sending.ts";
import { signup } from "./messages/signup.ts";
import { settings } from "./messages/settings.ts";
import { templates } from "./messages/templates.ts";
import { timeline } from "./messages/timeline.ts";
import { upload } from "./messages/upload.ts";
import { users } from "./messages/users.ts";
import { whatsappTemplates } from "./messages/whatsapp-templates.ts";
import { widget } from "./messages/widget.ts";

export const catalogue = { ...account, ...accounts, ...aiDrafts, ...analytics, ...api, ...app, ...assistant, ...audit, ...auth, ...billing, ...broadcast, ...campaign, ...campaigns, ...consent, ...contacts, ...conversations, ...draft, ...home, ...imports, ...inbox, ...leads, ...library, ...links, ...ownSender, ...practices, ...publicPages, ...security, ...sending, ...sendOne, ...settings, ...signup, ...templates, ...timeline, ...upload, ...users, ...whatsappTemplates, ...widget };

export type Catalogue = typeof catalogue;
export type MessageCode = keyof Catalogue;
