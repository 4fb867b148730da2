"""Users' service and country words -> 5sim's product and country names."""

from __future__ import annotations

import pytest

from smsplug import CountryNotSupported
from smsplug.catalog import SERVICES as CATALOG
from smsplug_fivesim import ids

# No source showed 5sim's product names for these catalog services.
UNCONFIRMED = {"binance", "openai", "zoom"}


@pytest.mark.parametrize(
    ("country", "name"),
    [
        ("us", "usa"),
        ("GB", "england"),
        (" ru ", "russia"),
        ("ba", "bih"),
        ("any", "any"),
    ],
)
def test_iso_codes_become_5sim_names(country: str, name: str) -> None:
    assert ids.country_name(country) == name


@pytest.mark.parametrize("country", ["england", "usa", "Hongkong", "newcountryland"])
def test_5sim_country_names_are_accepted_as_they_are(country: str) -> None:
    assert ids.country_name(country) == country.lower()


@pytest.mark.parametrize("country", ["xx", "uk", "u$a", "12", "eng land", "", "a" * 41])
def test_unknown_country_is_not_supported(country: str) -> None:
    with pytest.raises(CountryNotSupported) as caught:
        ids.country_name(country)

    assert caught.value.provider == "5sim"


@pytest.mark.parametrize(
    ("service", "product"),
    [
        ("vk", "vkontakte"),
        ("ok", "odnoklassniki"),
        ("grab", "grabtaxi"),
        ("any", "other"),
    ],
)
def test_catalog_names_become_5sim_products(service: str, product: str) -> None:
    assert ids.product_name(service) == product


@pytest.mark.parametrize("service", ["1688", "23red", "Telegram", "someapp"])
def test_5sim_products_are_accepted_as_they_are(service: str) -> None:
    assert ids.product_name(service) == service.lower()


@pytest.mark.parametrize("service", ["x", "tele gram", "../profile", "tg?x=1", ""])
def test_impossible_product_is_not_supported(service: str) -> None:
    with pytest.raises(CountryNotSupported, match="5sim product name"):
        ids.product_name(service)


def test_every_catalog_service_is_mapped_or_known_to_be_unconfirmed() -> None:
    assert set(CATALOG) - set(ids.SERVICES) == UNCONFIRMED


def test_country_table_is_iso_codes_to_distinct_names() -> None:
    assert len(ids.COUNTRIES) >= 150
    assert all(len(iso) == 2 and iso.isalpha() for iso in ids.COUNTRIES)
    assert len(set(ids.COUNTRIES.values())) == len(ids.COUNTRIES)


def test_names_map_back_to_iso_codes() -> None:
    assert ids.iso_code("england") == "gb"
    assert ids.iso_code("newcountryland") == "newcountryland"
