import { Migration } from '@mikro-orm/migrations';

export class Migration20261206110902 extends Migration {

  override name = 'Migration20261206110902';

  override up(): void | Promise<void> {
    this.addSql(`alter table "webhook_deliveries" drop constraint "webhook_deliveries_endpoint_event_uq";`);
    this.addSql(`alter table "webhook_deliveries" add constraint "webhook_deliveries_endpoint_event_uq" unique ("workspace_id", "endpoint_id", "event_id");`);

    this.addSql(`alter table "conversation_reads" drop constraint "conversation_reads_conversation_user_uq";`);
    this.addSql(`alter table "conversation_reads" add constraint "conversation_reads_conversation_user_uq" unique ("workspace_id", "conversation_id", "user_id");`);

    this.addSql(`alter table "api_idempotency_keys" drop constraint "api_idempotency_keys_key_uq";`);
    this.addSql(`alter table "api_idempotency_keys" add constraint "api_idempotency_keys_key_uq" unique ("workspace_id", "api_key_id", "key");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "api_idempotency_keys" drop constraint "api_idempotency_keys_key_uq";`);
    this.addSql(`alter table "api_idempotency_keys" add constraint "api_idempotency_keys_key_uq" unique ("api_key_id", "key");`);

    this.addSql(`alter table "conversation_reads" drop constraint "conversation_reads_conversation_user_uq";`);
    this.addSql(`alter table "conversation_reads" add constraint "conversation_reads_conversation_user_uq" unique ("conversation_id", "user_id");`);

    this.addSql(`alter table "webhook_deliveries" drop constraint "webhook_deliveries_endpoint_event_uq";`);
    this.addSql(`alter table "webhook_deliveries" add constraint "webhook_deliveries_endpoint_event_uq" unique ("endpoint_id", "event_id");`);
  }

}
