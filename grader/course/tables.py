"""Reading one table of a TOML document: typed keys, unknown keys refused with the closest valid one."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from grader.errors import ConfigError


def suggest(received: str, valid: list[str]) -> str:
    """ " Did you mean ...?" with the closest valid value, or nothing."""
    close = difflib.get_close_matches(received, valid, n=1, cutoff=0.5)
    return f" Did you mean {close[0]!r}?" if close else ""


class TableReader:
    """Reads one table of the TOML document, recording which keys were used."""

    def __init__(self, table: Any, where: str, path: Path) -> None:
        if not isinstance(table, dict):
            raise ConfigError(
                f"[{where}] must be a table, received {type(table).__name__} {table!r}.", path=path, key=where
            )
        self.table = table
        self.where = where
        self.path = path

    def _key(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = ..., what: str = "") -> Any:
        if key not in self.table:
            if default is ...:
                raise ConfigError(
                    f"Missing key {self._key(key)!r}: add it{(' (' + what + ')') if what else ''}.",
                    path=self.path,
                    key=self._key(key),
                )
            return default
        value = self.table[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        # bool is an int in Python; a TOML `true` is never a valid number here.
        if isinstance(value, bool) and bool not in kinds or not isinstance(value, kinds):
            names = " or ".join(k.__name__ for k in kinds)
            raise ConfigError(
                f"{self._key(key)!r} must be {names}, received {type(value).__name__} {value!r}.",
                path=self.path,
                key=self._key(key),
            )
        return value

    def reject_unknown(self, valid: list[str]) -> None:
        for key in self.table:
            if key not in valid:
                raise ConfigError(
                    f"Unknown key {self._key(key)!r} (value {self.table[key]!r}).{suggest(key, valid)}"
                    f" Valid keys here: {', '.join(valid)}.",
                    path=self.path,
                    key=self._key(key),
                )
