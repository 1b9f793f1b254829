"""The input formats `fivewhys ci` knows (kept apart so the CLI can name them without loading parsers)."""

FORMATS = ("junit", "nunit", "xunit", "trx", "gojson", "gotext", "tap", "jest", "mocha", "ctrf",
           "rspec", "dart", "log")
