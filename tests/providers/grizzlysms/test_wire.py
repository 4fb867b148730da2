"""GrizzlySMS's documented replies, read through the public Client."""

from __future__ import annotations

from decimal import Decimal

import attrs
import pytest

import smsplug_grizzlysms
from smsplug import Money, NoNumbers, NoSmsReceived, Number
from tests.providers.activate_suite import (
    HOSTILE,
    HOSTILE_CALLS,
    call_with,
    check_reply_is_safe,
    replies,
)
from tests.providers.grizzlysms import CASE

OPEN = Number("grizzlysms", "541507557", "+905301234567")


async def test_a_text_purchase_is_read() -> None:
    answers = replies("ACCESS_NUMBER:541507557:905301234567")

    number = await call_with(CASE, answers, "buy", "apple", "tr")

    assert (number.id, number.phone, number.price) == (
        "541507557",
        "+905301234567",
        None,
    )
    assert (answers.seen[0]["service"], answers.seen[0]["country"]) == ("wx", "62")


async def test_a_bid_below_the_minimum_says_the_minimum() -> None:
    answers = replies("WRONG_MAX_PRICE:0.500000")

    with pytest.raises(NoNumbers) as caught:
        await call_with(CASE, answers, "buy", "apple", "tr", max_price="0.10")

    assert caught.value.min_price == Decimal("0.5")
    assert "the provider's lowest price now is $0.50" in caught.value.message
    assert answers.seen[0]["maxPrice"] == "0.1"


async def test_prices_in_the_classic_shape() -> None:
    answers = replies('{"62": {"wx": {"cost": 2, "count": 1307}}}')

    prices = await call_with(CASE, answers, "prices", "apple", "tr", provider=CASE.name)

    assert [(p.price, p.available) for p in prices] == [(Money("2", "USD"), 1307)]


async def test_prices_with_a_supplier_breakdown() -> None:
    body = (
        '{"62": {"wx": {"price": 2, "count": 5, "providers": {'
        '"311": {"count": 3, "price": [2, 2.5]}, "312": {"count": 2, "price": [3]}}}}}'
    )

    prices = await call_with(
        CASE, replies(body), "prices", "apple", "tr", provider=CASE.name
    )

    assert [(p.price, p.available) for p in prices] == [(Money("2", "USD"), 5)]


async def test_a_number_that_expired_unused_ends_the_wait() -> None:
    with pytest.raises(NoSmsReceived) as caught:
        await call_with(CASE, replies("STATUS_CANCEL"), "poll", OPEN)

    assert caught.value.number_id == "541507557"


async def test_supplier_choices_go_on_the_wire() -> None:
    choices = {"provider_ids": "311", "except_provider_ids": "312"}
    answers = replies("ACCESS_NUMBER:541507557:905301234567")

    await call_with(attrs.evolve(CASE, settings=choices), answers, "buy", "wx", "62")

    assert (answers.seen[0]["providerIds"], answers.seen[0]["exceptProviderIds"]) == (
        "311",
        "312",
    )


def test_grizzly_uses_sms_activate_numbering() -> None:
    api = smsplug_grizzlysms.API

    assert (api.country_id("tr"), api.service_code("apple")) == ("62", "wx")
    assert (api.country_id("us"), api.service_code("tiktok")) == ("187", "lf")


@pytest.mark.parametrize("method", HOSTILE_CALLS)
@pytest.mark.parametrize("body", HOSTILE, ids=range(len(HOSTILE)))
async def test_hostile_replies_give_only_smserrors(method: str, body: str) -> None:
    await check_reply_is_safe(CASE, method, body)
