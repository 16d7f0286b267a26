"""Partita IVA / EU VAT numbers, checked by python-stdnum."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as StdnumError


def normalize_vat_number(value: str) -> str:
    """The VAT number in its compact form with the country prefix (`IT01234567890`).

    A number typed without a prefix is taken as Italian. Raises ValidationError when
    the number is not a valid Italian or other EU VAT number.
    """
    value = (value or "").strip()
    if value[:2].isdigit():
        value = "IT" + value
    try:
        return eu_vat.validate(value)
    except StdnumError:
        raise ValidationError(
            _("%(value)s is not a valid VAT number. Check the digits, and the country prefix for non-Italian numbers."),
            params={"value": value},
            code="invalid_vat",
        ) from None
