"""Regenerate cassettes/custom/activate-*.yaml from a loopback sms-activate clone.

python -m tests.providers.custom_activate.record [scenario ...]
"""

from tests.providers.activate_suite import record_main
from tests.providers.custom_activate import CASE

if __name__ == "__main__":
    record_main(CASE)
