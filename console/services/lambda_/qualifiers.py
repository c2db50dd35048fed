"""What a function can be invoked at: its aliases and published versions, and the default.

The invoke screen offers these as the qualifier choice. The default, for the screen and
`opsdeck lambda invoke` alike (`default_qualifier`), is the configured traffic alias
(`traffic_alias` in config.toml, `live` unless set) when the function has it (what
production traffic runs), else $LATEST.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from console.aws.context import AwsContext
from console.config import DEFAULT_TRAFFIC_ALIAS
from console.services.lambda_.sources import list_aliases
from console.services.lambda_.detail import fetch_versions
from console.services.lambda_.models import LambdaAlias

LATEST = "$LATEST"


def default_qualifier(alias_names: Iterable[str], traffic_alias: str = DEFAULT_TRAFFIC_ALIAS) -> str:
    """The traffic alias when the function has it, else $LATEST."""
    return traffic_alias if traffic_alias in set(alias_names) else LATEST


@dataclass(frozen=True)
class Qualifiers:
    aliases: tuple[LambdaAlias, ...] = ()
    versions: tuple[str, ...] = (LATEST,)  # $LATEST first, then newest published first

    def default(self, traffic_alias: str = DEFAULT_TRAFFIC_ALIAS) -> str:
        return default_qualifier((a.name for a in self.aliases), traffic_alias)

    def choices(self) -> list[tuple[str, str]]:
        """(label, qualifier): aliases with their routing (`live→3 (90%) 4 (10%)`), then versions."""
        aliases = [(f"alias {a.routing}", a.name) for a in sorted(self.aliases, key=lambda a: a.name)]
        versions = [(f"version {v}", v) for v in self.versions]
        return aliases + versions


async def fetch_qualifiers(ctx: AwsContext, function_name: str) -> Qualifiers:
    """ListAliases + ListVersionsByFunction (reads: allowed in read-only mode)."""
    aliases = tuple(await list_aliases(ctx, function_name))
    versions = tuple(v.version for v in await fetch_versions(ctx, function_name))
    if LATEST not in versions:
        versions = (LATEST, *versions)
    return Qualifiers(aliases, versions)
