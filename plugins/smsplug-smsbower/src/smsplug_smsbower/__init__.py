"""The ``smsbower`` provider: SMSBower, on the sms-activate compatible protocol.

The protocol itself is :mod:`smsplug.protocols.activate`; this plugin names
SMSBower's dialect of it: its base URL, currency, the newer actions it
offers, its purchase options and its id tables (:mod:`smsplug_smsbower.ids`).
"""

from __future__ import annotations

from smsplug.protocols.activate import ActivateAPI, Dialect
from smsplug_smsbower import ids

__all__ = ["API", "DIALECT"]

DIALECT = Dialect(
    name="smsbower",
    title="SMSBower",
    base_url="https://smsbower.org/stubs/handler_api.php",
    currency="USD",
    homepage="https://smsbower.org",
    countries=ids.COUNTRIES,
    services=ids.SERVICES,
    number_v2=True,
    number_settings=("provider_ids", "except_provider_ids", "phone_exception"),
)
API = ActivateAPI(DIALECT)

provider_info = API.provider_info
get_balance = API.get_balance
price_list = API.price_list
get_number = API.get_number
poll_code = API.poll_code
cancel = API.cancel
finish = API.finish
request_another_code = API.request_another_code
