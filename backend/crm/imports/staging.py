"""An import's rows in PostgreSQL: the cleaned frame copied into a temporary table, existing
records matched on it in SQL, and the batched writes made from it.

COPY and set-based statements are what make a million rows affordable: per-row INSERTs through
the ORM would cost more than all the cleaning. Every statement is built from the importable's
model and the frame's columns, so any registered object type goes through the same code.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl
from sqlalchemy import (
    Column,
    MetaData,
    String,
    Table,
    and_,
    case,
    func,
    literal,
    not_,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from crm.core.importable import Importable, Matcher
from crm.core.permissions import Principal, scope_clause

STAGE = "import_stage"
COPY_SLICE_ROWS = 100_000
CUSTOM_PREFIX = "cf."
# A time-ordered UUID (v7) made by PostgreSQL itself (gen_random_uuid with its first 48 bits
# replaced by the Unix time in ms and the version bits set), so a million keys cost no Python.
UUID7_SQL = (
    "encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) placing "
    "substring(int8send((extract(epoch from clock_timestamp()) * 1000)::bigint) from 3) "
    "from 1 for 6), 52, 1), 53, 1), 'hex')::uuid"
)
_CONTROL_COLUMNS: dict[str, Any] = {
    "_action": postgresql.TEXT(),
    "_decision": postgresql.TEXT(),
    "_match_id": postgresql.UUID(as_uuid=True),
    "_match_reason": postgresql.TEXT(),
    "_match_hidden": postgresql.BOOLEAN(),
    "_id": postgresql.UUID(as_uuid=True),
}


def _sql_type(dtype: pl.DataType) -> Any:
    if dtype == pl.Int64 or dtype == pl.Int32 or dtype == pl.UInt32:
        return postgresql.BIGINT()
    if dtype == pl.Date:
        return postgresql.DATE()
    if dtype == pl.Boolean:
        return postgresql.BOOLEAN()
    if dtype == pl.Float64:
        return postgresql.DOUBLE_PRECISION()
    if isinstance(dtype, pl.List | pl.Struct):
        return postgresql.JSONB()
    return postgresql.TEXT()


def copy_ready(frame: pl.DataFrame) -> tuple[pl.DataFrame, list[str]]:
    """(the frame as the stage holds it, its JSON columns): custom fields (``cf.<key>``)
    gathered into one JSON ``custom`` column, lists as JSON ``{"v": [...]}``, messages
    dropped."""
    custom = [c for c in frame.columns if c.startswith(CUSTOM_PREFIX)]
    lists = [c for c, t in frame.schema.items() if isinstance(t, pl.List)]
    extra = []
    if custom:
        extra.append(
            pl.struct([pl.col(c).alias(c[len(CUSTOM_PREFIX) :]) for c in custom])
            .struct.json_encode()
            .alias("custom")
        )
    extra += [pl.struct(pl.col(c).alias("v")).struct.json_encode().alias(c) for c in lists]
    ready = frame.with_columns(extra) if extra else frame
    dropped = [*custom, "_errors", "_warnings"]
    json_columns = [*lists, *(["custom"] if custom else [])]
    return ready.drop([c for c in dropped if c in ready.columns]), json_columns


def stage_table(frame: pl.DataFrame, *, json_columns: Sequence[str]) -> Table:
    columns = [
        Column(name, postgresql.JSONB() if name in json_columns else _sql_type(dtype))
        for name, dtype in frame.schema.items()
    ]
    columns += [Column(name, kind) for name, kind in _CONTROL_COLUMNS.items()]
    return Table(STAGE, MetaData(), *columns, prefixes=["TEMPORARY"])


# Defaults of the control columns of a commit's stage, filled in by COPY itself: most rows
# are new records, and giving each its key there saves rewriting the whole table afterwards.
_COMMIT_DEFAULTS = {"_action": "'create'", "_id": UUID7_SQL}


async def create_stage(
    conn: AsyncConnection,
    frame: pl.DataFrame,
    *,
    json_columns: Sequence[str] = (),
    drop_on_commit: bool,
    for_commit: bool = False,
) -> Table:
    """Copy ``frame`` (see :func:`copy_ready`) into a new temporary table; its Table."""
    table = stage_table(frame, json_columns=json_columns)
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    defaults = _COMMIT_DEFAULTS if for_commit else {}
    definitions = ", ".join(
        f'"{c.name}" {c.type.compile(dialect=dialect)}'
        + (f" DEFAULT {defaults[c.name]}" if c.name in defaults else "")
        for c in table.columns
    )
    on_commit = "DROP" if drop_on_commit else "PRESERVE ROWS"
    await conn.execute(text(f"DROP TABLE IF EXISTS {STAGE}"))
    await conn.execute(
        text(f"CREATE TEMPORARY TABLE {STAGE} ({definitions}) ON COMMIT {on_commit}")
    )
    raw = await conn.get_raw_connection()
    # A slice at a time: the CSV text of a million rows would be another few hundred MB.
    for part in frame.iter_slices(COPY_SLICE_ROWS):
        buffer = io.BytesIO()
        part.write_csv(buffer, include_header=False)
        buffer.seek(0)
        await raw.driver_connection.copy_to_table(  # type: ignore[union-attr]
            STAGE, source=buffer, columns=list(frame.columns), format="csv"
        )
    await conn.execute(text(f"CREATE INDEX ON {STAGE} (_row)"))
    await conn.execute(text(f"ANALYZE {STAGE}"))
    return table


async def match_existing(
    session: AsyncSession, stage: Table, importable: Importable, principal: Principal
) -> None:
    """Set ``_match_id`` / ``_match_reason`` / ``_match_hidden`` of staged rows that repeat a
    live record on a match key (or, with a matcher, that its match keys find and it accepts):
    records in the principal's data scope first (they can be shown and updated), then the rest
    (reported as hidden, never shown nor updated)."""
    model = importable.model
    table = model.__table__
    visible = scope_clause(model, principal)
    outside = and_(table.c.deleted_at.is_(None), not_(visible))
    for hidden, where in ((False, visible), (True, outside)):
        for key in importable.match_keys:
            if key.column not in stage.c:
                continue
            conditions = [
                table.c[key.column] == stage.c[key.column],
                stage.c[key.column].is_not(None),
                stage.c._match_id.is_(None),
                where,
            ]
            if key.skip_when is not None and key.skip_when[0] in stage.c:
                column, value = key.skip_when
                conditions.append(stage.c[column].is_distinct_from(value))
            if importable.matcher is not None:
                await _match_compared(session, stage, table, importable.matcher, conditions, hidden)
                continue
            await session.execute(
                update(stage)
                .where(*conditions)
                .values(_match_id=table.c.id, _match_reason=key.reason, _match_hidden=hidden)
            )


# The kinds of rows a duplicate rule applies to, in the order a row is classed: a row that
# repeats an existing record is an existing-record duplicate whatever else it repeats (an
# earlier row of the file may repeat the same record), so the record rule decides it.
HIDDEN = "hidden"  # repeats a record outside the importer's data scope
EXISTING = "existing"  # repeats a record the importer can see
IN_FILE = "in_file"  # repeats only an earlier row of the file
DUPLICATE_KINDS = (HIDDEN, EXISTING, IN_FILE)
DUPLICATE_CHOICES = ("skip", "update", "create")


def duplicate_action(kind: str, choice: str) -> str:
    """What becomes of a duplicate row of ``kind`` under ``choice`` (the row's own decision,
    else the default of its kind): only a visible record is ever updated; an in-file repeat
    has no record to update, and a hidden one may not be, so those are created or skipped."""
    if kind == EXISTING:
        return choice
    return "create" if choice == "create" else "skip"


def chosen_default(kind: str, *, on_duplicate: str, on_file_duplicate: str) -> str:
    return on_file_duplicate if kind == IN_FILE else on_duplicate


async def _match_compared(
    session: AsyncSession,
    stage: Table,
    record: Any,
    matcher: Matcher,
    conditions: list[Any],
    hidden: bool,
) -> None:
    """The candidates ``conditions`` find (staged row x record of the ``record`` table), each
    pair judged by the matcher; every row matches its best accepted candidate."""
    compared = [c for c in matcher.columns if c in stage.c and c in record.c]
    found = await session.execute(
        select(
            stage.c._row,
            record.c.id,
            *[stage.c[c].label(f"row_{c}") for c in compared],
            *[record.c[c].label(f"record_{c}") for c in compared],
        ).where(*conditions)
    )
    best: dict[int, tuple[float, Any, str]] = {}
    for pair in found.mappings():
        row = {c: pair[f"row_{c}"] for c in compared}
        existing = {c: pair[f"record_{c}"] for c in compared}
        verdict = matcher.compare(row, existing)
        if verdict is not None and verdict[0] > best.get(pair["_row"], (float("-inf"),))[0]:
            best[pair["_row"]] = (verdict[0], pair["id"], verdict[1])
    if not best:
        return
    rows = list(best)
    await session.execute(
        text(
            f"UPDATE {STAGE} s SET _match_id = m.id, _match_reason = m.reason, "
            "_match_hidden = :hidden FROM unnest(CAST(:rows AS bigint[]), "
            "CAST(:ids AS uuid[]), CAST(:reasons AS text[])) AS m(row, id, reason) "
            "WHERE s._row = m.row"
        ),
        {
            "rows": rows,
            "ids": [best[r][1] for r in rows],
            "reasons": [best[r][2] for r in rows],
            "hidden": hidden,
        },
    )


async def decide(
    session: AsyncSession,
    stage: Table,
    *,
    on_duplicate: str,
    on_file_duplicate: str,
    decisions: Mapping[int, str],
) -> None:
    """Each staged row's ``_action``: create, update or skip, by :func:`duplicate_action`.
    A row's own decision wins over the defaults."""
    if decisions:
        rows = list(decisions)
        actions = [decisions[r] for r in rows]
        await session.execute(
            text(
                f"UPDATE {STAGE} s SET _decision = d.action "
                "FROM unnest(CAST(:rows AS bigint[]), CAST(:actions AS text[])) AS d(row, action) "
                "WHERE s._row = d.row"
            ),
            {"rows": rows, "actions": actions},
        )
    c = stage.c
    kinds = {
        HIDDEN: c._match_hidden.is_(True),
        EXISTING: c._match_id.is_not(None),
        IN_FILE: c._dup_row.is_not(None),
    }

    def action_of(kind: str) -> Any:
        default = chosen_default(
            kind, on_duplicate=on_duplicate, on_file_duplicate=on_file_duplicate
        )
        chosen = func_coalesce(c._decision, default)
        return case(
            *((chosen == choice, duplicate_action(kind, choice)) for choice in DUPLICATE_CHOICES)
        )

    action = case(*((kinds[kind], action_of(kind)) for kind in DUPLICATE_KINDS))
    # Rows that repeat nothing keep the stage's default action, create (and their key).
    await session.execute(update(stage).where(or_(*kinds.values())).values(_action=action))


def func_coalesce(column: Any, default: str) -> Any:
    return func.coalesce(column, literal(default))


def _insert_sql(importable: Importable, stage: Table) -> str:
    table = importable.model.__table__
    names = [
        c.name
        for c in stage.columns
        if c.name in table.c and c.name not in ("owner_id", "custom", "id")
    ]
    targets = ["id", *names, "created_at", "updated_at"]
    values = ["s._id", *[_value(stage, n, table.c[n]) for n in names], "now()", "now()"]
    owned = "owner_id" in table.c
    if owned:
        targets += ["owner_id", "department_id"]
        values += ["o.id", "o.department_id"]
    if "version" in table.c:
        targets.append("version")
        values.append("1")
    if "custom" in table.c:
        targets.append("custom")
        values.append("jsonb_strip_nulls(s.custom)" if "custom" in stage.c else "'{}'::jsonb")
    # Columns the file did not give whose model has a plain default (a customer's kind).
    for column in table.columns:
        default = column.default
        if column.name not in targets and default is not None and default.is_scalar:
            targets.append(column.name)
            values.append(_literal(default.arg))
    given = "CAST(s.owner_id AS uuid)" if "owner_id" in stage.c else None
    if importable.importer_owns:
        owner = f"COALESCE({given}, :importer)" if given else ":importer"
        join = f"JOIN users o ON o.id = {owner} " if owned else ""
    else:  # no owner given: none (LEFT JOIN keeps the row)
        owner = given or "CAST(NULL AS uuid)"
        join = f"LEFT JOIN users o ON o.id = {owner} " if owned else ""
    return (
        f"INSERT INTO {table.name} ({', '.join(targets)}) "
        f"SELECT {', '.join(values)} FROM {STAGE} s {join}"
        "WHERE s._action = 'create' AND s._row BETWEEN :low AND :high"
    )


def _literal(value: Any) -> str:
    return str(literal(value).compile(compile_kwargs={"literal_binds": True}))


def _value(stage: Table, name: str, target: Any | None = None) -> str:
    """The stage's value of ``name`` as the target column takes it (a list from its JSON, a
    reference's text as a uuid ...)."""
    if isinstance(stage.c[name].type, postgresql.JSONB):  # a list column: {"v": [...]}
        items = f"COALESCE(NULLIF(s.\"{name}\"->'v', 'null'::jsonb), '[]'::jsonb)"
        return f"ARRAY(SELECT jsonb_array_elements_text({items}))"
    # Text goes in as text: an explicit cast to varchar(n) would truncate where the assignment
    # refuses (the cleaners keep within the lengths; the database stays the last word).
    if target is None or isinstance(target.type, String):
        return f's."{name}"'
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    return f's."{name}"::{target.type.compile(dialect=dialect)}'


def _update_sql(importable: Importable, stage: Table) -> str | None:
    """Overwrite the updatable columns the row has a value for (blank cells change nothing)."""
    table = importable.model.__table__
    sets = []
    for column, guard in importable.updatable.items():
        if column not in stage.c or guard not in stage.c:
            continue
        if isinstance(stage.c[column].type, postgresql.JSONB):  # a list: add to it
            merged = f't."{column}" || {_value(stage, column)}'
            sets.append(f'"{column}" = ARRAY(SELECT DISTINCT unnest({merged}))')
        else:
            sets.append(
                f'"{column}" = CASE WHEN s."{guard}" IS NOT NULL '
                f'THEN {_value(stage, column, table.c[column])} ELSE t."{column}" END'
            )
    if "custom" in stage.c and "custom" in table.c:
        sets.append("custom = t.custom || jsonb_strip_nulls(s.custom)")
    if not sets:
        return None
    if "version" in table.c:
        sets.append("version = t.version + 1")
    sets.append("updated_at = now()")
    return (
        f"UPDATE {table.name} t SET {', '.join(sets)} FROM {STAGE} s "
        "WHERE s._action = 'update' AND t.id = s._match_id AND s._row BETWEEN :low AND :high"
    )


def _events_sql(importable: Importable, stage: Table) -> str:
    # A record seen through its parent (a contact through its customer) names the parent in
    # its events, so they appear on the parent's timeline as an API write's do.
    parent = getattr(importable.model, "__scope_parent__", None)
    extra = f", '{parent[0]}', s.\"{parent[0]}\"" if parent and parent[0] in stage.c else ""
    return (
        "INSERT INTO outbox_events (id, event_type, object_type, object_id, payload, actor_id, "
        "request_id, created_at, attempts) "
        f"SELECT {UUID7_SQL}, :record_type || CASE s._action WHEN 'create' THEN '.created' "
        "ELSE '.updated' END, :record_type, "
        "CASE s._action WHEN 'create' THEN s._id ELSE s._match_id END, "
        "jsonb_build_object('source', 'import', 'import_id', CAST(:import_id AS text), "
        f"'row', s._row{extra}), :actor, :request_id, now(), 0 "
        f"FROM {STAGE} s WHERE s._action IN ('create', 'update') "
        "AND s._row BETWEEN :low AND :high"
    )


async def write_batch(
    session: AsyncSession,
    importable: Importable,
    stage: Table,
    *,
    low: int,
    high: int,
    importer: uuid.UUID,
    import_id: uuid.UUID,
    request_id: str | None,
) -> dict[str, int]:
    """Insert and update the staged rows ``low``..``high`` (spreadsheet row numbers), with a
    domain event per record written; the counts of each action."""
    bounds = {"low": low, "high": high}
    await session.execute(text(_insert_sql(importable, stage)), {**bounds, "importer": importer})
    update_sql = _update_sql(importable, stage)
    if update_sql is not None:
        await session.execute(text(update_sql), bounds)
    await session.execute(
        text(_events_sql(importable, stage)),
        {
            **bounds,
            "record_type": importable.record_type,
            "import_id": str(import_id),
            "actor": importer,
            "request_id": request_id,
        },
    )
    counts = await session.execute(
        text(
            f"SELECT _action, count(*) FROM {STAGE} WHERE _row BETWEEN :low AND :high "
            "GROUP BY _action"
        ),
        bounds,
    )
    return {str(action): int(n) for action, n in counts.all()}


async def record_outcomes(
    session: AsyncSession, import_id: uuid.UUID, *, low: int, high: int
) -> None:
    """What became of the rows the preview had something to say about."""
    await session.execute(
        text(
            "UPDATE import_rows r SET outcome = CASE s._action WHEN 'create' THEN 'created' "
            "WHEN 'update' THEN 'updated' ELSE 'skipped' END, "
            "record_id = CASE s._action WHEN 'create' THEN s._id "
            "WHEN 'update' THEN s._match_id END "
            f"FROM {STAGE} s WHERE r.import_id = :import_id AND r.row = s._row "
            "AND s._row BETWEEN :low AND :high"
        ),
        {"import_id": import_id, "low": low, "high": high},
    )
