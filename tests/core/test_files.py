"""The file store: put / open / size / delete by key, and keys that cannot leave the root."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from crm.core.files import (
    CHUNK_SIZE,
    FileMissing,
    InvalidFileKey,
    LocalFileStorage,
    configure_storage,
    get_storage,
    validate_key,
)


async def _read(store: LocalFileStorage, key: str) -> bytes:
    return b"".join([chunk async for chunk in store.open(key)])


async def test_put_open_size_delete_round_trip(tmp_path: Path) -> None:
    store = LocalFileStorage(tmp_path / "files")
    data = bytes(range(256)) * (CHUNK_SIZE // 256 * 3 + 1)  # several chunks and a bit
    assert await store.put("exports/a-1.csv", io.BytesIO(data)) == len(data)
    assert (tmp_path / "files" / "exports" / "a-1.csv").read_bytes() == data
    assert await store.size("exports/a-1.csv") == len(data)
    chunks = [chunk async for chunk in store.open("exports/a-1.csv")]
    assert len(chunks) > 1 and all(len(c) <= CHUNK_SIZE for c in chunks)
    assert b"".join(chunks) == data

    # Replacing is atomic and leaves no temporary file behind.
    assert await store.put("exports/a-1.csv", io.BytesIO(b"new")) == 3
    assert await _read(store, "exports/a-1.csv") == b"new"
    assert sorted(p.name for p in (tmp_path / "files" / "exports").iterdir()) == ["a-1.csv"]

    assert await store.delete("exports/a-1.csv") is True
    assert await store.delete("exports/a-1.csv") is False
    with pytest.raises(FileMissing):
        await store.size("exports/a-1.csv")
    with pytest.raises(FileMissing):
        await _read(store, "exports/a-1.csv")


@pytest.mark.parametrize(
    "key",
    [
        "",
        "../secret",
        "exports/../../secret",
        "exports/..",
        "/etc/passwd",
        "exports//a.csv",
        "exports/",
        ".hidden",
        "exports/.env",
        "a\\..\\b",
        "C:/windows",
        "exports/%2e%2e/a",
        "exports/a b.csv",
        "exports/a\x00.csv",
        "导出/a.csv",
        "x" * 513,
    ],
)
async def test_unsafe_keys_are_refused_everywhere(tmp_path: Path, key: str) -> None:
    store = LocalFileStorage(tmp_path / "files")
    with pytest.raises(InvalidFileKey):
        validate_key(key)
    with pytest.raises(InvalidFileKey):
        await store.put(key, io.BytesIO(b"x"))
    with pytest.raises(InvalidFileKey):
        await _read(store, key)
    with pytest.raises(InvalidFileKey):
        await store.size(key)
    with pytest.raises(InvalidFileKey):
        await store.delete(key)
    assert not (tmp_path / "secret").exists()
    assert not (tmp_path / "files").exists() or not any((tmp_path / "files").rglob("*"))


@pytest.mark.parametrize("key", ["a", "exports/0191f0c2-aaaa.csv", "a/b/c_d-e.1.xlsx", "A9"])
def test_ordinary_keys_pass(key: str) -> None:
    assert validate_key(key) == key


async def test_a_symlink_inside_the_root_cannot_lead_out(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("secret")
    root = tmp_path / "files"
    root.mkdir()
    (root / "link").symlink_to(outside)
    store = LocalFileStorage(root)
    with pytest.raises(InvalidFileKey):
        await _read(store, "link/secret.txt")
    with pytest.raises(InvalidFileKey):
        await store.delete("link/secret.txt")
    assert (outside / "secret.txt").read_text() == "secret"


async def test_the_default_store_lives_under_the_configured_directory(tmp_path: Path) -> None:
    configure_storage(None)
    try:
        store = get_storage()
        assert isinstance(store, LocalFileStorage)
        # tests/conftest.py points CRM_FILES_DIR at var/test/files.
        assert store.root == (Path(__file__).parents[2] / "var" / "test" / "files").resolve()
        custom = LocalFileStorage(tmp_path)
        configure_storage(custom)
        assert get_storage() is custom
    finally:
        configure_storage(None)


def test_files_default_to_the_var_directory(tmp_path: Path) -> None:
    from crm.settings import Settings

    assert Settings(var_dir=tmp_path, files_dir=None).resolved_files_dir() == tmp_path / "files"
    assert Settings(files_dir=tmp_path / "x").resolved_files_dir() == tmp_path / "x"
