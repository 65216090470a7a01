"""Output files that cannot damage: what each kind of path gets, and several outputs that land together or not at all.

The rules (the CLI's ``-o`` and every other output go through :class:`OutputSet`):

* a new path or an existing regular file: written to a temporary file beside it, then renamed into place, so a
  reader never sees half a file and a failure leaves the old file as it was. A new file gets the mode ``0666`` less
  the umask (as ``open()`` would give it); a replaced file keeps its own mode;
* a symbolic link: followed; its final target is written as above and the link itself stays;
* ``/dev/stdout``, ``/dev/stderr``, ``/dev/fd/N``, ``/proc/self/fd/N``: written to that file descriptor of this
  process (so ``-o /dev/stdout > file`` appends to the redirected output instead of replacing it);
* a character device or a FIFO (``/dev/null``, a named pipe): written through, never replaced by a regular file;
* anything else (a folder, a block device, a socket): refused with one line.

Several outputs of one command: every output is first written to its temporary file (a failure there names the
file and removes every temporary file), then the written-through outputs are sent, then the temporary files are
renamed one by one; should a rename fail, the renames already done are undone (a replaced file comes back from a
hard link kept until the end). Only the standard library is used.
"""
from __future__ import annotations

import os
import re
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from irt_elo.errors import IrtEloError

# Paths that name one of this process's open file descriptors: written to that descriptor.
_FD_PATH = re.compile(r"^/(?:dev/fd|proc/self/fd)/(\d+)$")
_STD_PATHS = {"/dev/stdout": 1, "/dev/stderr": 2}
TEMP_SUFFIX = ".tmp"


def umask() -> int:
    """This process's umask (read without changing it where Linux shows it, else set and restored at once)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    old = os.umask(0o022)
    os.umask(old)
    return old


def new_file_mode() -> int:
    """The mode ``open(path, 'w')`` gives a new file: 0666 less the umask."""
    return 0o666 & ~umask()


def output_fd(path: str | os.PathLike) -> int | None:
    """The file descriptor a path such as ``/dev/stdout`` or ``/dev/fd/3`` stands for, else None."""
    text = os.fspath(path)
    if text in _STD_PATHS:
        return _STD_PATHS[text]
    m = _FD_PATH.match(text)
    return int(m.group(1)) if m else None


def output_kind(path: str | os.PathLike) -> tuple[str, Path]:
    """How ``path`` is written: ``('fd', path)``, ``('through', target)`` for a character device or FIFO, or
    ``('replace', target)`` for a new or regular file, ``target`` being ``path`` with symbolic links followed.
    Anything else raises :class:`IrtEloError`."""
    p = Path(path)
    if output_fd(p) is not None:
        return "fd", p
    target = Path(os.path.realpath(p)) if p.is_symlink() else p
    try:
        st = target.stat()
    except FileNotFoundError:
        return "replace", target
    except OSError as e:
        raise IrtEloError(f"{p}: cannot use it as an output ({e.strerror or e}); choose another output path") from None
    mode = st.st_mode
    if stat.S_ISREG(mode):
        return "replace", target
    if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
        return "through", target
    what = ("a directory; give a file name for the output" if stat.S_ISDIR(mode) else
            "a block device; refusing to write to it" if stat.S_ISBLK(mode) else
            "a socket; refusing to write to it" if stat.S_ISSOCK(mode) else
            "not a regular file; refusing to write to it")
    shown = f"{p} (link to {target})" if target != p else str(p)
    raise IrtEloError(f"{shown}: is {what}")


class OutputSet:
    """The outputs of one command, landing together: ``add`` writes each to a temporary file, ``commit`` puts them
    all in place (or none, and raises); leaving a ``with`` block commits, or discards on an exception.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     d = pathlib.Path(folder)
    ...     with OutputSet() as out:
    ...         _ = out.add(d / "a.txt", lambda p: p.write_text("a"))
    ...         _ = out.add(d / "b.txt", lambda p: p.write_text("b"))
    ...     sorted(x.name for x in d.iterdir())
    ['a.txt', 'b.txt']
    """

    def __init__(self) -> None:
        self._pending: list[tuple[Path, str, Path, Path]] = []  # (as given, kind, target, temporary file)
        self.written: list[Path] = []

    def add(self, path: str | os.PathLike, write: Callable[[Path], None]) -> Path:
        """Call ``write(tmp)`` on a new temporary file for ``path`` now; ``path`` itself is written at commit."""
        given = Path(path)
        kind, target = output_kind(given)
        # A written-through output is staged in the system's temporary folder (no temporary files in /dev).
        folder = (target.parent if str(target.parent) else Path(".")) if kind == "replace" else None
        try:
            fd, name = tempfile.mkstemp(prefix=f".{target.name or 'out'}.", suffix=TEMP_SUFFIX, dir=folder)
        except OSError as e:
            self.discard()
            raise IrtEloError(f"{given}: cannot write in folder {folder or tempfile.gettempdir()} "
                              f"({e.strerror or e}); choose another output path") from None
        os.close(fd)
        tmp = Path(name)
        self._pending.append((given, kind, target, tmp))
        try:
            write(tmp)
        except OSError as e:
            self.discard()
            raise IrtEloError(f"{given}: could not be written ({e.strerror or e}); nothing was written") from None
        except BaseException:
            self.discard()
            raise
        return given

    def discard(self) -> None:
        """Remove every temporary file; nothing is written."""
        for *_, tmp in self._pending:
            tmp.unlink(missing_ok=True)
        self._pending = []

    def commit(self) -> list[Path]:
        """Put every output in place: the written-through ones first (they cannot be taken back), then the renames,
        undone should one fail. Returns the paths as given."""
        pending, self._pending = self._pending, []
        try:
            for given, kind, target, tmp in pending:
                if kind != "replace":
                    _send(given, kind, target, tmp)
            _rename_all([(given, target, tmp) for given, kind, target, tmp in pending if kind == "replace"])
        finally:
            for *_, tmp in pending:
                tmp.unlink(missing_ok=True)
        self.written = [given for given, *_ in pending]
        return self.written

    def __enter__(self) -> OutputSet:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.discard()


def _send(given: Path, kind: str, target: Path, tmp: Path) -> None:
    """Copy a staged output to a file descriptor, device or FIFO (never creating or truncating a file)."""
    import shutil
    import sys

    try:
        with open(tmp, "rb") as src:
            if kind == "fd":
                fd = output_fd(given)
                for stream in (sys.stdout, sys.stderr):  # what was printed before comes first
                    try:
                        stream.flush()
                    except (AttributeError, OSError, ValueError):
                        pass
                with os.fdopen(os.dup(fd), "wb") as dst:
                    shutil.copyfileobj(src, dst)
            else:
                fd = os.open(target, os.O_WRONLY | os.O_NOCTTY)  # no O_CREAT: a vanished device is an error
                with os.fdopen(fd, "wb") as dst:
                    shutil.copyfileobj(src, dst)
    except OSError as e:
        raise IrtEloError(f"{given}: could not be written ({e.strerror or e}); no output was written") from None


def _rename_all(items: list[tuple[Path, Path, Path]]) -> None:
    """Rename each temporary file onto its target; on a failure undo the renames already done and raise."""
    done: list[tuple[Path, Path | None]] = []  # (target, hard link to the file it replaced, or None if new)
    backups: list[Path] = []
    try:
        for given, target, tmp in items:
            backup = None
            try:
                old = target.stat()
            except FileNotFoundError:
                old = None
            try:
                if old is not None:
                    os.chmod(tmp, stat.S_IMODE(old.st_mode))  # a replaced file keeps its mode
                    backup = tmp.with_name(tmp.name + ".old")
                    try:
                        os.link(target, backup)
                        backups.append(backup)
                    except OSError:  # no hard links here: the old file cannot be restored, still replaced
                        backup = None
                else:
                    os.chmod(tmp, new_file_mode())
                os.replace(tmp, target)
            except OSError as e:
                raise IrtEloError(f"{given}: could not be written ({e.strerror or e}); no output was "
                                  "written") from None
            done.append((target, backup))
    except BaseException:  # a failed rename, or Ctrl-C / SIGTERM between two: take back those done
        _undo(done)
        raise
    finally:
        for b in backups:
            b.unlink(missing_ok=True)


def _undo(done: list[tuple[Path, Path | None]]) -> None:
    for target, backup in reversed(done):
        try:
            if backup is None:
                target.unlink(missing_ok=True)
            else:
                os.replace(backup, target)
        except OSError:
            pass


__all__ = ["OutputSet", "output_kind", "output_fd", "new_file_mode", "umask", "TEMP_SUFFIX"]
