"""Case 06: shipment e-mails crash on a nil ETA; the carrier client reads a field the v3 API renamed."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
import fixtures  # noqa: E402
from fixtures import Log, at, history, line_of  # noqa: E402

NOTIFIER = '''class ShipmentNotifier
  def initialize(shipment, carrier: Carrier::Client.new)
    @shipment = shipment
    @carrier = carrier
  end

  def call
    tracking = @carrier.tracking(@shipment.tracking_number)
    ShipmentMailer.in_transit(@shipment, eta_text(tracking)).deliver_now
  end

  private

  def eta_text(tracking)
    tracking.eta.strftime("%A %-d %B")
  end
end
'''

JOB = '''class NotifyShipmentJob < ApplicationJob
  queue_as :mailers

  def perform(shipment_id)
    ShipmentNotifier.new(Shipment.find(shipment_id)).call
  end
end
'''

CLIENT_V1 = '''module Carrier
  Tracking = Struct.new(:status, :eta, keyword_init: true)

  class Client
    BASE = "https://api.parcelway.example/v2"

    def tracking(number)
      body = get("#{BASE}/tracking/#{number}")
      parse_tracking(body)
    end

    private

    def parse_tracking(body)
      eta = body["estimated_delivery"] && Date.iso8601(body["estimated_delivery"])
      Tracking.new(status: body["status"], eta: eta)
    end

    def get(url)
      JSON.parse(HTTP.auth("Bearer #{ENV.fetch("PARCELWAY_TOKEN")}").get(url).to_s)
    end
  end
end
'''

CLIENT_V2 = CLIENT_V1.replace("/v2", "/v3").replace('body["status"]', 'body["state"]')


def trace() -> str:
    return (
        "NoMethodError: undefined method `strftime' for nil:NilClass\n"
        f"/app/app/services/shipment_notifier.rb:{line_of(NOTIFIER, 'tracking.eta.strftime')}:in `eta_text'\n"
        f"/app/app/services/shipment_notifier.rb:{line_of(NOTIFIER, 'eta_text(tracking)')}:in `call'\n"
        f"/app/app/jobs/notify_shipment_job.rb:{line_of(JOB, 'ShipmentNotifier.new')}:in `perform'\n"
        "/usr/local/bundle/gems/activejob-7.1.3/lib/active_job/execution.rb:68:in `block in _perform_job'\n"
        "/usr/local/bundle/gems/activesupport-7.1.3/lib/active_support/callbacks.rb:121:in `block in run_callbacks'"
    )


def build(dest: Path) -> None:
    history(dest, [
        ("Noor Haddad", "2026-02-02T10:00:00+00:00", "Shipment in-transit e-mails",
         {"app/services/shipment_notifier.rb": NOTIFIER, "app/jobs/notify_shipment_job.rb": JOB,
          "lib/carrier/client.rb": CLIENT_V1}),
        ("Felix Wagner", "2026-03-09T15:40:00+00:00", "Switch to the Parcelway tracking API v3",
         {"lib/carrier/client.rb": CLIENT_V2}),
        ("Noor Haddad", "2026-03-10T09:00:00+00:00", "Use the long date format in shipment e-mails",
         {"app/services/shipment_notifier.rb": NOTIFIER.replace("%A %-d %B", "%A, %-d %B")}),
    ])
    log = Log()
    log.text(at("2026-03-10T10:02:40"), "INFO", "deploy", "shipping-app release v87 deployed (Switch to Parcelway v3)")
    for n in range(50):
        ts = at("2026-03-10T09:30:00") + (at("2026-03-10T09:31:30") - at("2026-03-10T09:30:00")) * n
        jid = f"{0xa3f1c0 + n:x}"
        if ts < at("2026-03-10T10:02:40"):
            log.text(ts, "INFO", "ActiveJob", f"[NotifyShipmentJob] [{jid}] Performed NotifyShipmentJob in 212ms")
        else:
            log.text(ts, "ERROR", "ActiveJob", f"[NotifyShipmentJob] [{jid}] Error performing NotifyShipmentJob "
                     f"(Job ID: {jid}) from Sidekiq(mailers) in 188ms: NoMethodError (undefined method `strftime' for "
                     "nil:NilClass):\n" + trace())
    log.save(dest, "log/production.log")


if __name__ == "__main__":
    fixtures.cli(build)
