import { Migration } from '@mikro-orm/migrations';

export class Migration20261206042423 extends Migration {

  override name = 'Migration20261206042423';

  override up(): void | Promise<void> {
    this.addSql(`alter table "practices" add "google_review_url" text null;`);
    this.addSql(`alter table "practices" add constraint "practices_google_review_url_check" check (google_review_url is null or (google_place_id is null and google_review_url ~ '^https://g\\.page/r/[A-Za-z0-9_-]{6,200}/review\$'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "practices" drop constraint "practices_google_review_url_check";`);
    this.addSql(`alter table "practices" drop column "google_review_url";`);
  }

}
