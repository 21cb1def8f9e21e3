"""Every command and every flag is documented: in --help with a worked example, and in the README."""
from pathlib import Path

import click
import typer.main

from custodes.cli import app

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def commands():
    group = typer.main.get_command(app)
    return group.commands


def test_every_command_is_in_the_readme():
    missing = [name for name in commands() if f"custodes {name}" not in README]
    assert missing == [], f"commands missing from README.md: {missing}"


def test_every_command_has_help_and_an_example():
    for name, command in commands().items():
        assert command.help and command.help.strip(), name
        assert "custodes " + name in command.help or "Example" in command.help, \
            f"'custodes {name}' --help has no worked example"


def test_every_option_has_help_text():
    for name, command in commands().items():
        for param in command.params:
            if isinstance(param, click.Option) and param.name != "help":
                assert param.help, f"custodes {name} {param.opts[0]} has no help text"
