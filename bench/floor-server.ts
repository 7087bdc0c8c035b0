import http from "node:http";
import { Pool } from "pg";

/*
 * The floor of `npm run bench`: the durable write of scenario 1 with nothing else — raw pg,
 * named prepared statements, one transaction (upsert the conversation, insert the message), no
 * GraphQL, no ORM, no validation, no auth, no job. Parley / floor is the figure that matters.
 *   DATABASE_URL=… PORT=… ACCOUNT_ID=… AGENT_NUMBER_ID=… AGENT_NUMBER=… ts-node bench/floor-server.ts
 */
const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const { ACCOUNT_ID, AGENT_NUMBER_ID, AGENT_NUMBER } = process.env;

const UPSERT = `INSERT INTO sms_conversation AS c (id, account_id, agent_number_id, agent_number, user_number, status)
  VALUES (gen_random_uuid(), $1, $2, $3, $4, 'ACTIVE')
  ON CONFLICT (account_id, agent_number_id, user_number, channel) WHERE status = 'ACTIVE' DO UPDATE SET updated_at = now()
  RETURNING id`;
const INSERT = `INSERT INTO sms_message (id, conversation_id, account_id, sender, kind, body)
  VALUES (gen_random_uuid(), $1, $2, 'USER', 'NORMAL', $3)`;

const server = http.createServer((req, res) => {
  let raw = "";
  req.setEncoding("utf8");
  req.on("data", (chunk: string) => (raw += chunk));
  req.on("end", () => void record(raw, res));
});

async function record(raw: string, res: http.ServerResponse): Promise<void> {
  const client = await pool.connect();
  try {
    const { userNumber, message } = JSON.parse(raw) as { userNumber: string; message: string };
    await client.query("BEGIN");
    const { rows } = await client.query({ name: "upsert", text: UPSERT, values: [ACCOUNT_ID, AGENT_NUMBER_ID, AGENT_NUMBER, userNumber] });
    await client.query({ name: "insert", text: INSERT, values: [rows[0].id, ACCOUNT_ID, message] });
    await client.query("COMMIT");
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ conversationId: rows[0].id }));
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    res.writeHead(500, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: String(error) }));
  } finally {
    client.release();
  }
}

server.listen(Number(process.env.PORT), "127.0.0.1", () => process.stdout.write("floor listening\n"));
process.on("SIGTERM", () => server.close(() => void pool.end().then(() => process.exit(0))));
