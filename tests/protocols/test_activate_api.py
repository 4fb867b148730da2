"""The activate protocol's behaviour through the public Client, on loopback."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smsplug import (
    Client,
    ConfigError,
    CountryNotSupported,
    InvalidResponse,
    Money,
    NotFound,
    Number,
    ProviderUnavailable,
    SmsError,
)
from smsplug.protocols.activate import ActivateAPI
from smsplug.testing.activate import PURCHASES, ActivateServer
from tests.providers.activate_suite import (
    FIRST_CODE,
    FIRST_ID,
    Case,
    call_with,
    replies,
)
from tests.providers.custom_activate import CASE as CUSTOM
from tests.providers.herosms import CASE as HERO
from tests.providers.smsbower import CASE as BOWER


@asynccontextmanager
async def client_for(
    case: Case, fake: ActivateServer, **overrides: Any
) -> AsyncIterator[Client]:
    settings = case.client_settings(fake.base_url, **overrides)
    async with Client(settings, plugins=case.plugins()) as sms:
        yield sms


def api(case: Case) -> ActivateAPI:
    plugin: Any = case.plugin
    return plugin.ACTIVATE if case.name == "custom" else plugin.API  # type: ignore[no-any-return]


# -- purchases whose outcome is unknown --------------------------------------------


async def test_a_purchase_whose_reply_is_lost_is_found_among_active_numbers() -> None:
    with HERO.fake() as fake:
        fake.behaviour.lost_replies = 1
        async with client_for(HERO, fake) as sms:
            number = await sms.buy("telegram", "us")
            await sms.cancel(number)

    assert number.id == FIRST_ID
    assert number.price == Money("0.25", "USD")
    assert len(fake.calls("getNumberV2")) == 1
    assert list(fake.numbers) == [FIRST_ID]
    assert fake.balance == Decimal("10.00")


async def test_a_purchase_whose_reply_is_lost_is_never_sent_again() -> None:
    with BOWER.fake() as fake:
        fake.behaviour.lost_replies = 1
        async with client_for(BOWER, fake) as sms:
            with pytest.raises(ProviderUnavailable) as caught:
                await sms.buy("telegram", "us")

    assert "whether a number was bought is unknown" in caught.value.message
    assert len(fake.calls("getNumberV2")) + len(fake.calls("getNumber")) == 1
    assert list(fake.numbers) == [FIRST_ID]  # sold once, charged once


async def test_a_purchase_answered_with_error_sql_is_looked_up_not_resent() -> None:
    with HERO.fake() as fake:
        fake.script(PURCHASES, "ERROR_SQL")
        async with client_for(HERO, fake) as sms:
            with pytest.raises(ProviderUnavailable) as caught:
                await sms.buy("telegram", "us")

    assert caught.value.message == (
        "the provider reported an internal error; try again later; no new number "
        "appeared among the account's active numbers, so nothing was bought"
    )
    assert len(fake.calls("getNumberV2")) == 1
    assert len(fake.calls("getActiveActivations")) == 1 + 3  # before, then 3 looks


async def test_numbers_open_before_the_purchase_are_not_taken_for_it() -> None:
    with HERO.fake() as fake:
        async with client_for(HERO, fake) as sms:
            earlier = await sms.buy("telegram", "us")
            fake.script(PURCHASES, "ERROR_SQL")
            with pytest.raises(ProviderUnavailable, match="nothing was bought"):
                await sms.buy("telegram", "us")
            await sms.cancel(earlier)

    assert list(fake.numbers) == [earlier.id]


async def test_a_refused_purchase_is_not_looked_up() -> None:
    with HERO.fake() as fake:
        fake.behaviour.out_of_stock = True
        async with client_for(HERO, fake) as sms:
            with pytest.raises(SmsError, match="no numbers are available"):
                await sms.buy("telegram", "us")

    assert len(fake.calls("getActiveActivations")) == 1  # the one before buying


async def test_a_missing_getnumberv2_falls_back_to_getnumber() -> None:
    with HERO.fake() as fake:
        fake.script("getNumberV2", "BAD_ACTION")
        fake.behaviour.number_reply = "text"
        async with client_for(HERO, fake) as sms:
            number = await sms.buy("telegram", "us")
            await sms.cancel(number)

    assert number.id == FIRST_ID
    purchases = [c["action"] for c in fake.calls() if c["action"] in PURCHASES]
    assert purchases == ["getNumberV2", "getNumber"]


# -- polling, cancelling, finishing ------------------------------------------------


async def test_error_sql_while_polling_is_retried() -> None:
    with HERO.fake() as fake:
        async with client_for(HERO, fake) as sms:
            number = await sms.buy("telegram", "us")
            fake.deliver(number.id)
            fake.script("getStatus", "ERROR_SQL")
            code = await sms.poll(number)
            await sms.finish(number)

    assert code is not None
    assert code.code == FIRST_CODE
    assert len(fake.calls("getStatus")) == 2


async def test_a_cancel_refused_as_too_early_waits_the_configured_time() -> None:
    with HERO.fake() as fake:
        fake.behaviour.cancel_too_early = 1
        settings = HERO.client_settings(fake.base_url, cancel_patience=0.01)
        settings.provider[HERO.name]["cancel_retry"] = "7"  # type: ignore[index]
        async with Client(settings, plugins=HERO.plugins()) as sms:
            number = await sms.buy("telegram", "us")
            with pytest.raises(ProviderUnavailable) as caught:
                await sms.cancel(number)

    assert caught.value.retry_after == 7.0
    assert "could not cancel number" in caught.value.message


async def test_a_cancel_refused_near_the_end_of_the_window_waits_only_the_rest() -> (
    None
):
    with HERO.fake() as fake:
        fake.behaviour.cancel_too_early = 1
        settings = HERO.client_settings(fake.base_url, cancel_patience=0.01)
        settings.provider[HERO.name]["cancel_retry"] = "10"  # type: ignore[index]
        async with Client(settings, plugins=HERO.plugins()) as sms:
            bought = await sms.buy("telegram", "us")
            extra = {**bought.extra, "bought_at": f"{time.time() - 116:.0f}"}
            number = Number(bought.provider, bought.id, bought.phone, extra=extra)
            with pytest.raises(ProviderUnavailable) as caught:
                await sms.cancel(number)

    assert caught.value.retry_after is not None
    assert 2.0 < caught.value.retry_after <= 5.0


async def test_an_unreadable_cancel_retry_setting_is_a_config_error() -> None:
    with HERO.fake() as fake:
        fake.behaviour.cancel_too_early = 1
        settings = HERO.client_settings(fake.base_url)
        settings.provider[HERO.name]["cancel_retry"] = "soon"  # type: ignore[index]
        async with Client(settings, plugins=HERO.plugins()) as sms:
            number = await sms.buy("telegram", "us")
            with pytest.raises(ConfigError, match="SMSPLUG_HEROSMS_CANCEL_RETRY"):
                await sms.cancel(number)


async def test_cancelling_a_number_that_got_its_code_is_refused_plainly() -> None:
    with HERO.fake() as fake:
        async with client_for(HERO, fake) as sms:
            number = await sms.buy("telegram", "us")
            fake.deliver(number.id)
            with pytest.raises(InvalidResponse) as caught:
                await sms.cancel(number)

    assert caught.value.message == (
        f"number {FIRST_ID} could not be cancelled: it has received a code, so "
        f"the provider will not refund it"
    )


async def test_cancelling_an_unknown_number_is_quiet() -> None:
    with HERO.fake() as fake:
        async with client_for(HERO, fake) as sms:
            await sms.cancel(Number("herosms", "123", ""))

    assert [c["action"] for c in fake.calls()] == ["setStatus"]


async def test_polling_an_unknown_number_is_not_found() -> None:
    with HERO.fake() as fake:
        async with client_for(HERO, fake) as sms:
            with pytest.raises(NotFound):
                await sms.poll(Number("herosms", "123", ""))


async def test_finishing_a_number_still_waiting_is_refused() -> None:
    with CUSTOM.fake() as fake:
        async with client_for(CUSTOM, fake) as sms:
            number = await sms.buy("telegram", "us")
            with pytest.raises(InvalidResponse, match="BAD_STATUS"):
                await sms.finish(number)
            await sms.cancel(number)


async def test_a_code_without_getstatusv2_has_no_whole_text() -> None:
    with CUSTOM.fake() as fake:
        async with client_for(CUSTOM, fake) as sms:
            number = await sms.buy("telegram", "us")
            fake.deliver(number.id)
            code = await sms.poll(number)

    assert code is not None
    assert (code.code, code.text) == (FIRST_CODE, None)
    assert "getStatusV2" not in [c["action"] for c in fake.calls()]


# -- what goes on the wire ---------------------------------------------------------


async def test_purchase_settings_go_on_the_wire() -> None:
    with BOWER.fake() as fake:
        settings = BOWER.client_settings(fake.base_url)
        table = settings.provider[BOWER.name]
        table.update(  # type: ignore[attr-defined]
            provider_ids="2295, 3027", except_provider_ids="11", phone_exception="7918"
        )
        async with Client(settings, plugins=BOWER.plugins()) as sms:
            number = await sms.buy("whatsapp", "gb", max_price=Decimal("1"))
            await sms.cancel(number)

    assert fake.calls("getNumberV2")[0] == {
        "api_key": fake.key,
        "action": "getNumberV2",
        "service": "wa",
        "country": "16",
        "maxPrice": "1",
        "providerIds": "2295,3027",
        "exceptProviderIds": "11",
        "phoneException": "7918",
    }


@pytest.mark.parametrize(
    ("service", "country", "wire"),
    [
        ("telegram", "us", ("tg", "187")),
        ("Google", "GB", ("go", "16")),
        ("openai", "id", ("dr", "6")),
        ("any", "tr", ("ot", "62")),
        ("tg", "187", ("tg", "187")),
        ("abn", "012", ("abn", "12")),
    ],
)
def test_names_and_raw_ids_become_the_providers_ids(
    service: str, country: str, wire: tuple[str, str]
) -> None:
    protocol = api(HERO)

    assert (protocol.service_code(service), protocol.country_id(country)) == wire


@pytest.mark.parametrize(
    ("service", "country", "hint"),
    [
        ("zoom", "us", "no known code for 'zoom'"),
        ("tele gram", "us", "unknown service 'tele gram'"),
        ("telegram", "xk", "no known id for country 'xk'"),
        ("telegram", "United States", "unknown country 'United States'"),
    ],
)
async def test_unknown_names_fail_before_any_request(
    service: str, country: str, hint: str
) -> None:
    with HERO.fake() as fake:
        async with client_for(HERO, fake) as sms:
            with pytest.raises(CountryNotSupported, match=hint):
                await sms.buy(service, country)

    assert fake.calls() == []


async def test_the_providers_lists_of_countries_services_and_open_numbers() -> None:
    with HERO.fake() as fake:
        async with client_for(HERO, fake) as sms:
            number = await sms.buy("telegram", "us")
            context = sms.provider(HERO.name)
            countries = await api(HERO).countries(context)
            services = await api(HERO).services(context)
            active = await api(HERO).active_numbers(context)

    assert active is not None
    assert countries["187"] == "US"
    assert services["tg"] == "Telegram"
    assert [(n.id, n.phone, n.price) for n in active] == [
        (number.id, number.phone, Money("0.25", "USD"))
    ]
    assert active[0].extra == {"service_code": "tg", "country_id": "187"}


async def test_without_getactiveactivations_the_open_numbers_are_unknown() -> None:
    with BOWER.fake() as fake:
        async with client_for(BOWER, fake) as sms:
            active = await api(BOWER).active_numbers(sms.provider(BOWER.name))

    assert active is None
    assert fake.calls() == []


# -- nothing but SmsError comes out --------------------------------------------------

TOKENS = st.sampled_from(
    [
        "ACCESS_BALANCE",
        "ACCESS_NUMBER",
        "STATUS_OK",
        "STATUS_WAIT_RETRY",
        "STATUS_CANCEL",
        "ACCESS_CANCEL",
        "BANNED",
        "WRONG_MAX_PRICE",
        "BAD_STATUS",
        "EARLY_CANCEL_DENIED",
        "NO_ACTIVATIONS",
    ]
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(
        st.sampled_from(
            ["activationId", "phoneNumber", "activationCost", "sms", "code", "text",
             "status", "message", "activeActivations", "187", "tg", "cost", "count"]
        ),
        inner,
        max_size=5,
    ),
    max_leaves=12,
)  # fmt: skip
BODIES = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300),
    st.builds(lambda t, v: f"{t}:{v}", TOKENS, st.text(max_size=60)),
    JSON.map(json.dumps),
)
STATUSES = st.sampled_from([200, 200, 200, 400, 401, 403, 404, 429, 500, 502, 503])
NUMBER = Number("herosms", "5000000001", "+10000000001")
CALLS = {
    "balance": (("herosms",), {}),
    "prices": (("telegram", "us"), {"provider": "herosms"}),
    "buy": (("telegram", "us"), {}),
    "poll": ((NUMBER,), {}),
    "cancel": ((NUMBER,), {}),
    "finish": ((NUMBER,), {}),
}


def check_any_reply(method: str, body: str | bytes, status: int) -> None:
    args, kwargs = CALLS[method]
    answers = replies((status, body))

    try:
        asyncio.run(call_with(HERO, answers, method, *args, **kwargs))
    except SmsError as error:
        named = error.provider
    else:
        named = "herosms"
    assert named == "herosms"


def fuzz(examples: int) -> Callable[[Callable[..., None]], Any]:
    """Run a test over every call with ``examples`` generated replies each."""

    def decorate(test: Callable[..., None]) -> Any:
        generated = given(body=BODIES, status=STATUSES)(test)
        tuned = settings(
            max_examples=examples,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture],
        )(generated)
        return pytest.mark.parametrize("method", CALLS)(tuned)

    return decorate


@fuzz(40)
def test_any_reply_gives_a_result_or_an_smserror(
    method: str, body: str | bytes, status: int
) -> None:
    check_any_reply(method, body, status)


@pytest.mark.slow
@fuzz(1000)
def test_any_reply_gives_a_result_or_an_smserror_at_length(
    method: str, body: str | bytes, status: int
) -> None:
    check_any_reply(method, body, status)
