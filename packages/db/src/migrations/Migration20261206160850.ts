import { Migration } from '@mikro-orm/migrations';
// The phone search's trigram index moves to the digits after the "+" (substr(phone, 2)): on the
// column itself it also served `phone = …`, and lists of phones were looked up through it (decision 041).

export class Migration20261206160850 extends Migration {

  override name = 'Migration20261206160850';

  override up(): void | Promise<void> {
    this.addSql(`drop index "contacts_phone_trgm_idx";`);
    this.addSql(`create index "contacts_digits_trgm_idx" on "contacts" using gin ((substr("phone", 2)) gin_trgm_ops);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "contacts_digits_trgm_idx";`);
    this.addSql(`create index "contacts_phone_trgm_idx" on "contacts" using gin ("phone" gin_trgm_ops);`);
  }

}
