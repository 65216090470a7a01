"""Reading zip members safely: sizes are checked from the zip's directory before anything is inflated, and each
member is read with a limit, so a small hostile zip (a "zip bomb") cannot fill memory or disk.

Only the standard library is imported, so :mod:`irt_elo.data.vintages` (imported by the command line) can use it.
"""
from __future__ import annotations

import zipfile
from collections.abc import Iterable

from irt_elo.errors import IrtEloError

# Epoch's releases inflate to a few tens of MB; anything declaring more than this in all is not one of them.
MAX_UNPACKED_BYTES = 512 * 2**20


def check_zip_sizes(infos: Iterable[zipfile.ZipInfo], where: str, limit: int = MAX_UNPACKED_BYTES) -> None:
    """Refuse, before inflating anything, members whose declared uncompressed sizes add up to more than ``limit``.

    The declared size is a real bound: :mod:`zipfile` stops inflating a member at its declared size (and then
    fails its CRC check), which :func:`read_member` turns into a one-line error.

    Examples
    --------
    >>> info = zipfile.ZipInfo("big.csv"); info.file_size = 2**40
    >>> check_zip_sizes([info], "x.zip")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    irt_elo.errors.IrtEloError: x.zip: refused before unpacking: its 1 member(s) declare 1,048,576 MB ...
    """
    infos = [i for i in infos if not i.is_dir()]
    declared = sum(int(i.file_size) for i in infos)
    if declared > limit:
        big = max(infos, key=lambda i: i.file_size)
        raise IrtEloError(f"{where}: refused before unpacking: its {len(infos)} member(s) declare "
                          f"{declared / 2**20:,.0f} MB uncompressed (largest {big.filename!r}, "
                          f"{big.file_size / 2**20:,.0f} MB; limit {limit // 2**20} MB); a score table or an Epoch "
                          "release is a few tens of MB, so this is not one")


def read_member(z: zipfile.ZipFile, info: zipfile.ZipInfo, where: str) -> bytes:
    """The bytes of one member, never more than its declared size; a member that inflates to another size than
    its header declares (damaged or forged) is a one-line error naming it."""
    try:
        with z.open(info) as fh:
            data = fh.read(info.file_size + 1)
    except zipfile.BadZipFile as e:
        raise IrtEloError(f"{where}/{info.filename}: damaged or forged zip member ({e}); download the zip "
                          "again") from None
    if len(data) != info.file_size:
        raise IrtEloError(f"{where}/{info.filename}: inflates to {len(data)} bytes, not the {info.file_size} its "
                          "header declares; the zip is damaged or forged; download it again")
    return data


__all__ = ["MAX_UNPACKED_BYTES", "check_zip_sizes", "read_member"]
