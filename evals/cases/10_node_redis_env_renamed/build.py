"""Case 10: workers cannot reach Redis after the manifest renamed REDIS_URL; the client falls back to localhost."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
import fixtures  # noqa: E402
from fixtures import Log, at, history, line_of  # noqa: E402

REDIS = '''"use strict";

const { createClient } = require("redis");

function createRedisClient() {
  const url = process.env.REDIS_URL || "redis://127.0.0.1:6379";
  const client = createClient({ url });
  client.on("error", (err) => console.error(JSON.stringify({ level: "error", msg: "redis error", err: String(err) })));
  return client;
}

module.exports = { createRedisClient };
'''

WORKER = '''"use strict";

const { createRedisClient } = require("./cache/redis");

async function main() {
  const redis = createRedisClient();
  await redis.connect();
  // ... consume checkout jobs
}

main();
'''

MANIFEST_V1 = '''apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkout-worker
spec:
  replicas: 4
  template:
    spec:
      containers:
        - name: worker
          image: registry.internal/checkout-worker:{version}
          env:
            - name: REDIS_URL
              valueFrom:
                secretKeyRef: {{name: checkout-redis, key: url}}
            - name: NODE_ENV
              value: production
'''
MANIFEST_V2 = MANIFEST_V1.replace("- name: REDIS_URL", "- name: CACHE_REDIS_URL")


def trace() -> str:
    return ("Error: connect ECONNREFUSED 127.0.0.1:6379\n"
            "    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1607:16)")


def build(dest: Path) -> None:
    history(dest, [
        ("Ines Carvalho", "2026-09-01T10:00:00+00:00", "Checkout worker with a Redis job cache",
         {"src/cache/redis.js": REDIS, "src/worker.js": WORKER,
          "deploy/k8s/worker.yaml": MANIFEST_V1.format(version="5.3.0")}),
        ("Sam Whitfield", "2026-09-14T09:50:00+00:00", "Rename REDIS_URL to CACHE_REDIS_URL per the platform env conventions",
         {"deploy/k8s/worker.yaml": MANIFEST_V2.format(version="5.3.0")}),
        ("Ines Carvalho", "2026-09-14T10:25:00+00:00", "Deploy checkout-worker 5.4.0",
         {"deploy/k8s/worker.yaml": MANIFEST_V2.format(version="5.4.0")}),
    ])
    line = line_of(REDIS, "redis://127.0.0.1:6379")
    assert line
    log = Log()
    log.json(at("2026-09-14T10:30:11"), "INFO", "checkout-worker 5.4.0 starting", pod="checkout-worker-7c9d-x2k4l",
             version="5.4.0")
    for n in range(70):
        ts = at("2026-09-14T10:10:00") + (at("2026-09-14T10:10:30") - at("2026-09-14T10:10:00")) * n
        pod = f"checkout-worker-{'5b1a' if ts < at('2026-09-14T10:30:11') else '7c9d'}-{n % 4}"
        if ts < at("2026-09-14T10:30:11"):
            log.json(ts, "INFO", "job done", pod=pod, job=f"chk-{n:05d}", ms=80 + n % 30)
        else:
            log.json(ts, "ERROR", "redis error", pod=pod, err={"code": "ECONNREFUSED", "stack": trace()})
    log.save(dest, "logs/worker.jsonl")


if __name__ == "__main__":
    fixtures.cli(build)
