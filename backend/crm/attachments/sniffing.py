"""What a file really is, from its first bytes (the name and the request's header may lie).

Policy:
- a type the ``filetype`` library recognises is stored as that type (a ``.pdf`` name carrying
  PNG bytes is ``image/png``);
- executables and installers (Windows PE, ELF, Mach-O, Java class, shared libraries, ``.deb``,
  ``.rpm``, ...) are refused: an attachment is a document, and a CRM must not become a way to
  pass programs around;
- anything else is ``text/plain`` when it is valid UTF-8 text, else
  ``application/octet-stream``. Downloads are always served as attachments with
  ``nosniff``, so a browser never renders or runs what it fetched.
"""

from __future__ import annotations

import filetype

# Enough for every signature filetype knows (it reads at most 8 KiB itself).
SNIFF_BYTES = 8192
REFUSED_MIME_TYPES = frozenset(
    {
        "application/x-msdownload",
        "application/x-executable",
        "application/x-elf",
        "application/x-mach-binary",
        "application/x-sharedlib",
        "application/x-dex",
        "application/java",
        "application/x-java-applet",
        "application/vnd.microsoft.portable-executable",
        "application/x-deb",
        "application/x-rpm",
        "application/x-shockwave-flash",
        "application/x-google-chrome-extension",
        "application/wasm",
    }
)


class RefusedType(ValueError):
    """The bytes are an executable (or another refused kind)."""


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        return exc.start >= len(head) - 3 and exc.reason == "unexpected end of data"
    return True


def sniff(head: bytes) -> str:
    """The content type of a file starting with ``head``; :class:`RefusedType` if refused."""
    kind = filetype.guess(head)
    if kind is not None:
        if kind.mime in REFUSED_MIME_TYPES:
            raise RefusedType(kind.mime)
        return str(kind.mime)
    # Scripts with a shebang run as programs too.
    if head.startswith(b"#!"):
        raise RefusedType("text/x-script")
    if head and _is_text(head):
        return "text/plain"
    return "application/octet-stream"
