"""SMS-Man's replies, one by one: documented, malformed and hostile."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs
import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smsplug import Client, Code, Money, catalog, errors
from smsplug_smsman import ids, wire
from smsplug_smsman.fake import SmsManFake
from tests.providers.smsman.scenarios import smsman_plugins, smsman_settings

HINT = wire.MIN_BALANCE_HINT


def answer(body: Any, *, status: int = 200) -> wire.Answer:
    """A reply as the plugin decodes it: dicts and lists are sent as JSON."""
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return wire.decode("smsman", httpx.Response(status, content=content))


# -- decoding -----------------------------------------------------------------


def test_html_page_is_invalid_response_with_the_page_attached() -> None:
    page = b"<html><body><h1>Welcome to nginx!</h1></body></html>"
    response = httpx.Response(200, content=page, headers={"content-type": "text/html"})

    with pytest.raises(errors.InvalidResponse) as caught:
        wire.decode("smsman", response)

    assert caught.value.message == (
        f"{errors.InvalidResponse.default_message} (HTTP 200, text/html, not JSON)"
    )
    assert caught.value.raw is not None
    assert "Welcome to nginx" in caught.value.raw


def test_html_502_is_provider_unavailable() -> None:
    with pytest.raises(errors.ProviderUnavailable, match=r"\(HTTP 502\)"):
        wire.decode("smsman", httpx.Response(502, content=b"<h1>Bad Gateway</h1>"))


@pytest.mark.parametrize(
    "content",
    [b"", b'{"balance": "79', b"[" * 100_000, b"\xff\xfe\x00", b"NaN-ish"],
    ids=["empty", "truncated", "deeply nested", "not utf-8", "bare word"],
)
def test_unreadable_bodies_are_invalid_response(content: bytes) -> None:
    with pytest.raises(errors.InvalidResponse):
        wire.decode("smsman", httpx.Response(200, content=content))


# -- balance ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "amount"),
    [("799.70", "799.70"), (799.7, "799.7"), (800, "800"), (" 12.5 ", "12.5")],
)
def test_balance_accepts_strings_and_numbers(value: object, amount: str) -> None:
    money = wire.parse_balance(answer({"balance": value}), "RUB")

    assert money == Money(amount, "RUB")


def test_balance_is_in_the_configured_currency() -> None:
    assert wire.parse_balance(answer({"balance": "9.10"}), "USD") == Money(
        "9.10", "USD"
    )


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"balance": "NaN"},
        {"balance": "-5"},
        {"balance": True},
        {"balance": None},
        {"balance": "1e"},
        ["799.70"],
        "799.70",
        None,
    ],
)
def test_malformed_balance_is_invalid_response(body: object) -> None:
    with pytest.raises(errors.InvalidResponse):
        wire.parse_balance(answer(body), "RUB")


@pytest.mark.parametrize(
    "message", ["Wrong token!", {"token": "Wrong token!"}], ids=["string", "object"]
)
def test_wrong_token_in_either_form_is_invalid_key(message: object) -> None:
    body = {"success": False, "error_code": "wrong_token", "error_msg": message}

    with pytest.raises(errors.InvalidKey) as caught:
        wire.parse_balance(answer(body), "RUB")

    assert caught.value.message == f"{errors.InvalidKey.default_message} ({HINT})"


def test_error_with_a_4xx_status_is_read_from_its_body() -> None:
    body = {"success": False, "error_code": "wrong_token", "error_msg": "Wrong token!"}

    with pytest.raises(errors.InvalidKey):
        wire.parse_balance(answer(body, status=401), "RUB")


def test_4xx_without_an_error_object_is_invalid_response() -> None:
    with pytest.raises(errors.InvalidResponse, match="HTTP 404 without an error"):
        wire.parse_balance(answer(["not", "found"], status=404), "RUB")


# -- errors -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("wrong_token", errors.InvalidKey),
        ("bad_token", errors.InvalidKey),
        ("balance", errors.NoBalance),
        ("not_enough_balance", errors.NoBalance),
        ("no_balance", errors.NoBalance),
        ("low_balance", errors.NoBalance),
        ("no_numbers", errors.NoNumbers),
        ("no_free_phones", errors.NoNumbers),
        ("wrong_country_id", errors.CountryNotSupported),
        ("wrong_application_id", errors.CountryNotSupported),
        ("wrong_request_id", errors.NotFound),
        ("something_new", errors.InvalidResponse),
    ],
)
def test_purchase_error_codes_map_to_kinds(
    code: str, kind: type[errors.SmsError]
) -> None:
    body = {"success": False, "error_code": code, "error_msg": "whatever"}

    with pytest.raises(kind) as caught:
        wire.parse_request_id(answer(body))

    assert type(caught.value) is kind
    assert caught.value.provider == "smsman"
    assert caught.value.raw is not None


def test_error_without_success_key_is_still_an_error() -> None:
    body = {"error_code": "no_numbers", "error_id": 0, "error_msg": "No numbers"}

    with pytest.raises(errors.NoNumbers) as caught:
        wire.parse_request_id(answer(body))

    assert caught.value.message == errors.NoNumbers.default_message


def test_no_balance_reminds_of_the_minimum_balance() -> None:
    body = {"success": False, "error_code": "balance", "error_msg": "Not enough"}

    with pytest.raises(errors.NoBalance) as caught:
        wire.parse_request_id(answer(body))

    assert caught.value.message == (
        "the balance is too low for this number; top up the account "
        "(SMS-Man keys need a balance of about $14 to use the API)"
    )


def test_unknown_error_names_its_code_and_flattens_an_object_message() -> None:
    body = {
        "success": False,
        "error_code": "Server_Busy ",
        "error_msg": {"country_id": "Busy", "retry": 3},
    }

    with pytest.raises(errors.InvalidResponse) as caught:
        wire.parse_request_id(answer(body))

    assert caught.value.message.endswith(
        "(SMS-Man answered server_busy: country_id: Busy; retry)"
    )


def test_error_without_code_or_message_still_reads() -> None:
    with pytest.raises(errors.InvalidResponse, match="an error without a code"):
        wire.parse_request_id(answer({"success": False}))


def test_hostile_error_message_is_clipped_and_printable() -> None:
    body = {"success": False, "error_code": "x", "error_msg": "\x1b[31m" + "A" * 5000}

    with pytest.raises(errors.InvalidResponse) as caught:
        wire.parse_request_id(answer(body))

    assert "\x1b" not in caught.value.message
    assert len(caught.value.message) < 400


# -- purchase -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "number_id", "digits"),
    [
        ({"request_id": 48213377, "number": "79161234567"}, "48213377", "79161234567"),
        (
            {"request_id": "48213377", "number": "+79161234567"},
            "48213377",
            "79161234567",
        ),
        (
            {"request_id": 5_000_000_000, "number": 12125551234},
            "5000000000",
            "12125551234",
        ),
    ],
)
def test_purchase_reply_gives_id_and_digits(
    body: dict[str, Any], number_id: str, digits: str
) -> None:
    reply = answer(body)

    assert wire.parse_request_id(reply) == number_id
    assert wire.parse_phone(reply) == digits


@pytest.mark.parametrize(
    "phone",
    [None, "", "abc", "123", "7" * 16, True, ["79161234567"], "７９１６１２３４"],
)
def test_unusable_phone_reads_as_empty(phone: object) -> None:
    assert wire.parse_phone(answer({"request_id": 1, "number": phone})) == ""


@pytest.mark.parametrize("request_id", [None, True, -1, "12a", 1.5, "", {"id": 1}])
def test_purchase_without_a_usable_id_is_invalid_response(request_id: object) -> None:
    body = {"request_id": request_id, "number": "79161234567"}

    with pytest.raises(errors.InvalidResponse, match="no request_id"):
        wire.parse_request_id(answer(body))


# -- the code -----------------------------------------------------------------

DOCUMENTED = {"request_id": 1, "country_id": 1, "application_id": 31, "number": "1"}


@pytest.mark.parametrize(
    ("value", "code"), [("1243", "1243"), (52917, "52917"), (" 77 ", "77")]
)
def test_sms_code_is_read_as_text(value: object, code: str) -> None:
    assert wire.parse_sms(answer({**DOCUMENTED, "sms_code": value}), "1") == Code(code)


def test_sms_text_is_kept_when_sms_man_sends_it() -> None:
    body = {**DOCUMENTED, "sms_code": "1243", "sms_text": "Your code: 1243"}

    code = wire.parse_sms(answer(body), "1")

    assert code is not None
    assert code.text == "Your code: 1243"


@pytest.mark.parametrize(
    "body",
    [
        {**DOCUMENTED, "error_code": "wait_sms", "error_msg": "Still waiting..."},
        {"success": False, "error_code": "wait_sms", "error_msg": "Still waiting..."},
        {"success": False, "error": "Still waiting..."},
        {"success": False, "error_code": "sms_not_found", "error_msg": "No sms"},
        {**DOCUMENTED, "sms_code": "", "error_code": "wait_sms"},
        {**DOCUMENTED, "sms_code": None, "error_code": "wait_sms"},
    ],
    ids=["documented", "with success", "no code", "sms_not_found", "empty", "null"],
)
def test_waiting_is_none(body: dict[str, Any]) -> None:
    assert wire.parse_sms(answer(body), "1") is None


@pytest.mark.parametrize("code", ["wrong_status", "expired", "request_closed"])
def test_number_over_without_code_is_no_sms_received(code: str) -> None:
    body = {"success": False, "error_code": code, "error_msg": "closed"}

    with pytest.raises(errors.NoSmsReceived) as caught:
        wire.parse_sms(answer(body), "48213377")

    assert caught.value.number_id == "48213377"
    assert caught.value.provider == "smsman"


def test_wrong_token_while_polling_is_invalid_key() -> None:
    body = {"success": False, "error_code": "wrong_token", "error_msg": "Wrong token!"}

    with pytest.raises(errors.InvalidKey):
        wire.parse_sms(answer(body), "1")


@pytest.mark.parametrize(
    "body",
    [
        {},
        DOCUMENTED,
        {"sms_code": True},
        {"sms_code": "1" * 65},
        {"sms_code": "12\n34"},
        ["1243"],
        "1243",
    ],
    ids=["empty", "no code no error", "bool", "too long", "newline", "list", "string"],
)
def test_unreadable_sms_reply_is_invalid_response(body: object) -> None:
    with pytest.raises(errors.InvalidResponse):
        wire.parse_sms(answer(body), "1")


# -- set-status ---------------------------------------------------------------


@pytest.mark.parametrize(
    "body", [{"request_id": 1, "success": True}, {"success": True}]
)
def test_status_change_succeeds(body: dict[str, Any]) -> None:
    assert wire.parse_status(answer(body), "1", quiet_when_over=False) is None


@pytest.mark.parametrize("code", ["wrong_status", "expired", "wrong_request_id"])
def test_cancelling_a_number_that_is_over_is_quiet(code: str) -> None:
    body = {"success": False, "error_code": code, "error_msg": {"status": "Wrong"}}

    assert wire.parse_status(answer(body), "1", quiet_when_over=True) is None


@pytest.mark.parametrize("code", ["reject_denied", "cancel_not_allowed", "forbidden"])
def test_refused_cancel_is_never_taken_for_done(code: str) -> None:
    body = {"success": False, "error_code": code, "error_msg": "No"}

    with pytest.raises(errors.InvalidResponse, match=code):
        wire.parse_status(answer(body), "1", quiet_when_over=True)


def test_status_change_on_a_number_that_is_over_is_an_error_otherwise() -> None:
    body = {"success": False, "error_code": "wrong_status", "error_msg": "Wrong"}

    with pytest.raises(errors.InvalidResponse, match="wrong_status"):
        wire.parse_status(answer(body), "1", quiet_when_over=False)


@pytest.mark.parametrize(
    ("code", "message"),
    [("too_early", "try later"), ("reject_denied", "It is too early to reject")],
)
def test_reject_refused_as_too_early_is_retryable(code: str, message: str) -> None:
    body = {"success": False, "error_code": code, "error_msg": message}

    with pytest.raises(errors.ProviderUnavailable) as caught:
        wire.parse_status(answer(body), "48213377", quiet_when_over=True)

    assert "number 48213377" in caught.value.message


def test_wrong_token_is_not_taken_for_a_number_that_is_over() -> None:
    body = {"success": False, "error_code": "wrong_token", "error_msg": "Wrong token!"}

    with pytest.raises(errors.InvalidKey):
        wire.parse_status(answer(body), "1", quiet_when_over=True)


@pytest.mark.parametrize("body", [{}, {"success": "true"}, {"success": 1}, [True]])
def test_status_reply_without_success_or_error_is_invalid_response(
    body: object,
) -> None:
    with pytest.raises(errors.InvalidResponse):
        wire.parse_status(answer(body), "1", quiet_when_over=True)


# -- prices -------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"1": {"3": {"cost": "18.50", "count": 1532}, "5": {"cost": "9", "count": 2}}},
        {"3": {"cost": "18.50", "count": "1532"}},
        [
            {"application_id": "3", "country_id": "2", "cost": "1", "count": 1},
            {"application_id": 3, "country_id": 1, "cost": 18.5, "count": 1532},
        ],
        [{"application_id": "3", "cost": "18.50", "count": 1532}],
    ],
    ids=["nested", "flat per country", "rows", "rows without country"],
)
def test_price_shapes_all_read(body: object) -> None:
    cost, available = wire.parse_prices(answer(body), "1", "3") or (None, None)

    assert cost == Decimal("18.5")
    assert available == 1532


@pytest.mark.parametrize(
    "body",
    [{"1": {"5": {"cost": "9", "count": 2}}}, {"2": {"3": {"cost": "9"}}}, {}, []],
)
def test_price_for_something_not_offered_is_none(body: object) -> None:
    assert wire.parse_prices(answer(body), "1", "3") is None


@pytest.mark.parametrize(
    "row", [{"count": 3}, {"cost": "abc"}, {"cost": "-1"}, "18.50", {"cost": None}]
)
def test_malformed_price_row_is_invalid_response(row: object) -> None:
    with pytest.raises(errors.InvalidResponse):
        wire.parse_prices(answer({"1": {"3": row}}), "1", "3")


@pytest.mark.parametrize("count", [-1, "many", True, None, 1.5])
def test_unreadable_stock_is_unknown(count: object) -> None:
    body = {"1": {"3": {"cost": "1", "count": count}}}

    assert wire.parse_prices(answer(body), "1", "3") == (Decimal(1), None)


# -- countries and applications -------------------------------------------------


def test_listing_keyed_by_id_reads_titles() -> None:
    body = {"1": {"id": "1", "title": "Russia"}, "10": {"title": "England"}}

    assert wire.parse_listing(answer(body)) == [
        ids.Listed("1", "Russia"),
        ids.Listed("10", "England"),
    ]


def test_listing_as_a_list_reads_names_and_codes() -> None:
    body = [{"id": 3, "name": "Telegram", "code": "tg"}, {"id": "1", "title": "VK"}]

    assert wire.parse_listing(answer(body)) == [
        ids.Listed("3", "Telegram", "tg"),
        ids.Listed("1", "VK"),
    ]


def test_listing_skips_entries_it_cannot_read() -> None:
    body = [{"id": None, "title": "x"}, {"id": 2}, "junk", {"id": 4, "title": "Ok"}]

    assert wire.parse_listing(answer(body)) == [ids.Listed("4", "Ok")]


@pytest.mark.parametrize("body", ["Russia", 7, None])
def test_listing_that_is_no_container_is_invalid_response(body: object) -> None:
    with pytest.raises(errors.InvalidResponse):
        wire.parse_listing(answer(body))


# -- max price ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "currency", "sent"),
    [
        ("22.7272", "RUB", "22"),
        ("45.0000", "RUB", "45"),
        ("100", "RUB", "100"),
        ("0.2599", "USD", "0.25"),
        ("1.999", "EUR", "1.99"),
        ("3", "USD", "3"),
    ],
)
def test_max_price_is_rounded_down(amount: str, currency: str, sent: str) -> None:
    assert wire.max_price_param("smsman", Money(amount, currency)) == sent


@pytest.mark.parametrize(("amount", "currency"), [("0.9999", "RUB"), ("0.004", "USD")])
def test_max_price_below_the_smallest_step_is_no_numbers(
    amount: str, currency: str
) -> None:
    with pytest.raises(errors.NoNumbers, match="raise the max price"):
        wire.max_price_param("smsman", Money(amount, currency))


# -- the id tables --------------------------------------------------------------


def test_every_catalog_service_has_an_entry() -> None:
    assert set(ids.SERVICES) == set(catalog.SERVICES)


def test_countries_cover_the_common_ones_with_calling_codes() -> None:
    assert len(ids.COUNTRIES) >= 40
    assert all(catalog.is_country_code(iso) for iso in ids.COUNTRIES)
    assert all(c.calling_code.isdigit() and c.names for c in ids.COUNTRIES.values())
    assert ids.COUNTRIES["us"].calling_code == "1"


def test_find_prefers_codes_then_titles_ignoring_case_and_punctuation() -> None:
    listing = [
        ids.Listed("7", "Telegram X"),
        ids.Listed("122", "Google, Gmail, Youtube", "go"),
        ids.Listed("3", "telegram"),
    ]

    assert ids.find(listing, ["Telegram"]) == "3"
    assert ids.find(listing, ["Google"], ["GO"]) == "122"
    assert ids.find(listing, ["google gmail youtube"]) == "122"
    assert ids.find(listing, ["Viber"], ["vi"]) is None


# -- resolving what users type (against the fake) --------------------------------


async def test_raw_ids_pass_through_without_a_request(
    client: Client, fake: SmsManFake
) -> None:
    provider = client.provider("smsman")

    place = await wire.resolve_country(provider, " 187 ")
    service = await wire.resolve_service(provider, "5512")

    assert place == wire.Place("187")
    assert service == "5512"
    assert fake.requests == []


async def test_table_ids_need_no_request(client: Client, fake: SmsManFake) -> None:
    provider = client.provider("smsman")

    place = await wire.resolve_country(provider, "RU")
    service = await wire.resolve_service(provider, "Telegram")

    assert place == wire.Place("1", "7")
    assert service == "3"
    assert fake.requests == []


@pytest.mark.parametrize("shape", ["object", "list"])
async def test_missing_ids_are_looked_up_once_per_client(
    client: Client, fake: SmsManFake, shape: str
) -> None:
    fake.behaviour.listing_shape = shape
    provider = client.provider("smsman")

    first = await wire.resolve_country(provider, "gb")
    again = await wire.resolve_country(provider, "fr")
    service = await wire.resolve_service(provider, "facebook")

    assert (first, again) == (wire.Place("10", "44"), wire.Place("73", "33"))
    assert service == "40"
    assert (fake.count("countries"), fake.count("applications")) == (1, 1)


@pytest.mark.parametrize(
    ("country", "service", "match"),
    [
        ("atlantis", "telegram", "does not know the country 'atlantis'"),
        ("ru", "myspace", "does not know the service 'myspace'"),
        ("jp", "telegram", "lists no country named Japan"),
        ("ru", "zoom", "lists no service named Zoom"),
    ],
)
async def test_what_cannot_be_resolved_is_country_not_supported(
    client: Client, fake: SmsManFake, country: str, service: str, match: str
) -> None:
    with pytest.raises(errors.CountryNotSupported, match=match):
        await client.buy(service, country)

    assert fake.count("get-number") == 0


# -- purchases against the fake ---------------------------------------------------


async def test_raw_country_id_is_bought_as_is_whatever_the_number(
    client: Client, fake: SmsManFake
) -> None:
    fake.behaviour.countries = {"1": ("Russia", "44")}

    number = await client.buy("telegram", "1")

    assert number.phone.startswith("+44")
    assert fake.numbers[number.id].status == "waiting"


async def test_number_outside_the_country_is_cancelled(
    client: Client, fake: SmsManFake
) -> None:
    fake.behaviour.countries = {"1": ("Russia", "44")}

    with pytest.raises(errors.CountryNotSupported, match=r"was cancelled$"):
        await client.buy("telegram", "ru")

    assert fake.numbers["48213377"].status == "rejected"
    assert fake.balance == Decimal("1000.00")


async def test_number_refused_once_as_too_early_is_still_cancelled(
    client: Client, fake: SmsManFake
) -> None:
    fake.behaviour.countries = {"1": ("Russia", "44")}
    fake.behaviour.cancel_too_early = 1

    with pytest.raises(errors.CountryNotSupported, match=r"was cancelled$"):
        await client.buy("telegram", "ru")

    assert fake.numbers["48213377"].status == "rejected"


async def test_number_that_cannot_be_cancelled_stays_in_the_ledger(
    client: Client, fake: SmsManFake
) -> None:
    fake.behaviour.countries = {"1": ("Russia", "44")}
    fake.behaviour.cancel_too_early = 1000
    client.settings = attrs.evolve(client.settings, cancel_patience=0.05)

    with pytest.raises(errors.CountryNotSupported) as caught:
        await client.buy("telegram", "ru")

    assert "cancelling number 48213377 failed" in caught.value.message
    assert "smsplug recover" in caught.value.message
    entry = client.ledger.entries()[0]
    assert (entry.number_id, entry.state) == ("48213377", "active")
    assert fake.numbers["48213377"].status == "waiting"


async def test_purchase_reply_without_a_phone_is_cancelled(
    client: Client, fake: SmsManFake
) -> None:
    fake.reply_next({"request_id": 48213377, "country_id": 1, "application_id": 3})
    fake.numbers["48213377"] = _sold(fake)

    with pytest.raises(errors.InvalidResponse, match="without a phone"):
        await client.buy("telegram", "ru")

    assert fake.count("set-status", request_id="48213377", status="reject") == 1


async def test_oversized_reply_is_invalid_response(
    client: Client, fake: SmsManFake
) -> None:
    fake.reply_next({"balance": "1" * (2 * 1024 * 1024)})

    with pytest.raises(errors.InvalidResponse, match="larger than"):
        await client.balance("smsman")


async def test_report_used_and_another_sms_use_set_status(
    client: Client, fake: SmsManFake
) -> None:
    provider = client.provider("smsman")
    number = await client.buy("telegram", "ru")
    fake.deliver(number.id, "11111")

    await wire.request_another_sms(provider, number)
    await wire.report_used(provider, number)

    assert fake.count("set-status", status="ready") == 1
    assert fake.numbers[number.id].status == "used"


async def test_another_sms_on_a_number_that_is_over_is_an_error(
    client: Client, fake: SmsManFake
) -> None:
    number = await client.buy("telegram", "ru")
    await client.cancel(number)

    with pytest.raises(errors.InvalidResponse, match="wrong_status"):
        await wire.request_another_sms(client.provider("smsman"), number)


async def test_max_price_without_a_rouble_rate_is_refused_before_buying(
    client: Client, fake: SmsManFake
) -> None:
    with pytest.raises(errors.ConfigError, match="smsman prices in RUB and no rate"):
        await client.buy("telegram", "ru", max_price="0.50")

    assert fake.requests == []


async def test_usd_account_needs_no_rate_and_sends_cents(fake: SmsManFake) -> None:
    fake.behaviour.currency = "USD"
    fake.behaviour.price = Decimal("0.15")
    settings = smsman_settings(fake.url, currency="USD")

    async with Client(settings, plugins=smsman_plugins()) as sms:
        balance = await sms.balance("smsman")
        number = await sms.buy("telegram", "ru", max_price="0.2599")

    assert balance.money == Money("1000.00", "USD")
    assert fake.count("get-number", maxPrice="0.25", currency="USD") == 1
    assert fake.numbers[number.id].price == Decimal("0.15")


def _sold(fake: SmsManFake) -> Any:
    from smsplug_smsman.fake import FakeNumber

    return FakeNumber("48213377", "79048213377", "1", "3", Decimal("18.50"), 0.0)


# -- whatever the reply, only SmsError comes out ----------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "balance",
                    "request_id",
                    "number",
                    "sms_code",
                    "error_code",
                    "error_msg",
                    "success",
                    "cost",
                    "count",
                    "1",
                    "3",
                    "id",
                    "title",
                    "name",
                    "code",
                ]
            )
            | st.text(max_size=8),
            inner,
            max_size=6,
        )
    ),
    max_leaves=20,
)


def outcome(parse: Callable[[], object]) -> str:
    """``"value"``, ``"sms_error"``, or the name of anything else that escaped."""
    try:
        parse()
    except errors.SmsError as error:
        return (
            "sms_error" if error.provider == "smsman" else "sms_error without provider"
        )
    except Exception as error:
        return type(error).__name__
    return "value"


@settings(max_examples=300, deadline=None)
@given(body=JSON, status=st.sampled_from([200, 400, 404, 422]))
def test_any_json_reply_gives_a_value_or_an_sms_error(
    body: object, status: int
) -> None:
    reply = answer(body, status=status)

    outcomes = {
        outcome(lambda: wire.parse_balance(reply, "RUB")),
        outcome(lambda: wire.parse_prices(reply, "1", "3")),
        outcome(lambda: wire.parse_request_id(reply)),
        outcome(lambda: wire.parse_phone(reply)),
        outcome(lambda: wire.parse_sms(reply, "1")),
        outcome(lambda: wire.parse_status(reply, "1", quiet_when_over=True)),
        outcome(lambda: wire.parse_listing(reply)),
    }

    assert outcomes <= {"value", "sms_error"}


@settings(max_examples=200, deadline=None)
@given(content=st.binary(max_size=64))
def test_any_bytes_decode_or_give_an_sms_error(content: bytes) -> None:
    response = httpx.Response(200, content=content)

    assert outcome(lambda: wire.decode("smsman", response)) in {"value", "sms_error"}
