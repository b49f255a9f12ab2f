"""The `crm` command: run, worker, migrate, create-admin, seed-demo, import, openapi."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
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
    from crm.core.db import Database
    from crm.demo import load_demo_data

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
    from crm.core.db import Database
    from crm.imports.offline import OfflineImportError, import_path

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


@app.command()
def run(
    with_worker: Annotated[bool, typer.Option("--worker/--no-worker")] = True,
) -> None:
    """Start everything: servers (embedded unless configured), migrations, API, worker, SPA."""
    import uvicorn

    from crm import migrate as migrations
    from crm.core import embedded

    settings = _servers(get_settings())
    try:
        migrations.upgrade(_database_url(settings))
        asyncio.run(_prepare(settings))
        worker_process = None
        if with_worker:
            worker_process = subprocess.Popen(
                [sys.executable, "-m", "crm.cli", "worker"], env=os.environ.copy()
            )
        typer.secho(
            f"CRM is running on http://{settings.host}:{settings.port}  (Ctrl-C stops it)",
            fg=typer.colors.GREEN,
            bold=True,
        )
        try:
            uvicorn.run(
                "crm.app:create_app",
                factory=True,
                host=settings.host,
                port=settings.port,
                log_config=None,
                proxy_headers=False,
            )
        finally:
            if worker_process is not None:
                worker_process.send_signal(signal.SIGINT)
                try:
                    worker_process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    worker_process.kill()
    finally:
        embedded.stop_all()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
