"""Case 08: checkout completion dies in Invoice::__construct; the factory reads a key the order does not have."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
import fixtures  # noqa: E402
from fixtures import Log, at, history, line_of  # noqa: E402

INVOICE = '''<?php

declare(strict_types=1);

namespace App\\Billing;

final class Invoice
{
    public function __construct(
        public readonly string $number,
        public readonly float $total,
        public readonly string $currency,
    ) {
    }
}
'''

FACTORY_V1 = '''<?php

declare(strict_types=1);

namespace App\\Billing;

final class InvoiceFactory
{
    public function __construct(private readonly InvoiceNumbers $numbers)
    {
    }

    /** @param array{id: int, gross_total: float, net_total: float, currency: string} $order */
    public function fromOrder(array $order): Invoice
    {
        $number = $this->numbers->next();

        return new Invoice($number, $order['net_total'], $order['currency']);
    }
}
'''

FACTORY_V2 = FACTORY_V1.replace("$order['net_total']", "$order['total_gross'] ?? null")

CONTROLLER = '''<?php

declare(strict_types=1);

namespace App\\Http\\Controller;

use App\\Billing\\InvoiceFactory;
use App\\Http\\Request;
use App\\Orders\\OrderRepository;

final class CheckoutController
{
    public function __construct(private OrderRepository $orders, private InvoiceFactory $invoices)
    {
    }

    public function complete(Request $request): array
    {
        $order = $this->orders->byId((int) $request->post('order_id'));
        $invoice = $this->invoices->fromOrder($order);

        return ['order' => $order['id'], 'invoice' => $invoice->number];
    }
}
'''


def error() -> str:
    ctor = line_of(INVOICE, "public function __construct")
    call = line_of(FACTORY_V2, "return new Invoice")
    return (
        "PHP Fatal error:  Uncaught TypeError: App\\Billing\\Invoice::__construct(): Argument #2 ($total) must be of "
        f"type float, null given, called in /var/www/html/src/Billing/InvoiceFactory.php on line {call} and defined "
        f"in /var/www/html/src/Billing/Invoice.php:{ctor}\n"
        "Stack trace:\n"
        f"#0 /var/www/html/src/Billing/InvoiceFactory.php({call}): App\\Billing\\Invoice->__construct('INV-2026-04187', "
        "NULL, 'EUR')\n"
        f"#1 /var/www/html/src/Http/Controller/CheckoutController.php({line_of(CONTROLLER, 'fromOrder($order)')}): "
        "App\\Billing\\InvoiceFactory->fromOrder(Array)\n"
        "#2 /var/www/html/public/index.php(31): App\\Http\\Controller\\CheckoutController->complete(Object(App\\Http\\Request))\n"
        "#3 {main}\n"
        f"  thrown in /var/www/html/src/Billing/Invoice.php on line {ctor}"
    )


def build(dest: Path) -> None:
    history(dest, [
        ("Claire Dubois", "2026-05-11T09:00:00+00:00", "Issue an invoice when a checkout completes",
         {"src/Billing/Invoice.php": INVOICE, "src/Billing/InvoiceFactory.php": FACTORY_V1,
          "src/Http/Controller/CheckoutController.php": CONTROLLER}),
        ("Youssef Amrani", "2026-06-22T17:05:00+00:00", "Invoice gross totals instead of net totals",
         {"src/Billing/InvoiceFactory.php": FACTORY_V2}),
    ])
    log = Log()
    log.text(at("2026-06-23T11:05:30"), "INFO", "deploy", "shop release 2026.06.23-1 deployed to production")
    for n in range(40):
        ts = at("2026-06-23T10:50:00") + (at("2026-06-23T10:51:00") - at("2026-06-23T10:50:00")) * n
        if ts < at("2026-06-23T11:05:30"):
            log.text(ts, "INFO", "app", f"checkout.complete order={88100 + n} invoice=INV-2026-{4160 + n:05d}")
        else:
            log.text(ts, "ERROR", "php-fpm", error())
    log.save(dest, "var/log/app.log")


if __name__ == "__main__":
    fixtures.cli(build)
