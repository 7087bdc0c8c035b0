import type { Pool } from "pg";

/**
 * Makes PostgreSQL refuse every message whose body is `poison`, with an error that names
 * `detail` (tests check it never reaches the caller). Returns the function that undoes it.
 */
export async function refusePoisonedMessages(db: Pool, detail = "poisoned"): Promise<() => Promise<void>> {
  await db.query(`
    CREATE OR REPLACE FUNCTION fail_poison() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.body = 'poison' THEN RAISE EXCEPTION '${detail.replaceAll("'", "''")}'; END IF;
      RETURN NEW;
    END $$;
    DROP TRIGGER IF EXISTS fail_poison ON sms_message;
    CREATE TRIGGER fail_poison BEFORE INSERT ON sms_message FOR EACH ROW EXECUTE FUNCTION fail_poison();
  `);
  return async () => {
    await db.query("DROP TRIGGER fail_poison ON sms_message");
  };
}
