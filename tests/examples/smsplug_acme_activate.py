"""A private sms-activate compatible provider: the whole plugin."""

from smsplug.protocols.activate import ActivateAPI, Dialect

DIALECT = Dialect(
    name="acme",
    title="Acme SMS",
    base_url="https://sms.acme.example/stubs/handler_api.php",
    services={"telegram": "tg", "whatsapp": "wa"},
    countries={"us": "187", "gb": "16"},
)
API = ActivateAPI(DIALECT)
provider_info = API.provider_info
get_balance = API.get_balance
price_list = API.price_list
get_number = API.get_number
poll_code = API.poll_code
cancel = API.cancel
finish = API.finish
