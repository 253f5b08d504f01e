"""The command line's own words: each run chooses its language once (``--lang``, else
``DANGJIAN_LANG``, else Chinese), its help is read from the wording catalogue in that language (help
strings in code are catalogue keys), and a usage error is one line in it, with exit code 2.

>>> from typer.testing import CliRunner
>>> from dangjian.cli.main import app
>>> print(CliRunner().invoke(app, ["rules", "--help"]).stdout.splitlines()[0])
用法：dangjian rules [选项]
>>> res = CliRunner().invoke(app, ["gaps", "--lang", "en", "--limit", "x"])
>>> res.exit_code, res.stderr
(2, 'error: invalid value for --limit: must be a whole number (see: dangjian gaps --help)\\n')
"""

from __future__ import annotations

import re
import sys
from typing import Any

from typer import _click as click
from typer._click import exceptions as cx
from typer._click.utils import echo
from typer.core import TyperArgument, TyperCommand, TyperGroup
from typer.exceptions import Abort

from dangjian.wording import has, t, using

__all__ = ["Command", "Group", "lang_in"]


def lang_in(args: list[str]) -> str | None:
    """The value of ``--lang`` among ``args``, if given."""
    for i, a in enumerate(args):
        if a == "--lang" and i + 1 < len(args):
            return args[i + 1]
        if a.startswith("--lang="):
            return a.split("=", 1)[1]
    return None


def _word(text: str | None) -> str | None:
    return t(text) if text and has(text) else text


# the framing words of typer's help records, in the language in use
_FRAMING = (("[default: ", "cli.help.default"), ("; default: ", "cli.help.default_after"), ("env var: ", "cli.help.env"),
            ("required]", "cli.help.required"))


def _framed(record: tuple[str, str] | None) -> tuple[str, str] | None:
    if record is None:
        return None
    name, text = record
    for english, key in _FRAMING:
        text = text.replace(english, t(key))
    return name, text


class _Worded:
    """Help in the language in use: the command's and its parameters' help strings are read from
    the catalogue when the help is shown."""

    params: list[Any]
    help: str | None

    def get_short_help_str(self, limit: int = 45) -> str:
        saved, self.help = self.help, _word(self.help)
        try:
            return super().get_short_help_str(limit)  # type: ignore[misc]
        finally:
            self.help = saved

    def get_help_option(self, ctx: click.Context) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = t("cli.help.option")
        return option

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        usage = " ".join(self.collect_usage_pieces(ctx))  # type: ignore[attr-defined]
        for english, key in (("[OPTIONS]", "options_usage"), ("COMMAND", "command_usage"), ("[ARGS]...", "args_usage")):
            usage = usage.replace(english, t(f"cli.help.{key}"))
        formatter.write_usage(ctx.command_path, usage, t("cli.help.usage"))

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        saved = [(p, p.help) for p in self.get_params(ctx) if hasattr(p, "help")]  # type: ignore[attr-defined]
        own = self.help
        try:
            self.help = _word(self.help)
            for p, text in saved:
                p.help = _word(text)
            super().format_help(ctx, formatter)  # type: ignore[misc]
        finally:
            self.help = own
            for p, text in saved:
                p.help = text

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        arguments = [_framed(p.get_help_record(ctx)) for p in self.get_params(ctx)  # type: ignore[attr-defined]
                     if isinstance(p, TyperArgument)]  # fmt: skip
        options = [_framed(p.get_help_record(ctx)) for p in self.get_params(ctx)  # type: ignore[attr-defined]
                   if not isinstance(p, TyperArgument)]  # fmt: skip
        for title, records in ((t("cli.help.arguments"), arguments), (t("cli.help.options"), options)):
            records = [r for r in records if r is not None]
            if records:
                with formatter.section(title):
                    formatter.write_dl(records)
        if isinstance(self, TyperGroup):
            rows = [(name, cmd.get_short_help_str(formatter.width - 6 - len(name)))
                    for name in self.list_commands(ctx) if (cmd := self.get_command(ctx, name)) is not None
                    and not cmd.hidden]  # fmt: skip
            if rows:
                with formatter.section(t("cli.help.commands")):
                    formatter.write_dl(rows)

    def main(self, args: list[str] | None = None, *pos: Any, standalone_mode: bool = True, **kw: Any) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        with using(lang_in(argv)):
            try:
                code = super().main(argv, *pos, standalone_mode=False, **kw)  # type: ignore[misc]
            except cx.ClickException as exc:
                if not standalone_mode:
                    raise
                if isinstance(exc, cx.NoArgsIsHelpError):
                    exc.show()
                else:
                    echo(_usage_line(exc), err=True)
                sys.exit(exc.exit_code)
            except Abort:
                if not standalone_mode:
                    raise
                echo(t("cli.interrupted"), err=True)
                sys.exit(1)
        if not standalone_mode:
            return code
        sys.exit(code if isinstance(code, int) else 0)  # a command returns None; typer.Exit(n) gives n


def _usage_line(exc: cx.ClickException) -> str:
    """One line for a usage error: what is wrong, in the language in use, and where help is."""
    if isinstance(exc, cx.NoSuchOption):
        what = t("cli.usage.no_such_option", name=exc.option_name)
        if exc.possibilities:
            what += t("cli.usage.did_you_mean", names=", ".join(sorted(exc.possibilities)))
    elif isinstance(exc, cx.MissingParameter):
        what = t("cli.usage.missing", name=_param_name(exc))
    elif isinstance(exc, cx.BadParameter):
        what = t("cli.usage.bad_value", name=_param_name(exc), message=_detail(exc.message))
    else:
        what = _detail(exc.message)
    ctx = getattr(exc, "ctx", None)
    where = t("cli.usage.see", command=ctx.command_path) if ctx is not None else ""
    return t("cli.error_line", message=what + where)


def _param_name(exc: cx.BadParameter) -> str:
    if exc.param_hint is not None:
        hint = exc.param_hint
        return " / ".join(hint) if isinstance(hint, (list, tuple)) else str(hint).strip("'")
    if exc.param is not None:
        opts = getattr(exc.param, "opts", None)
        return opts[0] if opts and opts[0].startswith("-") else exc.param.human_readable_name
    return "?"


# click's own sentences, as the catalogue says them (the rest are kept as click wrote them)
_CLICK_SENTENCES = (
    (re.compile(r"^'(.*)' is not a valid integer\.$"), "cli.usage.not_integer"),
    (re.compile(r"^Input should be a valid integer(.*)$"), "cli.usage.whole_number"),
    (re.compile(r"^Input should be a valid number(.*)$"), "cli.usage.number"),
    (re.compile(r"^'(.*)' is not a valid float\.$"), "cli.usage.not_number"),
    (re.compile(r"^No such command '(.*)'\.$"), "cli.usage.no_such_command"),
    (re.compile(r"^Got unexpected extra arguments? \((.*)\)$"), "cli.usage.extra_argument"),
    (re.compile(r"^Option '(.*)' requires an argument\.$"), "cli.usage.needs_value"),
    (re.compile(r"^(.*) is not in the range (.*)\.$"), "cli.usage.out_of_range"),
    (re.compile(r"^Path '(.*)' does not exist\.$"), "cli.usage.no_path"),
)


def _detail(message: str) -> str:
    for pattern, key in _CLICK_SENTENCES:
        m = pattern.match(message)
        if m:
            return t(key, value=m.group(1), limit=m.group(m.lastindex or 1))
    return message


class Command(_Worded, TyperCommand):
    """A command whose help and usage errors are in the language of its run."""


class Group(_Worded, TyperGroup):
    """The command group: chooses the language of the run and lists its commands in it."""

