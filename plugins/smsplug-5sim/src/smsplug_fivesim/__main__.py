"""``python -m smsplug_fivesim ban ID``: report a 5sim number as bad.

The ``smsplug`` command has no way for a plugin to add a command, so this
5sim-only operation has its own small entry. It reads the same settings
(smsplug.toml, ``SMSPLUG_5SIM_*``) and prints errors the same way.
"""

from __future__ import annotations

import asyncio
import json
import sys

import click

import smsplug_fivesim
from smsplug import Client, ConfigError, SmsError, load_settings
from smsplug.plugins import Plugins


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    type=click.Path(dir_okay=False),
    envvar="SMSPLUG_CONFIG",
    help="Settings file (default: smsplug.toml in the user config directory).",
)
@click.pass_context
def main(ctx: click.Context, config: str | None) -> None:
    """5sim operations that the smsplug command does not have."""
    ctx.obj = config


@main.command()
@click.argument("number_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.pass_obj
def ban(config: str | None, number_id: str, as_json: bool) -> None:
    """Report number ID as bad (already used on the service); 5sim ends it."""
    try:
        status = asyncio.run(_ban(config, number_id))
    except SmsError as error:
        if as_json:
            click.echo(json.dumps({"error": error.to_dict()}))
        else:
            click.echo(f"error ({error.kind}): {error}", err=True)
        sys.exit(2 if isinstance(error, ConfigError) else 1)
    if as_json:
        click.echo(json.dumps({"id": number_id, "status": status.lower()}))
    elif status == "BANNED":
        click.echo(f"banned {number_id}")
    else:
        click.echo(f"number {number_id} had already ended ({status.lower()})")


async def _ban(config: str | None, number_id: str) -> str:
    plugins = Plugins()
    plugins.add(smsplug_fivesim, distribution="smsplug-5sim")
    async with Client(load_settings(config), plugins=plugins) as client:
        return await smsplug_fivesim.ban(client, number_id)


if __name__ == "__main__":
    main(prog_name="python -m smsplug_fivesim")
