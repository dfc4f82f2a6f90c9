"""Backup and restore of the whole portal: the database (as Django JSON lines) and the media files.

One ``.tar.gz`` holds ``data.jsonl`` (every model's rows, natural keys off, primary keys kept), the
files under ``MEDIA_ROOT`` as ``media/<path>``, and ``manifest.json`` last: the format version, the
migrations applied, the database vendor, each table's row count and checksum, and each file's
SHA-256. The data is a Django serialization, so an archive made on SQLite restores into PostgreSQL
and the other way round. The kernel knows no other app: models come from ``django.apps``.
README "Backup and restore" is the operator's side.
"""

import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import IO, Any
from uuid import UUID

import django
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "xietong-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATA = "data.jsonl"
MEDIA_PREFIX = "media/"
_CHUNK = 2000
_INTEGER_TYPES = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
}


class _ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder cuts datetimes and times to milliseconds; a backup keeps the microseconds."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime | time) and o.microsecond:
            return o.isoformat()
        return super().default(o)


class BackupError(Exception):
    """A backup or restore refused or failed; the message says why and what to do."""


# --- What is in the database ----------------------------------------------------------------


def table_models() -> list[type[models.Model]]:
    """Every table Django manages, including the automatic many-to-many tables, in a stable order."""
    found = [m for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy]
    return sorted(found, key=lambda m: m._meta.label_lower)


def _dumped_models() -> list[type[models.Model]]:
    # Automatic many-to-many rows travel inside their owner's objects (Django's serializer).
    return [m for m in table_models() if not m._meta.auto_created]


def _is_integer(field: Any) -> bool:
    while field.is_relation:
        field = field.target_field
    return field.get_internal_type() in _INTEGER_TYPES


def _canonical(value: Any) -> Any:
    """A value as the same JSON whichever database returned it (PostgreSQL or SQLite)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return f"{value // timedelta(microseconds=1)}us"
    if isinstance(value, bytes | memoryview | bytearray):
        return bytes(value).hex()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    if isinstance(value, Decimal | UUID):
        return str(value)
    return str(value)


def table_stats(model: type[models.Model]) -> dict[str, Any]:
    """Row count and SHA-256 of the rows in primary-key order.

    An automatic many-to-many table is compared without its own id (restore numbers those rows
    afresh) and ordered by its two columns. Integer keys are ordered by the database; other keys
    (session keys, token digests) in Python, since PostgreSQL's collation and SQLite's differ.
    """
    meta = model._meta
    if meta.auto_created:
        columns = [f.attname for f in meta.concrete_fields if not f.primary_key]
        integer_order = all(_is_integer(f) for f in meta.concrete_fields if not f.primary_key)
        order = columns
    else:
        columns = [f.attname for f in meta.concrete_fields]
        integer_order = _is_integer(meta.pk)
        order = [meta.pk.attname]
    rows = model._base_manager.order_by(*order).values_list(*columns).iterator(chunk_size=_CHUNK)
    count = 0
    table_hash = hashlib.sha256()
    keyed: list[tuple[str, bytes]] = []
    key_index = [columns.index(c) for c in order]
    for row in rows:
        count += 1
        values = [_canonical(v) for v in row]
        digest = hashlib.sha256(json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode()).digest()
        if integer_order:
            table_hash.update(digest)
        else:
            keyed.append((json.dumps([values[i] for i in key_index], ensure_ascii=False), digest))
    for _key, digest in sorted(keyed):
        table_hash.update(digest)
    return {"table": meta.db_table, "rows": count, "sha256": table_hash.hexdigest()}


def database_stats() -> dict[str, dict[str, Any]]:
    return {m._meta.label: table_stats(m) for m in table_models()}


def applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app_label, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app_label, []).append(name)
    return applied


def _applied_set(applied: dict[str, list[str]]) -> set[tuple[str, str]]:
    return {(app, name) for app, names in applied.items() for name in names}


def _code_migrations() -> set[tuple[str, str]]:
    """Every migration this release's code has (app label, name)."""
    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


@contextmanager
def _snapshot() -> Iterator[None]:
    """One read transaction that sees the database as it was when it began.

    PostgreSQL: REPEATABLE READ, READ ONLY, set as the transaction's first statement. Django offers
    no public API to choose the isolation level of one transaction, hence the documented exception
    of one SQL statement here. Inside an outer transaction (the tests) the snapshot is the outer
    one's. SQLite: one transaction (BEGIN IMMEDIATE under our settings) sees one state of the file.
    """
    outer = connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and not outer:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


# --- Media ----------------------------------------------------------------------------------


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def media_files(root: Path | None = None) -> Iterator[tuple[str, Path]]:
    """(relative POSIX path, absolute path) of every regular file under the media root, sorted."""
    root = root or media_root()
    if not root.is_dir():
        return
    for directory, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(directory) / name
            if path.is_file() and not path.is_symlink():
                yield path.relative_to(root).as_posix(), path


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def media_stats(root: Path | None = None) -> dict[str, dict[str, Any]]:
    return {rel: {"size": path.stat().st_size, "sha256": file_sha256(path)} for rel, path in media_files(root)}


class _HashingReader(io.RawIOBase):
    """Reads a file for ``tarfile`` and hashes exactly the bytes that went into the archive."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        block = self.fh.read(size)
        self.digest.update(block)
        return block


# --- Backup ---------------------------------------------------------------------------------


@dataclass
class BackupResult:
    path: Path
    tables: int
    rows: int
    files: int


def backup(output: Path) -> BackupResult:
    """Write the archive to ``output`` (through a temporary name, so a failed run leaves nothing)."""
    output = output.resolve()
    unapplied = sorted(f"{a}.{n}" for a, n in _code_migrations() - _applied_set(applied_migrations()))
    if unapplied:
        raise BackupError(f"The database lacks migrations ({', '.join(unapplied[:10])}); run migrate first.")
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".backup-") as work:
        data_path = Path(work) / DATA
        with _snapshot():
            # Rows written after this point belong to neither the counts nor the data.
            migrations = applied_migrations()
            tables = database_stats()
            with data_path.open("w", encoding="utf-8") as fh:
                for model in _dumped_models():
                    queryset = model._base_manager.order_by("pk")
                    serializers.serialize(
                        "jsonl",
                        queryset.iterator(chunk_size=_CHUNK),
                        stream=fh,
                        use_natural_foreign_keys=False,
                        use_natural_primary_keys=False,
                        cls=_ExactJSONEncoder,
                    )
        # Media after the snapshot: files are written before the rows naming them commit, so every
        # file the data refers to is there; files newer than the snapshot are merely extra.
        partial = Path(work) / "archive.tar.gz"
        files: dict[str, dict[str, Any]] = {}
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(data_path, arcname=DATA)
            for rel, path in media_files():
                with path.open("rb") as fh:
                    info = tar.gettarinfo(path, arcname=MEDIA_PREFIX + rel)
                    reader = _HashingReader(fh)
                    tar.addfile(info, reader)
                files[rel] = {"size": info.size, "sha256": reader.digest.hexdigest()}
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "created_at": timezone.now().isoformat(),
                "django_version": django.get_version(),
                "database_vendor": connection.vendor,
                "migrations": migrations,
                "tables": tables,
                "data": {"name": DATA, "sha256": file_sha256(data_path)},
                "media": files,
            }
            body = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(body)
            info.mtime = int(timezone.now().timestamp())
            tar.addfile(info, io.BytesIO(body))
        partial.chmod(0o600)  # the archive holds password hashes and every document
        os.replace(partial, output)
    return BackupResult(path=output, tables=len(tables), rows=sum(t["rows"] for t in tables.values()), files=len(files))


# --- Restore --------------------------------------------------------------------------------


@dataclass
class RestoreResult:
    tables: int
    rows: int
    files: int
    differences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences


def _safe_member(name: str) -> str | None:
    """The archive path of a media file, or None for anything that could escape the media root."""
    path = PurePosixPath(name[len(MEDIA_PREFIX) :])
    if path.is_absolute() or not path.parts or any(p in ("", ".", "..") for p in path.parts):
        return None
    return path.as_posix()


def _unpack(archive: Path, work: Path) -> dict[str, Any]:
    """Extract the data and media into ``work``; return the manifest. Refuses anything unexpected."""
    manifest: dict[str, Any] | None = None
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:
                if member.name == MANIFEST and member.isfile():
                    manifest = json.loads(_read_member(tar, member))
                elif member.name == DATA and member.isfile():
                    _copy_member(tar, member, work / DATA)
                elif member.name.startswith(MEDIA_PREFIX) and member.isfile():
                    rel = _safe_member(member.name)
                    if rel is None:
                        raise BackupError(f"The archive holds an unsafe path: {member.name!r}.")
                    _copy_member(tar, member, work / "media" / rel)
                elif not member.isdir():
                    raise BackupError(f"The archive holds an unexpected entry: {member.name!r}.")
    except (tarfile.TarError, EOFError, OSError, ValueError) as error:
        raise BackupError(f"{archive} is not a readable backup archive ({error}).") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{archive} is not a Xietong backup: it has no manifest.")
    return manifest


def _member_body(tar: tarfile.TarFile, member: tarfile.TarInfo) -> IO[bytes]:
    source = tar.extractfile(member)
    if source is None:  # only links and devices have no body; callers pass regular files
        raise BackupError(f"The archive entry {member.name!r} has no content.")
    return source


def _read_member(tar: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    return _member_body(tar, member).read()


def _copy_member(tar: tarfile.TarFile, member: tarfile.TarInfo, target: Path) -> None:
    source = _member_body(tar, member)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as out:
        shutil.copyfileobj(source, out, 1 << 20)


def _check_manifest(manifest: dict[str, Any], work: Path) -> None:
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise BackupError(
            f"The archive is in backup format {version!r}; this release reads format {FORMAT_VERSION} "
            "and older. Restore it with the release that made it."
        )
    data = work / DATA
    if not data.is_file() or file_sha256(data) != manifest["data"]["sha256"]:
        raise BackupError("The archive's database data is missing or damaged (its checksum differs).")
    staged = media_stats(work / "media")
    if staged != manifest["media"]:
        names = sorted(set(staged) ^ set(manifest["media"])) + sorted(
            n for n in set(staged) & set(manifest["media"]) if staged[n] != manifest["media"][n]
        )
        raise BackupError(f"The archive's media files are damaged or missing: {', '.join(names[:10])}.")
    code = _code_migrations()
    archived = _applied_set(manifest["migrations"])
    installed = {c.label for c in apps.get_app_configs()}
    unknown = sorted(f"{a}.{n}" for a, n in archived - code if a in installed)
    if unknown:
        raise BackupError(
            "The archive was made by a newer release: this code lacks its migrations "
            f"{', '.join(unknown[:10])}. Restore it with the release that made it."
        )
    missing = sorted(f"{a}.{n}" for a, n in code - archived)
    if missing:
        raise BackupError(
            "The archive was made before migrations this release has "
            f"({', '.join(missing[:10])}). Restore it with the release that made it, then upgrade."
        )


def database_has_data() -> bool:
    """A database someone works in: it has user accounts (migrations alone create none)."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    return user_model._base_manager.exists()


def verify(manifest: dict[str, Any]) -> list[str]:
    """What differs between the database and media now and the manifest ([] when all agree)."""
    differences = []
    now = database_stats()
    for label, expected in sorted(manifest["tables"].items()):
        actual = now.get(label)
        if actual is None:
            differences.append(f"table {label}: missing")
        elif actual["rows"] != expected["rows"]:
            differences.append(f"table {label}: {actual['rows']} rows, expected {expected['rows']}")
        elif actual["sha256"] != expected["sha256"]:
            differences.append(f"table {label}: checksum differs")
    root = media_root()
    for rel, expected in sorted(manifest["media"].items()):
        path = root / rel
        if not path.is_file():
            differences.append(f"file {rel}: missing")
        elif file_sha256(path) != expected["sha256"]:
            differences.append(f"file {rel}: checksum differs")
    return differences


def restore(archive: Path, *, force: bool = False) -> RestoreResult:
    """Migrate, load the archive's data in one transaction, put back its media, then verify."""
    with tempfile.TemporaryDirectory(prefix="xietong-restore-") as tmp:
        work = Path(tmp)
        manifest = _unpack(archive, work)
        try:
            _check_manifest(manifest, work)
        except (KeyError, TypeError, AttributeError) as error:
            raise BackupError(f"The archive's manifest is incomplete or malformed ({error!r}).") from error
        call_command("migrate", interactive=False, verbosity=0)
        if database_has_data() and not force:
            raise BackupError(
                "The database already holds data (user accounts). Restore into an empty database, "
                "or pass --force to delete everything in it first."
            )
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # Rows written earlier in an enclosing transaction leave deferred foreign-key checks
                # pending, and PostgreSQL refuses to TRUNCATE under them: run those checks now.
                connection.check_constraints()
            # Everything goes, the content types and permissions migrate made too: the archive's
            # rows come back with their own ids, which other rows refer to.
            call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
            # loaddata streams JSON lines, defers constraint checks to the end of the transaction
            # and resets PostgreSQL's sequences for every model it loaded (what sqlsequencereset prints).
            call_command("loaddata", str(work / DATA), verbosity=0)
        ContentType.objects.clear_cache()
        root = media_root()
        for rel, _path in media_files(work / "media"):
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(work / "media" / rel, target)
    return RestoreResult(
        tables=len(manifest["tables"]),
        rows=sum(t["rows"] for t in manifest["tables"].values()),
        files=len(manifest["media"]),
        differences=verify(manifest),
    )
