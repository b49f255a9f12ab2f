"""E-mail delivery of notifications over SMTP (aiosmtplib), when an SMTP host is configured.

Rows marked ``email_status = 'pending'`` are claimed with FOR UPDATE SKIP LOCKED, so two
workers never mail the same one; each is marked sent (or failed, when the server refuses the
recipient) in the same transaction. A connection failure leaves the batch pending for the next
run: mail is delivered at least once, and exactly once unless a worker dies between the SMTP
server's acceptance and the commit.
"""

from __future__ import annotations

from email.message import EmailMessage

import aiosmtplib
import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crm.core.db import utcnow
from crm.identity.models import User
from crm.notifications.models import EmailStatus, Notification
from crm.settings import Settings

log = structlog.get_logger(__name__)
BATCH_SIZE = 50


def smtp_configured(settings: Settings) -> bool:
    return bool(settings.smtp_host)


def _message(settings: Settings, note: Notification, to: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Subject"] = note.title
    text = note.body or note.title
    if note.link:
        text += f"\n\n{note.link}"
    message.set_content(text)
    return message


def _client(settings: Settings) -> aiosmtplib.SMTP:
    assert settings.smtp_host
    return aiosmtplib.SMTP(
        hostname=settings.smtp_host,
        port=settings.smtp_port,
        username=settings.smtp_username,
        password=settings.smtp_password,
        use_tls=settings.smtp_use_tls,
        start_tls=settings.smtp_starttls,
        timeout=settings.smtp_timeout_seconds,
    )


async def _send_batch(session: AsyncSession, settings: Settings) -> tuple[int, bool]:
    """Mail one batch; returns (rows handled, whether more may be pending)."""
    claimed = (
        await session.execute(
            select(Notification, User.email, User.is_active)
            .join(User, User.id == Notification.user_id)
            .where(Notification.email_status == EmailStatus.PENDING)
            .order_by(Notification.id)
            .limit(BATCH_SIZE)
            .with_for_update(of=Notification, skip_locked=True)
        )
    ).all()
    if not claimed:
        return 0, False
    async with _client(settings) as smtp:
        for note, email, active in claimed:
            if not active or not email:
                note.email_status = EmailStatus.FAILED
                continue
            try:
                await smtp.send_message(_message(settings, note, email))
            except (aiosmtplib.SMTPRecipientsRefused, aiosmtplib.SMTPDataError) as exc:
                log.warning("notification_email_refused", notification=str(note.id), error=str(exc))
                note.email_status = EmailStatus.FAILED
                continue
            note.email_status = EmailStatus.SENT
            note.emailed_at = utcnow()
    return len(claimed), len(claimed) == BATCH_SIZE


async def send_pending(sessionmaker: async_sessionmaker[AsyncSession], settings: Settings) -> int:
    """Mail every pending notification; returns how many rows were handled."""
    if not smtp_configured(settings):
        return 0
    handled = 0
    more = True
    while more:
        async with sessionmaker() as session:
            try:
                count, more = await _send_batch(session, settings)
            except (aiosmtplib.SMTPException, OSError) as exc:
                # The server is unreachable or broke off: keep the rest pending for next time.
                log.warning("notification_email_unavailable", error=str(exc))
                await session.commit()
                return handled
            await session.commit()
            handled += count
    return handled
