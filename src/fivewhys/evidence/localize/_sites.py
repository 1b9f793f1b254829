"""Frames as code sites: which class, method and file a printed frame names, in every language.

A ``Site`` is the unit the ranking works on. Its ``package`` is the dotted namespace (JVM/.NET
package, Go import path, or the folders of a path-based frame) used to infer which frames belong
to the application when nothing else says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from ..stacktrace import Frame

_GO_FUNC = re.compile(r"^(?P<pkg>.*?/?[\w.-]*?)\.(?:\(\*?(?P<recv>[\w\[\]]+)\)\.)?(?P<name>[\w$]+)(?:\.func\d+)*$")
_JS_PREFIX = re.compile(r"^(?:async\s+|new\s+|Object\.)")
_JVM_LAMBDA = re.compile(r"^lambda\$(\w+?)\$\d+$")


@dataclass
class Site:
    """One frame seen as a code location."""

    function: str
    """Method or function name without class (``<init>`` for JVM constructors)."""
    class_name: str | None
    """Binary class name (``pkg.Outer$Inner``), Go ``pkg.Type``, or None."""
    package: str
    """Dotted namespace: JVM package, Go import path with dots, folders of a file path."""
    file: str | None
    line: int | None
    frame: Frame = field(repr=False)

    @property
    def key(self) -> tuple[str, str]:
        """Identity for de-duplication: outer class (or file) and function."""
        owner = (self.class_name or "").split("$")[0] or (self.file or "")
        return owner, self.function

    @property
    def simple_class(self) -> str:
        """The innermost class name without package (``Outer$Inner`` -> ``Inner``)."""
        name = (self.class_name or "").rsplit(".", 1)[-1]
        return name.rsplit("$", 1)[-1]

    @property
    def outer_class(self) -> str:
        """The outermost class name without package."""
        return (self.class_name or "").rsplit(".", 1)[-1].split("$")[0]

    @property
    def label(self) -> str:
        """``Class.method`` (or the function alone) for reasons and tables."""
        cls = (self.class_name or "").rsplit(".", 1)[-1]
        return f"{cls}.{self.function}" if cls else self.function


def to_site(frame: Frame, language: str | None) -> Site | None:
    """The code site a frame names, or None when it names no function."""
    if not frame.function:
        return None
    if language == "jvm":
        return _jvm_site(frame)
    if language == "go":
        return _go_site(frame)
    return _generic_site(frame, language)


def _jvm_site(frame: Frame) -> Site:
    text = frame.function or ""
    owner, _, method = text.rpartition(".")
    lam = _JVM_LAMBDA.match(method)
    if lam:
        method = lam.group(1)  # a lambda's body belongs to the method that wrote it
    package = owner.rpartition(".")[0]
    file = frame.file
    if file and "/" not in file and package:
        file = package.replace(".", "/") + "/" + file  # where the source lives, by Java convention
    return Site(method or text, owner or None, package, file, frame.line, frame)


def _go_site(frame: Frame) -> Site:
    m = _GO_FUNC.match(frame.function or "")
    if not m:
        return _generic_site(frame, "go")
    pkg = m.group("pkg")
    recv = m.group("recv")
    cls = f"{pkg}.{recv}" if recv else None
    return Site(m.group("name"), cls, pkg.replace("/", "."), frame.file, frame.line, frame)


def _generic_site(frame: Frame, language: str | None) -> Site:
    text = _JS_PREFIX.sub("", (frame.function or "").strip())
    sep = "::" if "::" in text else "."
    owner, _, name = text.rpartition(sep)
    if language == "dotnet":
        package = owner.rpartition(".")[0]
    else:
        package = _path_package(frame.file)
    if owner.startswith("<") or owner in ("", "Object"):
        owner = ""
    return Site(name or text, owner or None, package, frame.file, frame.line, frame)


def _path_package(file: str | None) -> str:
    """Folders of a path as a dotted namespace (``/srv/app/cart/x.py`` -> ``srv.app.cart``)."""
    if not file:
        return ""
    path = re.sub(r"^(?:file|webpack|https?)://[^/]*", "", file.replace("\\", "/"))
    parts = [p for p in PurePosixPath(path).parent.parts if p not in ("/", ".", "..")]
    return ".".join(parts)
