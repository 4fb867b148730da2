"""Reading handler_api.php replies: every documented shape, and worse."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from smsplug import (
    Banned,
    Code,
    CountryNotSupported,
    InvalidKey,
    InvalidResponse,
    NoBalance,
    NoNumbers,
    NotFound,
    ProviderUnavailable,
    SmsError,
)
from smsplug.protocols.activate import (
    Bought,
    Malformed,
    code_from_text,
    error_for,
    parse_active,
    parse_balance,
    parse_countries,
    parse_number,
    parse_prices,
    parse_services,
    parse_status,
    parse_status_v2,
    parse_until,
    read_answer,
)


def answer(body: str, status: int = 200):  # type: ignore[no-untyped-def]
    return read_answer(status, body.encode())


def error(body: str, status: int = 200) -> SmsError | None:
    return error_for(answer(body, status), provider="x", currency="USD")


# -- splitting -------------------------------------------------------------------


def test_a_status_reply_is_split_at_its_first_colon_only() -> None:
    reply = answer("STATUS_OK:Your code is: 123456")

    assert (reply.token, reply.value) == ("STATUS_OK", "Your code is: 123456")


def test_a_json_error_carries_its_token() -> None:
    reply = answer('{"status": "error", "message": "WRONG_MAX_PRICE:0.5"}')

    assert (reply.token, reply.value) == ("WRONG_MAX_PRICE", "0.5")


def test_a_json_success_has_no_token() -> None:
    reply = answer('{"status": "success", "activeActivations": []}')

    assert reply.token is None
    assert reply.is_json


def test_a_nested_json_error_object_carries_its_token() -> None:
    assert answer('{"error": {"code": "BAD_KEY"}}').token == "BAD_KEY"


def test_a_code_inside_json_is_never_taken_for_an_error_token() -> None:
    reply = answer('{"sms": {"code": "ABC123", "text": "ABC123"}}')

    assert reply.token is None


def test_whitespace_and_a_byte_order_mark_are_ignored() -> None:
    assert answer("\ufeff  ACCESS_BALANCE:1.50\r\n").token == "ACCESS_BALANCE"


def test_an_html_page_is_a_page() -> None:
    reply = answer("<!DOCTYPE html><html><body>moved</body></html>", 200)

    assert reply.is_page
    assert reply.token is None


# -- errors ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("BAD_KEY", InvalidKey),
        ("NO_KEY", InvalidKey),
        ("NO_BALANCE", NoBalance),
        ("NO_NUMBERS", NoNumbers),
        ("WRONG_MAX_PRICE:0.500000", NoNumbers),
        ("BAD_SERVICE", CountryNotSupported),
        ("BAD_COUNTRY", CountryNotSupported),
        ("WRONG_SERVICE", CountryNotSupported),
        ("WRONG_COUNTRY", CountryNotSupported),
        ("WRONG_OPERATOR", CountryNotSupported),
        ("BANNED", Banned),
        ("BANNED:2026-12-04 18:00:00", Banned),
        ("CHANNELS_LIMIT", Banned),
        ("SERVICE_UNAVAILABLE_REGION", Banned),
        ("ERROR_SQL", ProviderUnavailable),
        ("EARLY_CANCEL_DENIED", ProviderUnavailable),
        ("NO_ACTIVATION", NotFound),
        ("WRONG_ACTIVATION_ID", NotFound),
        ("BAD_ACTION", InvalidResponse),
        ("BAD_STATUS", InvalidResponse),
        ("Internal error, please contact support", ProviderUnavailable),
        ("This service is prohibited for sale in your region", CountryNotSupported),
    ],
)
def test_every_documented_error_token_has_its_kind(
    body: str, kind: type[SmsError]
) -> None:
    found = error(body)

    assert type(found) is kind
    assert found.provider == "x"
    assert found.raw == body


@pytest.mark.parametrize(
    "body",
    [
        '{"status": "error", "message": "NO_BALANCE"}',
        '{"error": "NO_BALANCE"}',
        '{"title": "NO_BALANCE", "details": "top up"}',
    ],
)
def test_errors_sent_as_json_map_the_same(body: str) -> None:
    assert type(error(body)) is NoBalance


@pytest.mark.parametrize("status", [200, 400, 402, 403])
def test_errors_map_the_same_whatever_the_http_status(status: int) -> None:
    assert type(error("NO_BALANCE", status)) is NoBalance


def test_wrong_max_price_carries_the_providers_minimum() -> None:
    found = error("WRONG_MAX_PRICE:0.500000")

    assert isinstance(found, NoNumbers)
    assert found.min_price == Decimal("0.500000")
    assert found.message == (
        f"{NoNumbers.default_message} (the provider's lowest price now is $0.50)"
    )


def test_wrong_max_price_without_a_readable_minimum_is_plain_no_numbers() -> None:
    found = error("WRONG_MAX_PRICE:soon")

    assert isinstance(found, NoNumbers)
    assert found.min_price is None
    assert found.message == NoNumbers.default_message


def test_a_ban_says_until_when() -> None:
    found = error("BANNED:2026-12-04 18:00:00")

    assert isinstance(found, Banned)
    assert found.until == dt.datetime(2026, 12, 4, 18, 0, tzinfo=dt.UTC)


def test_a_bare_ban_has_no_end() -> None:
    found = error("BANNED")

    assert isinstance(found, Banned)
    assert found.until is None
    assert found.message == Banned.default_message


@pytest.mark.parametrize(
    ("value", "until"),
    [
        ("2026-12-04 18:00:00", dt.datetime(2026, 12, 4, 18, 0)),
        ("'2026-12-4 18-05-00'", dt.datetime(2026, 12, 4, 18, 5)),
        ("2026-12-04T18:00:00+03:00", dt.datetime(2026, 12, 4, 15, 0, tzinfo=dt.UTC)),
        ("1796407200", dt.datetime(2026, 12, 4, 18, 0, tzinfo=dt.UTC)),
        ("forever", None),
        ("", None),
        (None, None),
    ],
)
def test_ban_times_are_read_leniently(
    value: str | None, until: dt.datetime | None
) -> None:
    assert parse_until(value) == until


def test_an_unknown_token_is_no_known_error() -> None:
    assert error("SOMETHING_NEW") is None


# -- success replies ---------------------------------------------------------------


def test_balance_keeps_its_decimals() -> None:
    assert parse_balance(answer("ACCESS_BALANCE:12.3400")) == Decimal("12.3400")


def test_balance_as_json_is_read_too() -> None:
    assert parse_balance(answer('{"balance": "3.5"}')) == Decimal("3.5")


@pytest.mark.parametrize(
    "body",
    ["ACCESS_BALANCE", "ACCESS_BALANCE:", "ACCESS_BALANCE:lots", "ACCESS_NUMBER:1:2"],
)
def test_a_broken_balance_is_malformed(body: str) -> None:
    with pytest.raises(Malformed):
        parse_balance(answer(body))


def test_a_text_purchase_keeps_a_long_id_as_a_string() -> None:
    bought = parse_number(answer("ACCESS_NUMBER:98765432101234567:6281234567890"))

    assert bought == Bought("98765432101234567", "+6281234567890")


def test_a_json_purchase_carries_the_price() -> None:
    body = (
        '{"activationId": 635468024, "phoneNumber": "6281234567890", '
        '"activationCost": 0.25, "currency": 840, "canGetAnotherSms": "1"}'
    )

    assert parse_number(answer(body)) == Bought(
        "635468024", "+6281234567890", Decimal("0.25")
    )


def test_a_json_purchase_with_a_string_id_a_plus_and_a_string_price() -> None:
    body = (
        '{"activationId": "123456789", "phoneNumber": "+7 999 123-45-67", '
        '"activationCost": "0.12", "canGetAnotherSms": true}'
    )

    assert parse_number(answer(body)) == Bought(
        "123456789", "+79991234567", Decimal("0.12")
    )


@pytest.mark.parametrize(
    "body",
    [
        "ACCESS_NUMBER:123",
        "ACCESS_NUMBER::79991234567",
        "ACCESS_NUMBER:123:",
        "ACCESS_NUMBER:123:not-a-phone",
        "ACCESS_NUMBER:12 3:79991234567",
        "ACCESS_NUMBER:../../etc:79991234567",
        "ACCESS_NUMBER:1:1234567890123456789012",
        '{"activationId": true, "phoneNumber": "79991234567"}',
        '{"activationId": 1.5, "phoneNumber": "79991234567"}',
        '{"activationId": -4, "phoneNumber": "79991234567"}',
        '{"activationId": 1}',
        '{"activationId": 1, "phoneNumber": ["79991234567"]}',
        '{"activationId": 1, "phoneNumber": "79991234567", "activationCost": -1}',
        '{"activationId": 1, "phoneNumber": "79991234567", "activationCost": "NaN"}',
        '["ACCESS_NUMBER", 1, "79991234567"]',
        "ACCESS_BALANCE:1",
    ],
)
def test_a_broken_purchase_is_malformed(body: str) -> None:
    with pytest.raises(Malformed):
        parse_number(answer(body))


@pytest.mark.parametrize(
    "body", ["STATUS_WAIT_CODE", "STATUS_WAIT_RESEND", "STATUS_WAIT_RETRY:482913"]
)
def test_every_wait_is_waiting_even_with_an_old_code(body: str) -> None:
    assert parse_status(answer(body)) == ("waiting", None)


def test_status_cancel_means_the_provider_ended_it() -> None:
    assert parse_status(answer("STATUS_CANCEL")) == ("cancelled", None)


def test_a_bare_code() -> None:
    assert parse_status(answer("STATUS_OK:482913")) == ("code", Code("482913"))


def test_a_code_in_its_whole_text_keeps_the_text() -> None:
    state, code = parse_status(answer("STATUS_OK:Your code is: 123456"))

    assert state == "code"
    assert code == Code("123456", "Your code is: 123456")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("482913", "482913"),
        ("'12345'", "12345"),
        ("G-482913", "G-482913"),
        ("AB12CD", "AB12CD"),
        ("Your WhatsApp code 123-456", "123-456"),
        ("Use 4821 to log in. Valid 10 minutes", "4821"),
        ("no digits in here at all", "no digits in here at all"),
    ],
)
def test_codes_are_found_in_their_text(text: str, code: str) -> None:
    assert code_from_text(text).code == code


@pytest.mark.parametrize(
    "body", ["STATUS_OK", "STATUS_OK:", "STATUS_OK:''", "STATUS_OK:" + "9" * 5000]
)
def test_an_empty_or_oversized_code_is_malformed(body: str) -> None:
    with pytest.raises(Malformed):
        parse_status(answer(body))


@pytest.mark.parametrize("body", ["ACCESS_READY", "STATUS", "OK", '{"status": 1}'])
def test_an_unknown_status_is_malformed(body: str) -> None:
    with pytest.raises(Malformed):
        parse_status(answer(body))


def test_status_v2_gives_the_whole_sms() -> None:
    body = (
        '{"verificationType": 0, "sms": {"dateTime": "2026-12-04 15:02:11", '
        '"code": "482913", "text": "Your code is 482913"}, "call": null}'
    )

    assert parse_status_v2(answer(body)) == Code("482913", "Your code is 482913")


def test_status_v2_reads_a_code_given_by_call() -> None:
    body = '{"sms": null, "call": {"code": 5521, "text": "call code"}}'

    assert parse_status_v2(answer(body)) == Code("5521", "call code")


def test_status_v2_without_a_code_is_none() -> None:
    assert parse_status_v2(answer('{"verificationType": 0, "sms": null}')) is None


PRICES_V1 = '{"6": {"tg": {"cost": 0.35, "count": 1520, "physicalCount": 900}}}'


def test_prices_in_the_classic_shape() -> None:
    assert parse_prices(answer(PRICES_V1), "6", "tg") == [(Decimal("0.35"), 1520)]


def test_prices_nested_service_first_are_read_too() -> None:
    body = '{"tg": {"6": {"price": "0.35", "count": "7"}}}'

    assert parse_prices(answer(body), "6", "tg") == [(Decimal("0.35"), 7)]


def test_price_tiers_keyed_by_price() -> None:
    body = '{"6": {"ot": {"0.08": 120, "0.10": 45}}}'

    assert parse_prices(answer(body), "6", "ot") == [
        (Decimal("0.08"), 120),
        (Decimal("0.10"), 45),
    ]


def test_price_tiers_keyed_by_supplier() -> None:
    body = '{"6": {"ot": {"2295": {"price": 0.08, "count": 120}}}}'

    assert parse_prices(answer(body), "6", "ot") == [(Decimal("0.08"), 120)]


def test_prices_with_a_supplier_breakdown_give_the_headline_price() -> None:
    body = (
        '{"62": {"wx": {"price": 2, "count": 1307, "providers": {'
        '"311": {"count": 820, "price": [2]}, '
        '"312": {"count": 487, "price": [2.5, 3]}}}}}'
    )

    assert parse_prices(answer(body), "62", "wx") == [(Decimal("2"), 1307)]


def test_no_entry_means_nothing_on_offer() -> None:
    assert parse_prices(answer(PRICES_V1), "187", "tg") == []


@pytest.mark.parametrize(
    "body",
    [
        '{"6": {"tg": {"cost": -1, "count": 3}}}',
        '{"6": {"tg": {"cost": "free", "count": 3}}}',
        '{"6": {"tg": [0.35]}}',
        '["0.35"]',
        "NO_NUMBERS",
    ],
)
def test_broken_prices_are_malformed(body: str) -> None:
    with pytest.raises(Malformed):
        parse_prices(answer(body), "6", "tg")


def test_active_activations_as_documented() -> None:
    body = (
        '{"status": "success", "activeActivations": [{"activationId": "635468024", '
        '"serviceCode": "tg", "phoneNumber": "6281234567890", "activationCost": 0.35, '
        '"activationStatus": "4", "smsCode": null, "smsText": null, '
        '"countryCode": "6", "countryName": "Indonesia", "currency": "840"}]}'
    )

    assert parse_active(answer(body)) == [
        Bought("635468024", "+6281234567890", Decimal("0.35"), "tg", "6")
    ]


def test_active_activations_keyed_by_id_are_read_too() -> None:
    body = '{"activeActivations": {"7": {"id": 7, "phone": "79991234567"}}}'

    assert parse_active(answer(body)) == [Bought("7", "+79991234567")]


@pytest.mark.parametrize(
    "body", ['{"activeActivations": "none"}', '{"activeActivations": [1]}', '"x"']
)
def test_broken_active_activations_are_malformed(body: str) -> None:
    with pytest.raises(Malformed):
        parse_active(answer(body))


def test_countries_keyed_by_id() -> None:
    body = '{"6": {"id": 6, "rus": "Индонезия", "eng": "Indonesia", "visible": 1}}'

    assert parse_countries(answer(body)) == {"6": "Indonesia"}


def test_countries_as_a_list() -> None:
    body = '[{"id": 1003, "rus": "Бермуды", "eng": "Bermuda", "chn": "百慕大"}]'

    assert parse_countries(answer(body)) == {"1003": "Bermuda"}


def test_countries_as_plain_names() -> None:
    assert parse_countries(answer('{"0": "Russia"}')) == {"0": "Russia"}


def test_services_as_documented() -> None:
    body = '{"status": "success", "services": [{"code": "aoo", "name": "Pegasus"}]}'

    assert parse_services(answer(body)) == {"aoo": "Pegasus"}


def test_services_as_an_object() -> None:
    assert parse_services(answer('{"tg": "Telegram"}')) == {"tg": "Telegram"}


@pytest.mark.parametrize(
    ("parse", "body"),
    [
        (parse_countries, "[1, 2]"),
        (parse_countries, '{"6": {"rus": 5}}'),
        (parse_services, '{"services": [{"code": 1}]}'),
        (parse_services, '{"services": ["tg"]}'),
    ],
)
def test_broken_lists_are_malformed(parse, body: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Malformed):
        parse(answer(body))
