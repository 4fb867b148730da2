"""``smsplug plugins``: what each installed plugin is and which hooks it has."""

from __future__ import annotations

import json
from typing import Any

import attrs
import click


@click.command("plugins")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def plugins_command(as_json: bool) -> None:
    """List installed plugins: name, version, distribution and hooks."""
    from smsplug.plugins import Plugins  # loaded by the command, not by --help

    plugins = Plugins.discover()
    rows: list[dict[str, Any]] = [
        {
            "name": name,
            "version": loaded.version,
            "distribution": loaded.distribution,
            "hooks": loaded.hooks,
        }
        for name, loaded in sorted(plugins.providers.items())
    ]
    failed = [attrs.asdict(f) for f in plugins.failures]
    if as_json:
        click.echo(json.dumps({"plugins": rows, "failed": failed}))
        return
    if not rows:
        click.echo("no provider plugins are installed; pip install smsplug-<provider>")
    for row in rows:
        click.echo(
            f"{row['name']:<12} {row['distribution'] or '-'} {row['version'] or '-'}\n"
            f"  hooks: {', '.join(row['hooks'])}"
        )
    for failure in failed:
        click.echo(
            f"failed: {failure['entry_point']} ({failure['distribution']}): "
            f"{failure['error']}",
            err=True,
        )
