"""SMSBower's documented replies, read through the public Client."""

from __future__ import annotations

import attrs
import pytest

import smsplug_smsbower
from smsplug import Code, CountryNotSupported, Money, Number, ProviderUnavailable
from tests.helpers import KEY
from tests.providers.activate_suite import (
    HOSTILE,
    HOSTILE_CALLS,
    call_with,
    check_reply_is_safe,
    replies,
)
from tests.providers.smsbower import CASE

OPEN = Number("smsbower", "123456789", "+79991234567")
# getNumberV2 as SMSBower documents it (values invented).
NUMBER_V2 = (
    '{"activationId": "123456789", "phoneNumber": "79991234567", '
    '"activationCost": "0.12", "countryCode": "0", "canGetAnotherSms": true, '
    '"activationTime": "2026-12-04 15:00:00", "activationOperator": "any"}'
)


async def test_a_purchase_is_read_from_getnumberv2() -> None:
    answers = replies(NUMBER_V2)

    number = await call_with(CASE, answers, "buy", "telegram", "ru")

    assert (number.id, number.phone) == ("123456789", "+79991234567")
    assert number.price == Money("0.12", "USD")
    assert answers.seen == [
        {"api_key": KEY, "action": "getNumberV2", "service": "tg", "country": "0"}
    ]


async def test_a_phone_shown_with_a_plus_is_read_the_same() -> None:
    body = NUMBER_V2.replace('"79991234567"', '"+79991234567"')

    number = await call_with(CASE, replies(body), "buy", "telegram", "ru")

    assert number.phone == "+79991234567"


async def test_a_text_reply_to_getnumberv2_is_read_too() -> None:
    answers = replies("ACCESS_NUMBER:123456789:79991234567")

    number = await call_with(CASE, answers, "buy", "telegram", "ru")

    assert (number.id, number.price) == ("123456789", None)


async def test_an_internal_error_is_a_passing_failure() -> None:
    answers = replies("Internal error")

    with pytest.raises(ProviderUnavailable, match="internal error"):
        await call_with(CASE, answers, "balance", "smsbower")

    assert len(answers.seen) == 2  # retried, then given up


async def test_a_quoted_code_is_unquoted() -> None:
    code = await call_with(CASE, replies("STATUS_OK:'12345'"), "poll", OPEN)

    assert code == Code("12345")


async def test_bad_country_is_not_supported() -> None:
    with pytest.raises(CountryNotSupported):
        await call_with(CASE, replies("BAD_COUNTRY"), "buy", "telegram", "ru")


async def test_a_cancel_refused_as_too_early_is_retried_until_accepted() -> None:
    answers = replies("EARLY_CANCEL_DENIED", "ACCESS_CANCEL")

    await call_with(CASE, answers, "cancel", OPEN)

    assert [seen["status"] for seen in answers.seen] == ["8", "8"]


async def test_supplier_choices_go_on_the_wire() -> None:
    choices = {"provider_ids": "2295,3027", "except_provider_ids": "11"}
    answers = replies(NUMBER_V2)

    await call_with(attrs.evolve(CASE, settings=choices), answers, "buy", "wa", "id")

    assert answers.seen[0]["providerIds"] == "2295,3027"
    assert answers.seen[0]["exceptProviderIds"] == "11"


def test_smsbower_knows_its_own_countries_beyond_sms_activates() -> None:
    api = smsplug_smsbower.API

    assert api.country_id("bm") == "1003"
    assert api.country_id("us") == "187"
    assert api.service_code("telegram") == "tg"


@pytest.mark.parametrize("method", HOSTILE_CALLS)
@pytest.mark.parametrize("body", HOSTILE, ids=range(len(HOSTILE)))
async def test_hostile_replies_give_only_smserrors(method: str, body: str) -> None:
    await check_reply_is_safe(CASE, method, body)
