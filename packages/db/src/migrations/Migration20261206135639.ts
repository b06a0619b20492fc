import { Migration } from '@mikro-orm/migrations';

/**
 * Own-account WhatsApp templates number their variables without gaps (decision 039): each template
 * keeps its variable names in number order, and the account keeps them per approved Content SID for
 * the send path. Existing rows stay null / absent: they were numbered by the fixed order.
 */
export class Migration20261206135639 extends Migration {

  override name = 'Migration20261206135639';

  override up(): void | Promise<void> {
    this.addSql(`alter table "whatsapp_templates" add "variables" jsonb null;`);

    this.addSql(`alter table "twilio_accounts" add "whatsapp_content_variables" jsonb not null default '{}';`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "twilio_accounts" drop column "whatsapp_content_variables";`);

    this.addSql(`alter table "whatsapp_templates" drop column "variables";`);
  }

}
