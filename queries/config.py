"""Rules config files: :func:`load_config` reads per-rule overrides (thresholds, ``enabled``,
``severity``) from YAML and checks every value against the rule's default, raising
:class:`ConfigError` (worded by the catalogue's ``config`` section) for one it cannot use.

>>> import pathlib, tempfile
>>> cfg = pathlib.Path(tempfile.mkdtemp()) / "rules.yaml"
>>> _ = cfg.write_text("rules: {branch-too-large: {max_members: 60}}", encoding="utf-8")
>>> load_config(cfg)
{'branch-too-large': {'max_members': 60}}
>>> _ = cfg.write_text("rules: {branch-too-large: {max_members: -1}}", encoding="utf-8")
>>> load_config(cfg)
Traceback (most recent call last):
...
dangjian.queries.config.ConfigError: ...：rules.branch-too-large.max_members 不能为负数（现为 -1）
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from dangjian.graph.errors import DangjianError
from dangjian.graph.schema import model
from dangjian.queries.registry import SEVERITIES, rules_registry
from dangjian.wording import Later

__all__ = ["load_config", "ConfigError"]


class ConfigError(DangjianError):
    """A rules config file that cannot be used."""


def load_config(path: str | os.PathLike | None) -> dict[str, dict[str, Any]]:
    """Per-rule overrides from a YAML file (``rules: {rule-id: {param: value, enabled: false}}``).

    Every value is checked against the rule's default: a count must be a whole number, not negative
    (months and years within a century), an amount a number, a list a list of texts; ``enabled`` is
    true or false. A :class:`ConfigError` names the file and the key."""
    if path is None:
        return {}
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError("config.no_file", path=path) from None
    except IsADirectoryError:
        raise ConfigError("config.is_folder", path=path) from None
    except UnicodeDecodeError:
        raise ConfigError("config.not_utf8", path=path) from None
    except OSError as exc:
        raise ConfigError("config.cannot_read", path=path, detail=exc.strerror or exc) from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = Later("config.at", line=mark.line + 1, column=mark.column + 1) if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).strip().splitlines()[0]
        raise ConfigError("config.bad_yaml", path=path, where=where, problem=problem) from None
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ConfigError("config.not_mapping", path=path, kind=_kind(raw))
    extra = sorted(str(k) for k in raw if k != "rules")
    if extra:
        raise ConfigError("config.unknown_key", path=path, key=extra[0])
    rules = raw.get("rules", {})
    if rules is None:
        return {}
    if not isinstance(rules, dict):
        raise ConfigError("config.rules_not_mapping", path=path, kind=_kind(rules))
    known = rules_registry()
    checked: dict[str, dict[str, Any]] = {}
    for rid, settings in rules.items():
        if rid not in known:
            raise ConfigError("config.no_rule", path=path, rule=rid)
        settings = {} if settings is None else settings
        if not isinstance(settings, dict):
            raise ConfigError("config.settings_not_mapping", path=path, rule=rid, kind=_kind(settings))
        allowed = set(known[rid].params) | {"enabled", "severity"}
        unknown = sorted(str(k) for k in settings if k not in allowed)
        if unknown:
            raise ConfigError("config.no_setting", path=path, rule=rid, key=unknown[0],
                              allowed=", ".join(sorted(allowed)))  # fmt: skip
        if "severity" in settings and settings["severity"] not in SEVERITIES:
            raise ConfigError("config.bad_severity", path=path, rule=rid, choices=", ".join(SEVERITIES))
        for key, value in settings.items():
            problem = None if key == "severity" else _check_value(key, value, known[rid].params.get(key))
            if problem is not None:
                raise ConfigError("config.bad_value", path=path, rule=rid, key=key, problem=problem, value=repr(value))
        checked[rid] = settings
    return checked


# Thresholds that may be fractional (an area, an amount); every other numeric one is a count.
_AMOUNTS = {"standard_m2", "per_community_yuan", "per_100_households_yuan", "per_member_yuan"}
# Durations: bounded so that date arithmetic stays within the calendar.
_MAXIMA = {"months": 1200, "community_term_years": 100}


def _check_value(key: str, value: Any, default: Any) -> Later | None:
    """What is wrong with ``value`` for setting ``key`` (whose default is ``default``), as a text
    of the catalogue; None if nothing."""
    if key == "enabled" or isinstance(default, bool):
        return None if isinstance(value, bool) else Later("config.must.bool")
    if isinstance(default, (int, float)):
        whole = key not in _AMOUNTS
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if not number or (whole and not isinstance(value, int)):
            return Later("config.must.whole" if whole else "config.must.number")
        if value != value or value in (float("inf"), float("-inf")):
            return Later("config.must.finite")
        if value < 0:
            return Later("config.must.not_negative")
        top = _MAXIMA.get(key)
        return Later("config.must.at_most", top=top) if top is not None and value > top else None
    if isinstance(default, list):
        if key == "required_in" and value == "all":
            return None
        ok = isinstance(value, list) and all(isinstance(x, (str, int)) and not isinstance(x, bool)
                                             for x in value)  # fmt: skip
        if not ok:
            return Later("config.must.all_or_list" if key == "required_in" else "config.must.texts")
        return None
    if isinstance(default, str):
        return None if isinstance(value, str) else Later("config.must.text")
    if isinstance(default, dict):  # per_ring_yuan: ring -> an amount
        rings = model().enums["area_ring"].values
        ok = isinstance(value, dict) and all(k in rings and isinstance(v, (int, float)) and not isinstance(v, bool)
                                             and v >= 0 for k, v in value.items())  # fmt: skip
        return None if ok else Later("config.must.ring_amounts", rings=", ".join(rings))
    return None


def _kind(value: Any) -> Later | str:
    """What a YAML value is, in words: a list, text, a number, true/false."""
    kind = {list: "list", str: "text", int: "number", float: "number", bool: "bool"}.get(type(value))
    return Later(f"config.kind.{kind}") if kind else type(value).__name__
