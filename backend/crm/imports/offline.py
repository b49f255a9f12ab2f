"""An import run in this process, for the `crm import` command: the same upload, preview and
commit as through the API (same checks, same data scope, same audit trail), with the jobs run
here instead of by the worker."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from crm.core.db import Database
from crm.core.errors import ProblemError
from crm.identity.models import User
from crm.identity.repository import principal_for_user
from crm.imports import service, tasks
from crm.imports.models import Import
from crm.imports.schemas import ImportCommitRequest, ImportPreviewRequest


class OfflineImportError(Exception):
    """Why the import could not go on, as the API would have said it."""


async def import_path(
    db: Database,
    *,
    object_type: str,
    path: Path,
    user_email: str,
    on_duplicate: str = "skip",
    dry_run: bool = False,
    language: str = "en",
) -> Import:
    """Upload ``path`` as the user, preview it with the suggested mapping and, unless
    ``dry_run``, commit it; the import as it ended."""
    async with db.sessionmaker() as session:
        user_id = (
            await session.execute(
                select(User.id).where(func.lower(User.email) == user_email.lower())
            )
        ).scalar_one_or_none()
        principal = await principal_for_user(session, user_id) if user_id else None
        if principal is None:
            raise OfflineImportError(f"No active user {user_email}.")
        try:
            with path.open("rb") as source:
                item = await service.upload(
                    session,
                    principal,
                    object_type=object_type,
                    filename=path.name,
                    source=source,
                    header_row=None,
                )
            read = await service.to_read(session, principal, item)
            mapping: dict[str, str | None] = dict(read.suggested_mapping)
            item = await service.start_preview(
                session,
                principal,
                item.id,
                data=ImportPreviewRequest(mapping=mapping),
                language=language,
            )
        except ProblemError as exc:
            raise OfflineImportError(exc.detail) from exc
        preview_job = item.preview_job_id
        await session.commit()
    assert preview_job is not None
    await tasks.preview_job(db.sessionmaker, preview_job)
    async with db.sessionmaker() as session:
        item = await service.get_import(session, principal, item.id)
        if dry_run or item.status != "previewed":
            return item
        try:
            item = await service.start_commit(
                session,
                principal,
                item.id,
                data=ImportCommitRequest.model_validate({"on_duplicate": on_duplicate}),
            )
        except ProblemError as exc:
            raise OfflineImportError(exc.detail) from exc
        commit_job = item.commit_job_id
        await session.commit()
    assert commit_job is not None
    await tasks.commit_job(db, commit_job)
    async with db.sessionmaker() as session:
        return await service.get_import(session, principal, item.id)
