"""The `crm` command: run, worker, migrate, create-admin, seed-demo, import, openapi."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from crm.settings import Settings, get_settings

app = typer.Typer(help="API-first CRM: server, worker and administration.", no_args_is_help=True)


def _servers(settings: Settings) -> Settings:
    """Fill in the embedded PostgreSQL / Valkey for any server URL that is not configured."""
    from crm.core import embedded

    if not settings.database_url:
        os.environ["CRM_DATABASE_URL"] = embedded.start_postgres(settings.var_dir)
        typer.echo("Started the embedded PostgreSQL under " + str(settings.var_dir / "postgres"))
    if not settings.redis_url:
        os.environ["CRM_REDIS_URL"] = embedded.start_redis(settings.var_dir)
        typer.echo("Started the embedded Valkey under " + str(settings.var_dir / "valkey"))
    get_settings.cache_clear()
    return get_settings()


def _database_url(settings: Settings) -> str:
    if not settings.database_url:
        typer.echo("CRM_DATABASE_URL is not set (or use `crm run`, which starts an embedded one).")
        raise typer.Exit(2)
    return settings.database_url


@app.command()
def migrate() -> None:
    """Apply the database migrations."""
    from crm import migrate as migrations

    migrations.upgrade(_database_url(get_settings()))
    typer.echo("Database is up to date.")


async def _prepare(settings: Settings) -> None:
    from crm import bootstrap
    from crm.core.db import Database

    db = Database(_database_url(settings))
    try:
        result = await bootstrap.ensure_roles_and_admin(
            db, email=settings.admin_email, password=settings.admin_password
        )
        if result.created:
            typer.secho(f"Created the administrator {result.email}", fg=typer.colors.GREEN)
            if result.generated_password:
                typer.secho(
                    f"  Its generated password (shown once): {result.generated_password}",
                    fg=typer.colors.YELLOW,
                    bold=True,
                )
        if (
            result.created
            and settings.demo_data
            and await bootstrap.database_is_empty_of_customers(db)
        ):
            from crm.demo import DEMO_USERS, load_demo_data

            demo_password = settings.admin_password or result.generated_password or ""
            counts = await load_demo_data(db, password=demo_password)
            typer.echo(
                f"Loaded demo data: {counts}; the demo users "
                f"({', '.join(u[0] for u in DEMO_USERS)}) share the administrator's password."
            )
    finally:
        await db.dispose()


@app.command("create-admin")
def create_admin(
    email: Annotated[str, typer.Option(help="E-mail of the administrator")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True)],
) -> None:
    """Create an administrator (and the built-in roles) if that e-mail is not taken."""
    settings = get_settings().model_copy(update={"admin_email": email, "admin_password": password})
    asyncio.run(_prepare(settings.model_copy(update={"demo_data": False})))


@app.command("seed-demo")
def seed_demo(
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, help="For demo users")],
) -> None:
    """Load the demo data set (departments, users, customers, contacts)."""
    from crm import domains
    from crm.core.db import Database
    from crm.demo import load_demo_data

    domains.load()  # every domain's plug-ins and recycle types, as the API has them

    async def seed() -> None:
        db = Database(_database_url(get_settings()))
        try:
            typer.echo(f"Loaded demo data: {await load_demo_data(db, password=password)}")
        finally:
            await db.dispose()

    asyncio.run(seed())


@app.command("import")
def import_file(
    object_type: Annotated[str, typer.Argument(help="What to import: customers, contacts ...")],
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV or Excel file")],
    as_user: Annotated[str, typer.Option("--as", help="E-mail of the importing user")],
    on_duplicate: Annotated[
        str, typer.Option(help="Rows repeating an existing record: skip, update or create")
    ] = "skip",
    dry_run: Annotated[bool, typer.Option(help="Preview only; write nothing")] = False,
) -> None:
    """Import a file as a user (their rights and data scope), with the suggested column
    mapping; prints the preview's summary and the result."""
    from crm import domains
    from crm.core.db import Database
    from crm.imports.offline import OfflineImportError, import_path

    domains.load()  # the importable object types are the domains' plug-ins
    if on_duplicate not in ("skip", "update", "create"):
        raise typer.BadParameter("skip, update or create", param_hint="--on-duplicate")

    async def run() -> int:
        db = Database(_database_url(get_settings()))
        try:
            item = await import_path(
                db,
                object_type=object_type,
                path=path,
                user_email=as_user,
                on_duplicate=on_duplicate,
                dry_run=dry_run,
            )
        except OfflineImportError as exc:
            typer.echo(f"Import refused: {exc}", err=True)
            return 1
        finally:
            await db.dispose()
        typer.echo(
            json.dumps(
                {
                    "id": str(item.id),
                    "status": item.status,
                    "error": item.error,
                    "summary": item.summary,
                    "result": item.result,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0 if item.status in ("previewed", "committed") else 1

    raise typer.Exit(asyncio.run(run()))


@app.command()
def openapi(
    output: Annotated[Path, typer.Option(help="Where to write the contract")] = Path(
        "openapi/openapi.json"
    ),
) -> None:
    """Write the OpenAPI contract (committed; the SPA client is generated from it)."""
    from crm.app import create_app

    spec = create_app(
        get_settings().model_copy(update={"frontend_dist": Path("/nonexistent")})
    ).openapi()
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(spec, indent=2, ensure_ascii=False, sort_keys=False) + "\n")
    typer.echo(f"Wrote {output}")


@app.command()
def worker() -> None:
    """Run the background worker (arq)."""
    from arq.worker import run_worker

    from crm.worker import WorkerSettings

    run_worker(WorkerSettings)  # type: ignore[arg-type]


@app.command(hidden=True)
def serve() -> None:
    """Serve the API and the SPA on the configured servers (what `crm run` runs as a child)."""
    import uvicorn

    settings = get_settings()
    uvicorn.run(
        "crm.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        log_config=None,
        proxy_headers=False,
    )


def _child(command: str) -> subprocess.Popen[bytes]:
    """`crm <command>` as a child that the kernel stops if this process dies, however."""
    from crm.core import embedded

    return subprocess.Popen(  # noqa: S603 - this very program, one of its own commands
        [sys.executable, "-m", "crm.cli", command],
        env=os.environ.copy(),
        preexec_fn=embedded.die_with_parent,
    )


def _stop(children: dict[str, subprocess.Popen[bytes]]) -> None:
    for child in children.values():
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    for child in children.values():
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def _exit_on_sigterm() -> None:
    """SIGTERM (a service manager's stop) unwinds like Ctrl-C: children and servers stop."""
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


@app.command()
def run(
    with_worker: Annotated[bool, typer.Option("--worker/--no-worker")] = True,
) -> None:
    """Start everything: servers (embedded unless configured), migrations, API, worker, SPA.

    This process supervises: it owns the embedded servers and runs the API and the worker as
    children. When one of them exits (a crash, a kill), or this process is stopped, it stops
    the others and the servers: nothing is left running. The children die with it even when
    it is killed outright; servers left that way are reused by the next start."""
    from crm import migrate as migrations
    from crm.core import embedded

    _exit_on_sigterm()
    settings = _servers(get_settings())
    children: dict[str, subprocess.Popen[bytes]] = {}
    try:
        migrations.upgrade(_database_url(settings))
        asyncio.run(_prepare(settings))
        for command in ("serve", "worker") if with_worker else ("serve",):
            children[command] = _child(command)
        typer.secho(
            f"CRM is running on http://{settings.host}:{settings.port}  (Ctrl-C stops it)",
            fg=typer.colors.GREEN,
            bold=True,
        )
        while all(child.poll() is None for child in children.values()):
            time.sleep(0.5)
        name, exited = next((n, c) for n, c in children.items() if c.poll() is not None)
        typer.secho(
            f"The {'API' if name == 'serve' else name} exited ({exited.returncode}); "
            "stopping everything.",
            fg=typer.colors.RED,
            err=True,
        )
    finally:
        _stop(children)
        embedded.stop_all()
    raise typer.Exit(1)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
