"""``coopgraph keys``: create, list and revoke API keys.

A ``write`` key writes the projects of the partner it is bound to. One made without a
partner (possible before this was refused) wrote every project, silently: ``create``
refuses that now (an ``admin`` key is the way to write everything), and ``list`` flags the
unbound write keys that exist, to be revoked and made again with ``--partner``.
"""

import argparse

from db import api_keys
from db.engine import create_engine
from db.enums import KeyScope


def add_key_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    keys = commands.add_parser("keys", help="create, list and revoke API keys")
    actions = keys.add_subparsers(dest="key_command", required=True)
    create = actions.add_parser("create", help="create a key and print it (shown only once)")
    create.add_argument("--name", required=True, help="who the key is for; unique")
    create.add_argument("--scope", required=True, choices=["write", "admin"])
    create.add_argument("--partner", help="acronym or code of the partner the key writes for")
    actions.add_parser("list", help="list keys (never their secrets)")
    revoke = actions.add_parser("revoke", help="revoke a key at once")
    revoke.add_argument("name")


async def run_key_command(url: str, args: argparse.Namespace) -> int:
    """Carry out ``args.key_command``; the exit status."""
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            if args.key_command == "create":
                if args.scope == "write" and args.partner is None:
                    print(
                        "a write key writes for one partner: give --partner ACRONYM "
                        "(an admin key, --scope admin, writes everything)"
                    )
                    return 2
                try:
                    token = await api_keys.create_key(
                        conn, args.name, KeyScope(args.scope.upper()), args.partner
                    )
                except api_keys.UnknownPartner:
                    print(f"no partner has the acronym or code {args.partner!r}")
                    return 1
                except api_keys.DuplicateKeyName:
                    print(f"a key named {args.name!r} exists already")
                    return 1
                print(f"created key {args.name!r} ({args.scope}); it is shown only this once:")
                print(token)
            elif args.key_command == "list":
                unbound = 0
                for key in await api_keys.list_keys(conn):
                    state = "revoked" if key["revoked_at"] else "active"
                    partner = key["partner"] or "-"
                    flag = ""
                    if key["scope"] == KeyScope.WRITE.value and key["partner"] is None:
                        flag = "\tUNBOUND: writes every project"
                        unbound += not key["revoked_at"]
                    print(f"{key['name']}\t{key['scope'].lower()}\t{partner}\t{state}{flag}")
                if unbound:
                    print(
                        f"{unbound} active write key(s) bound to no partner write every project: "
                        "revoke them and create them again with --partner (or --scope admin)"
                    )
            elif not await api_keys.revoke_key(conn, args.name):
                print(f"no active key named {args.name!r}")
                return 1
            else:
                print(f"revoked key {args.name!r}")
        return 0
    finally:
        await engine.dispose()
