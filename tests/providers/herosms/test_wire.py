"""HeroSMS's documented replies, read through the public Client."""

from __future__ import annotations

import attrs
import pytest

import smsplug_herosms
from smsplug import Banned, Code, CountryNotSupported, Money, Number
from tests.helpers import KEY
from tests.providers.activate_suite import (
    HOSTILE,
    HOSTILE_CALLS,
    call_with,
    check_reply_is_safe,
    replies,
)
from tests.providers.herosms import CASE

# getNumberV2 as HeroSMS documents it (values invented).
NUMBER_V2 = (
    '{"activationId": 635468024, "phoneNumber": "6281234567890", '
    '"activationCost": 0.25, "currency": 840, "countryCode": "62", '
    '"canGetAnotherSms": "1", "activationTime": "2026-12-04 15:00:00", '
    '"activationEndTime": "2026-12-04 15:20:00", "activationOperator": "any"}'
)
OPEN = Number("herosms", "635468024", "+6281234567890")
ACTIVE = (
    '{"status": "success", "activeActivations": [{"activationId": "635468024", '
    '"serviceCode": "tg", "phoneNumber": "6281234567890", "activationCost": 0.35, '
    '"activationStatus": "4", "smsCode": null, "smsText": null, '
    '"activationTime": "2026-12-04 15:00:00", "discount": "0.00", "repeated": "0", '
    '"countryCode": "6", "countryName": "Indonesia", "canGetAnotherSms": "1", '
    '"currency": "840"}]}'
)


async def test_a_purchase_is_read_from_getnumberv2() -> None:
    answers = replies("NO_ACTIVATIONS", NUMBER_V2)

    number = await call_with(CASE, answers, "buy", "telegram", "id")

    assert (number.id, number.phone) == ("635468024", "+6281234567890")
    assert number.price == Money("0.25", "USD")
    assert answers.seen == [
        {"api_key": KEY, "action": "getActiveActivations"},
        {"api_key": KEY, "action": "getNumberV2", "service": "tg", "country": "6"},
    ]


async def test_the_currency_field_of_a_purchase_does_not_change_the_currency() -> None:
    body = (
        '{"activationId": "123456789", "phoneNumber": "380501234567", '
        '"activationCost": 10.5, "currency": 643, "canGetAnotherSms": true}'
    )

    number = await call_with(CASE, replies("NO_ACTIVATIONS", body), "buy", "wa", "ua")

    assert number.price == Money("10.5", "USD")


async def test_a_lost_purchase_is_found_in_getactiveactivations() -> None:
    answers = replies("NO_ACTIVATIONS", (504, "<html>Gateway Timeout</html>"), ACTIVE)

    number = await call_with(CASE, answers, "buy", "telegram", "id")

    assert (number.id, number.price) == ("635468024", Money("0.35", "USD"))
    assert [seen["action"] for seen in answers.seen] == [
        "getActiveActivations",
        "getNumberV2",
        "getActiveActivations",
    ]


async def test_getstatusv2_adds_the_whole_sms_to_the_code() -> None:
    v2 = (
        '{"verificationType": 0, "sms": {"dateTime": "2026-12-04 15:02:11", '
        '"code": "482913", "text": "Your code is 482913"}, "call": null}'
    )
    answers = replies("STATUS_OK:482913", v2)

    code = await call_with(CASE, answers, "poll", OPEN)

    assert code == Code("482913", "Your code is 482913")
    assert [seen["action"] for seen in answers.seen] == ["getStatus", "getStatusV2"]


async def test_an_unreadable_getstatusv2_still_gives_the_code() -> None:
    answers = replies("STATUS_OK:482913", "<html>oops</html>")

    code = await call_with(CASE, answers, "poll", OPEN)

    assert code == Code("482913")


async def test_a_region_block_is_reported_as_a_ban() -> None:
    answers = replies("NO_ACTIVATIONS", "SERVICE_UNAVAILABLE_REGION")

    with pytest.raises(Banned, match="this network's region"):
        await call_with(CASE, answers, "buy", "telegram", "id")


async def test_a_service_prohibited_for_sale_is_not_supported() -> None:
    answers = replies("NO_ACTIVATIONS", "This service is prohibited for sale")

    with pytest.raises(CountryNotSupported):
        await call_with(CASE, answers, "buy", "telegram", "id")


async def test_the_operator_setting_goes_on_the_wire() -> None:
    case = attrs.evolve(CASE, settings={"operator": "telkomsel, indosat"})
    answers = replies("NO_ACTIVATIONS", NUMBER_V2)

    await call_with(case, answers, "buy", "telegram", "id")

    assert answers.seen[1]["operator"] == "telkomsel,indosat"


def test_hero_uses_sms_activate_numbering() -> None:
    api = smsplug_herosms.API

    assert [api.country_id(c) for c in ("us", "gb", "id", "ru", "ua")] == [
        "187",
        "16",
        "6",
        "0",
        "1",
    ]
    assert [api.service_code(s) for s in ("telegram", "whatsapp", "google")] == [
        "tg",
        "wa",
        "go",
    ]


@pytest.mark.parametrize("method", HOSTILE_CALLS)
@pytest.mark.parametrize("body", HOSTILE, ids=range(len(HOSTILE)))
async def test_hostile_replies_give_only_smserrors(method: str, body: str) -> None:
    await check_reply_is_safe(CASE, method, body)
