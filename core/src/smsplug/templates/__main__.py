"""Print where the plugin template is: ``python -m smsplug.templates``."""

from smsplug.templates import PLUGIN

print(PLUGIN)
