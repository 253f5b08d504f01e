"""Rules config files: :func:`load_config` reads per-rule overrides (thresholds, ``enabled``,
``severity``) from YAML and checks every value against the rule's default, raising
:class:`ConfigError` (its text in Chinese and English attached for the CLI) for one it cannot use.

>>> import pathlib, tempfile
>>> cfg = pathlib.Path(tempfile.mkdtemp()) / "rules.yaml"
>>> _ = cfg.write_text("rules: {branch-too-large: {max_members: 60}}", encoding="utf-8")
>>> load_config(cfg)
{'branch-too-large': {'max_members': 60}}
>>> _ = cfg.write_text("rules: {branch-too-large: {max_members: -1}}", encoding="utf-8")
>>> load_config(cfg)
Traceback (most recent call last):
...
dangjian.queries.config.ConfigError: ...: rules.branch-too-large.max_members must not be negative (got -1)
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from dangjian.graph.errors import DangjianError
from dangjian.queries.registry import SEVERITIES, rules_registry

__all__ = ["load_config", "ConfigError"]


class ConfigError(DangjianError):
    """A rules config file that cannot be used."""


def load_config(path: str | os.PathLike | None) -> dict[str, dict[str, Any]]:
    """Per-rule overrides from a YAML file (``rules: {rule-id: {param: value, enabled: false}}``).

    Every value is checked against the rule's default: a count must be a whole number, not negative
    (months and years within a century), an amount a number, a list a list of texts; ``enabled`` is
    true or false. A :class:`ConfigError` names the file and the key (Chinese and English texts
    attached for the CLI)."""
    if path is None:
        return {}
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _config_error(f"cannot read rules config {path}: no such file",
                            f"找不到规则配置文件 {path}", f"no rules config file {path}") from None
    except IsADirectoryError:
        raise _config_error(f"cannot read rules config {path}: it is a folder",
                            f"规则配置 {path} 是文件夹，不是 YAML 文件",
                            f"rules config {path} is a folder, not a YAML file") from None
    except UnicodeDecodeError:
        raise _config_error(f"cannot read rules config {path}: not UTF-8 text",
                            f"规则配置文件 {path} 不是 UTF-8 文本（请另存为 UTF-8）",
                            f"rules config {path} is not UTF-8 text") from None
    except OSError as exc:
        raise _config_error(f"cannot read rules config {path}: {exc.strerror or exc}",
                            f"无法读取规则配置文件 {path}：{exc.strerror or exc}",
                            f"cannot read rules config {path}: {exc.strerror or exc}") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark is not None else ""
        where_en = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).strip().splitlines()[0]
        raise _config_error(f"cannot read rules config {path}: {problem}{where_en}",
                            f"规则配置文件 {path} 不是有效的 YAML：{where}{problem}",
                            f"rules config {path} is not valid YAML{where_en}: {problem}") from None
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise _config_error(f"{path}: expected a 'rules:' mapping of rule ids to settings",
                            f"{path}：顶层应为“rules:”下按规则编号列出的设置，而不是{_kind_zh(raw)}",
                            f"{path}: expected a 'rules:' mapping of rule ids to settings, "
                            f"not {_kind_en(raw)}")
    extra = sorted(str(k) for k in raw if k != "rules")
    if extra:
        raise _config_error(f"{path}: unknown key {extra[0]!r} (expected: rules)",
                            f"{path}：未知的键“{extra[0]}”（只能有 rules）",
                            f"{path}: unknown key {extra[0]!r} (expected: rules)")
    rules = raw.get("rules", {})
    if rules is None:
        return {}
    if not isinstance(rules, dict):
        raise _config_error(f"{path}: expected a 'rules:' mapping of rule ids to settings",
                            f"{path}：rules 应为按规则编号列出的设置，而不是{_kind_zh(rules)}",
                            f"{path}: 'rules' must map rule ids to settings, not {_kind_en(rules)}")
    known = rules_registry()
    checked: dict[str, dict[str, Any]] = {}
    for rid, settings in rules.items():
        if rid not in known:
            raise _config_error(f"{path}: no rule {rid!r} (see: dangjian rules)",
                                f"{path}：没有规则“{rid}”（见 dangjian rules）",
                                f"{path}: no rule {rid!r} (see: dangjian rules)")
        if settings is None:
            settings = {}
        if not isinstance(settings, dict):
            raise _config_error(f"{path}: settings of {rid} must be a mapping",
                                f"{path}：rules.{rid} 应为“设置: 值”的映射，而不是{_kind_zh(settings)}",
                                f"{path}: rules.{rid} must be a mapping of settings, "
                                f"not {_kind_en(settings)}")
        allowed = set(known[rid].params) | {"enabled", "severity"}
        unknown = sorted(str(k) for k in settings if k not in allowed)
        if unknown:
            raise _config_error(f"{path}: rule {rid} has no setting {unknown[0]!r} "
                                f"(it has: {', '.join(sorted(allowed))})",
                                f"{path}：规则 {rid} 没有设置“{unknown[0]}”（可用：{'、'.join(sorted(allowed))}）",
                                f"{path}: rule {rid} has no setting {unknown[0]!r} "
                                f"(it has: {', '.join(sorted(allowed))})")
        if "severity" in settings and settings["severity"] not in SEVERITIES:
            raise _config_error(f"{path}: severity of {rid} must be one of {', '.join(SEVERITIES)}",
                                f"{path}：rules.{rid}.severity 应为 {'、'.join(SEVERITIES)} 之一",
                                f"{path}: severity of {rid} must be one of {', '.join(SEVERITIES)}")
        for key, value in settings.items():
            if key == "severity":
                continue
            problem = _check_value(key, value, known[rid].params.get(key))
            if problem is not None:
                zh, en = problem
                raise _config_error(f"{path}: rules.{rid}.{key} {en} (got {value!r})",
                                    f"{path}：rules.{rid}.{key} {zh}（现为 {value!r}）",
                                    f"{path}: rules.{rid}.{key} {en} (got {value!r})")
        checked[rid] = settings
    return checked


# Thresholds that may be fractional (an area, an amount); every other numeric one is a count.
_AMOUNTS = {"standard_m2", "per_community_yuan", "per_100_households_yuan"}
# Durations: bounded so that date arithmetic stays within the calendar.
_MAXIMA = {"months": 1200, "community_term_years": 100}


def _check_value(key: str, value: Any, default: Any) -> tuple[str, str] | None:
    """What is wrong with ``value`` for setting ``key`` (whose default is ``default``), in Chinese
    and English; None if nothing."""
    if key == "enabled":
        return None if isinstance(value, bool) else ("应为 true 或 false", "must be true or false")
    if isinstance(default, bool):
        return None if isinstance(value, bool) else ("应为 true 或 false", "must be true or false")
    if isinstance(default, (int, float)):
        whole = key not in _AMOUNTS
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if not number or (whole and not isinstance(value, int)):
            return ("应为整数", "must be a whole number") if whole else ("应为数字", "must be a number")
        if value != value or value in (float("inf"), float("-inf")):
            return "应为有限的数字", "must be a finite number"
        if value < 0:
            return "不能为负数", "must not be negative"
        top = _MAXIMA.get(key)
        if top is not None and value > top:
            return f"不能大于 {top}", f"must be at most {top}"
        return None
    if isinstance(default, list):
        if key == "required_in" and value == "all":
            return None
        ok = isinstance(value, list) and all(isinstance(x, (str, int)) and not isinstance(x, bool)
                                             for x in value)  # fmt: skip
        if not ok:
            if key == "required_in":
                return "应为 all 或编号、名称的列表", "must be all or a list of ids or names"
            return "应为文字的列表", "must be a list of texts"
        return None
    if isinstance(default, str):
        return None if isinstance(value, str) else ("应为文字", "must be text")
    return None


def _config_error(text: str, zh: str, en: str) -> ConfigError:
    exc = ConfigError(text)
    exc.zh, exc.en = zh, en  # type: ignore[attr-defined]
    return exc


def _kind_zh(value: Any) -> str:
    return {list: "列表", str: "文字", int: "数字", float: "数字", bool: "真假值"}.get(type(value), type(value).__name__)


def _kind_en(value: Any) -> str:
    return {list: "a list", str: "text", int: "a number", float: "a number", bool: "true/false"}.get(
        type(value), type(value).__name__)
