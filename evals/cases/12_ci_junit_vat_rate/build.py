"""Case 12: CI is red on main; three tax tests fail because vat_rate always returns the reduced rate."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
import fixtures  # noqa: E402
from fixtures import TestCase, history, junit, line_of  # noqa: E402

RATES_V1 = '''"""VAT rates by country (standard and reduced), as published by each tax authority."""

from decimal import Decimal

VAT = {
    "DE": {"standard": Decimal("0.19"), "reduced": Decimal("0.07")},
    "FR": {"standard": Decimal("0.20"), "reduced": Decimal("0.055")},
    "NL": {"standard": Decimal("0.21"), "reduced": Decimal("0.09")},
}


def vat_rate(country, category="standard"):
    """The VAT rate for a product category in a country."""
    return VAT[country]["standard"]
'''

RATES_V2 = RATES_V1.replace('''def vat_rate(country, category="standard"):
    """The VAT rate for a product category in a country."""
    return VAT[country]["standard"]''', '''REDUCED_CATEGORIES = {"food", "books", "newspapers"}


def vat_rate(country, category="standard"):
    """The VAT rate for a product category in a country: reduced for food, books and newspapers."""
    if category in REDUCED_CATEGORIES or "reduced":
        return VAT[country]["reduced"]
    return VAT[country]["standard"]''')

INVOICE = '''"""Invoice lines with VAT."""

from decimal import ROUND_HALF_UP, Decimal

from tax.rates import vat_rate


def gross(net, country, category="standard"):
    """Net amount plus VAT, rounded to the cent."""
    return (net * (1 + vat_rate(country, category))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
'''

TESTS = '''from decimal import Decimal

from tax.invoice import gross
from tax.rates import vat_rate


def test_standard_rate_de():
    assert vat_rate("DE") == Decimal("0.19")


def test_standard_rate_fr():
    assert vat_rate("FR") == Decimal("0.20")


def test_reduced_rate_books_nl():
    assert vat_rate("NL", "books") == Decimal("0.09")


def test_gross_de():
    assert gross(Decimal("100.00"), "DE") == Decimal("119.00")
'''


def failure(test: str, got: str, want: str, where: str) -> tuple[str, str]:
    line = line_of(TESTS, f"def {test}(")
    statement = TESTS.splitlines()[line].strip()  # the assert under the def
    return (f"AssertionError: assert {got} == {want}",
            f"def {test}():\n>       {statement}\nE       AssertionError: assert {got} == {want}\n"
            f"E        +  where {got} = {where}\n\ntests/test_tax.py:{line + 1}: AssertionError")


def build(dest: Path) -> None:
    history(dest, [
        ("Elif Yilmaz", "2026-01-20T10:00:00+00:00", "VAT rates and gross amounts",
         {"tax/__init__.py": "", "tax/rates.py": RATES_V1, "tax/invoice.py": INVOICE, "tests/test_tax.py": TESTS}),
        ("Pedro Santos", "2026-02-03T14:10:00+00:00", "Apply reduced VAT to food, books and newspapers",
         {"tax/rates.py": RATES_V2}),
        ("Elif Yilmaz", "2026-02-03T15:00:00+00:00", "Document rounding of gross amounts",
         {"tax/invoice.py": INVOICE.replace("rounded to the cent.", "rounded half up to the cent.")}),
    ])
    junit(dest, "reports/junit.xml", "pytest", [
        TestCase("tests.test_tax", "test_standard_rate_de", 0.002,
                 failure("test_standard_rate_de", "Decimal('0.07')", "Decimal('0.19')", "vat_rate('DE')")),
        TestCase("tests.test_tax", "test_standard_rate_fr", 0.001,
                 failure("test_standard_rate_fr", "Decimal('0.055')", "Decimal('0.20')", "vat_rate('FR')")),
        TestCase("tests.test_tax", "test_reduced_rate_books_nl", 0.001),
        TestCase("tests.test_tax", "test_gross_de", 0.002,
                 failure("test_gross_de", "Decimal('107.00')", "Decimal('119.00')", "gross(Decimal('100.00'), 'DE')")),
    ], timestamp="2026-02-03T15:04:31.118000")


if __name__ == "__main__":
    fixtures.cli(build)
