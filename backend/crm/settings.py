"""Runtime configuration, read from the environment (prefix ``CRM_``) and ``.env``."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import Field, IPvAnyNetwork
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CRM_", env_file=".env", extra="ignore")

    # Servers. Unset → `crm run` starts the embedded PostgreSQL / Valkey under var_dir.
    database_url: str | None = None
    redis_url: str | None = None
    var_dir: Path = Path("var")

    host: str = "127.0.0.1"
    port: int = 8000

    # Secret for signing JWTs. Unset → generated once and kept in var_dir/secret_key.
    secret_key: str | None = None
    access_token_ttl_seconds: int = 900
    refresh_token_ttl_seconds: int = 30 * 24 * 3600
    # How long a process may reuse a user's loaded rights and live sessions (see
    # identity/principal_cache.py): changes and revocations made through the app apply at once in
    # every process (a stale notice over Redis, core/broadcast.py); this bounds changes made
    # outside the app (a manual UPDATE).
    principal_cache_seconds: float = Field(default=2.0, ge=0)
    # A bound like it for custom field definitions and completeness rules (customfields/config.py).
    field_cache_seconds: float = Field(default=5.0, ge=0)

    # Login throttling (identity/auth.py), per account from one address and per address:
    # failures allowed before each further attempt waits, from the base delay doubling up to the
    # cap; a counter is forgotten this window after its last failure.
    login_max_failures_per_account_address: int = Field(default=5, ge=1)
    login_max_failures_per_address: int = Field(default=20, ge=1)
    login_throttle_base_delay_seconds: int = Field(default=15, ge=1)
    login_throttle_max_delay_seconds: int = Field(default=900, ge=1)
    login_failure_window_seconds: int = Field(default=900, ge=1)
    # Reverse proxies (addresses or networks, as a JSON list) whose X-Forwarded-For names the
    # client's address; empty: the connection's peer is the client.
    trusted_proxies: list[IPvAnyNetwork] = []

    max_body_bytes: int = 1_048_576
    # Origins (comma-separated, e.g. "https://crm.example.com") whose pages may call the API
    # from a browser; none by default: the SPA is served from the API's own origin.
    cors_origins: str = ""
    idempotency_ttl_seconds: int = 24 * 3600
    default_phone_region: str = "CN"

    admin_email: str = "admin@example.com"
    admin_password: str | None = None
    demo_data: bool = True

    # Reminders (activities/reminders.py): the zone whose calendar days "today", birthdays and
    # holidays mean, how long before a task's due time its "due soon" reminder fires, and how
    # many days ahead a contact's birthday is announced (0: on the day).
    timezone: str = "Asia/Shanghai"
    task_reminder_lead_minutes: int = Field(default=30, ge=0, le=7 * 24 * 60)
    birthday_reminder_days_before: int = Field(default=1, ge=0, le=60)
    # Contracts, orders and quotes: our party on contracts and the name printed at the top of
    # quotes (quotes/render.py), the currency customers' lifetime revenue is
    # counted in (orders in another currency need an fx_rate to it), how many days before its
    # end a signed contract's owner is reminded, and how long a portal link lives by default.
    company_name: str = "Our Company"
    company_currency: str = Field(default="CNY", min_length=3, max_length=3)
    contract_expiry_reminder_days: int = Field(default=30, ge=0, le=365)
    portal_link_default_days: int = Field(default=30, ge=1, le=365)
    # Reminder e-mails go out only when an SMTP host is set.
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "crm@localhost"
    smtp_use_tls: bool = False  # implicit TLS (port 465)
    smtp_starttls: bool | None = None  # None: upgrade when the server offers STARTTLS
    smtp_timeout_seconds: float = 30.0

    log_level: str = "INFO"
    log_json: bool = True
    db_pool_size: int = Field(default=10, ge=1)
    # Where the built SPA lives; served at "/" when present.
    frontend_dist: Path = Path("frontend/dist")

    # Stored files (exports, later attachments). Unset → var_dir/files.
    files_dir: Path | None = None
    # How long an export's file may be downloaded before the worker's sweep deletes it.
    export_ttl_seconds: int = Field(default=7 * 24 * 3600, ge=60)
    # How long an import's uploaded file and row details are kept after its last change
    # (upload, preview, commit) before the worker's sweep deletes them.
    import_file_ttl_seconds: int = Field(default=7 * 24 * 3600, ge=60)
    # Rows fetched per keyset batch while exporting: bounds the worker's memory.
    export_batch_size: int = Field(default=1000, ge=1, le=10_000)

    # Imports: the largest file accepted (uploads only; other requests keep max_body_bytes),
    # the most data rows, and the rows written per all-or-nothing batch of a commit.
    import_max_bytes: int = Field(default=512 * 1024 * 1024, ge=1024)
    import_max_rows: int = Field(default=5_000_000, ge=1)
    import_batch_size: int = Field(default=20_000, ge=1, le=1_000_000)
    # Every other dimension of an import file, checked before it is parsed (a 10 MB file of
    # one line is five million columns): the most columns, the longest CSV record (a line, or
    # several inside quotes) and header row, the longest cell (Excel's 32,767 characters in
    # UTF-8), and how large an Excel or ODS workbook may grow once unzipped.
    import_max_columns: int = Field(default=1_000, ge=1)
    import_max_line_bytes: int = Field(default=1024 * 1024, ge=1024)
    import_max_header_bytes: int = Field(default=64 * 1024, ge=256)
    import_max_cell_bytes: int = Field(default=128 * 1024, ge=256)
    import_max_unpacked_bytes: int = Field(default=2 * 1024 * 1024 * 1024, ge=1024 * 1024)

    # Attachments: the largest file accepted (uploads only).
    attachment_max_bytes: int = Field(default=50 * 1024 * 1024, ge=1024)

    def cors_origin_list(self) -> list[str]:
        return [origin.strip() for origin in self.cors_origins.split(",") if origin.strip()]

    def resolved_files_dir(self) -> Path:
        return self.files_dir if self.files_dir is not None else self.var_dir / "files"

    def resolved_secret_key(self) -> str:
        if self.secret_key:
            return self.secret_key
        path = self.var_dir / "secret_key"
        if path.exists():
            return path.read_text().strip()
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        path.write_text(key)
        path.chmod(0o600)
        return key


@lru_cache
def get_settings() -> Settings:
    return Settings()
