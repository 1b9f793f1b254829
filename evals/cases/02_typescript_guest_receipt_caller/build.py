"""Case 02: receipt e-mails crash for guest checkouts; the handler looks customers up by a field guests lack."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
import fixtures  # noqa: E402
from fixtures import Log, at, history, line_of  # noqa: E402

RECEIPT = '''import type { Customer } from "../customers/repo";
import type { Order } from "../orders/types";

export interface Email { to: string; subject: string; body: string }

export function buildReceiptEmail(order: Order, customer: Customer): Email {
  const lines = order.items.map((i) => `${i.qty} x ${i.name}`).join("\\n");
  return {
    to: customer.email,
    subject: `Your receipt for order ${order.id}`,
    body: `Hi ${customer.firstName},\\n\\n${lines}\\n\\nTotal: ${order.total}`,
  };
}
'''

HANDLER_V1 = '''import { buildReceiptEmail } from "../email/receipt";
import { send } from "../email/smtp";
import { loadCustomer } from "../customers/repo";
import type { OrderPaidMessage } from "../orders/types";

export async function handleOrderPaid(msg: OrderPaidMessage): Promise<void> {
  // guest checkouts have a customer record too (created at checkout), but no account
  const customer = await loadCustomer(msg.customerId);
  const email = buildReceiptEmail(msg.order, customer!);
  await send(email);
}
'''

HANDLER_V2 = HANDLER_V1.replace("loadCustomer(msg.customerId)", "loadCustomer(msg.accountId)")

REPO = '''import { db } from "../db";

export interface Customer { id: string; email: string; firstName: string }

/** The customer with this id, or undefined when there is none. */
export async function loadCustomer(id: string | undefined): Promise<Customer | undefined> {
  if (!id) return undefined;
  const row = await db.oneOrNone("select id, email, first_name from customers where id = $1", [id]);
  return row ? { id: row.id, email: row.email, firstName: row.first_name } : undefined;
}
'''

TYPES_V1 = '''export interface Order { id: string; items: { name: string; qty: number }[]; total: string }

export interface OrderPaidMessage {
  order: Order;
  customerId: string;
}
'''

TYPES_V2 = TYPES_V1.replace("  customerId: string;\n", "  customerId: string;\n  /** Set for signed-in customers only. */\n  accountId?: string;\n")

CONSUMER = '''import { handleOrderPaid } from "./handlers/orderPaid";
import { subscribe } from "./queue";

subscribe("order.paid", async (raw) => {
  await handleOrderPaid(JSON.parse(raw));
});
'''


def trace() -> str:
    return (
        "TypeError: Cannot read properties of undefined (reading 'email')\n"
        f"    at buildReceiptEmail (/app/src/email/receipt.ts:{line_of(RECEIPT, 'customer.email')}:19)\n"
        f"    at handleOrderPaid (/app/src/handlers/orderPaid.ts:{line_of(HANDLER_V2, 'buildReceiptEmail(')}:17)\n"
        "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)\n"
        f"    at async /app/src/consumer.ts:{line_of(CONSUMER, 'await handleOrderPaid')}:3"
    )


def build(dest: Path) -> None:
    repo = history(dest, [
        ("Kofi Mensah", "2026-03-02T10:00:00+00:00", "Receipt e-mails for paid orders",
         {"package.json": '{"name": "notifications", "version": "1.8.0"}\n', "src/email/receipt.ts": RECEIPT,
          "src/handlers/orderPaid.ts": HANDLER_V1, "src/customers/repo.ts": REPO, "src/orders/types.ts": TYPES_V1,
          "src/consumer.ts": CONSUMER}),
        ("Lena Vogel", "2026-04-14T13:30:00+00:00", "Add accountId to the order.paid message type",
         {"src/orders/types.ts": TYPES_V2}),
        ("Lena Vogel", "2026-04-15T09:45:00+00:00", "Look up the receipt's customer by account id",
         {"src/handlers/orderPaid.ts": HANDLER_V2}),
        ("Kofi Mensah", "2026-04-15T11:10:00+00:00", "Release 1.9.0", {"package.json": '{"name": "notifications", "version": "1.9.0"}\n'}),
    ])
    repo.tag("v1.9.0", "2026-04-15T11:12:00+00:00")
    log = Log()
    log.json(at("2026-04-15T11:30:02"), "INFO", "notifications v1.9.0 started, consuming order.paid",
             version="1.9.0")
    for n in range(80):
        ts = at("2026-04-15T11:00:00") + (at("2026-04-15T11:00:40") - at("2026-04-15T11:00:00")) * n
        version = "1.9.0" if ts > at("2026-04-15T11:30:02") else "1.8.0"
        guest = n % 4 == 1
        base = {"version": version, "orderId": f"ord_{7000 + n}", "guest": guest}
        if version == "1.9.0" and guest:
            log.json(ts, "ERROR", "order.paid handler failed; message sent to the dead-letter queue", **base,
                     err={"type": "TypeError", "message": "Cannot read properties of undefined (reading 'email')",
                          "stack": trace()})
        else:
            log.json(ts, "INFO", "receipt sent", **base)
    log.save(dest, "logs/notifications.jsonl")


if __name__ == "__main__":
    fixtures.cli(build)
