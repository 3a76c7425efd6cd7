"""The output folder: which folder a build may replace, one build at a time, the atomic swap.

A build writes the whole site into a staging folder next to the output
(`.<name>-staging-*`) and swaps it in at the end. Before anything is written:

- `check_output` refuses an output folder that would take the sources with it: the site
  folder, one holding it, `site.toml`, `content/` or `templates/`, one inside `content/` or
  `templates/`, and a non-empty folder that is not a previous build (every build leaves
  the small marker file `MARKER` in it);
- `build_lock` takes an exclusive lock on `.<name>.lock` next to the output. The system
  releases it when the process ends, however it ends, so a killed build never leaves it
  stuck. A second build of the same folder waits (or, with `wait=False`, fails) instead
  of deleting the first one's staging folder: staging and old folders are removed only
  with the lock held (`recover_interrupted_swap`), when no live build owns them.

The site a build replaces is kept as the spare (`.<name>-spare`, `spare_folder`), which the
next build takes as its staging folder and updates in place (`render/spare.py`).
"""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .config import Config

try:
    import fcntl
except ImportError:  # Windows: no lock (builds there must not overlap)
    fcntl = None  # type: ignore[assignment]

MARKER = ".generator-build"
MARKER_TEXT = b"Written by `python -m generator build`: this folder is replaced by every build.\n"


class OutputError(Exception):
    """The site cannot be written to the output folder; the message says why."""


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def check_output(config: Config, output: Path) -> None:
    """Raise `OutputError` when a build into `output` (resolved) could destroy the sources
    or files that are not a previous build."""
    site = config.site_dir.resolve()
    if output == site:
        raise OutputError(f"{output} 就是站点文件夹：请另选输出文件夹")
    if site.is_relative_to(output):
        raise OutputError(f"{output} 包含站点文件夹 {site}：请另选输出文件夹")
    for label, folder in (("content/", config.content_dir), ("templates/", site / "templates")):
        folder = folder.resolve()
        if output == folder or folder.is_relative_to(output):
            raise OutputError(f"{output} {'就是' if output == folder else '包含'} {label}"
                              f"（{folder}）：请另选输出文件夹")
        if output.is_relative_to(folder):
            raise OutputError(f"{output} 位于 {label}（{folder}）之内：请另选输出文件夹")
    if output.exists() and not output.is_dir():
        raise OutputError(f"{output} 是文件，不是文件夹")
    held = [name for name in ("site.toml", "content", "templates") if (output / name).exists()]
    if held:  # another site's folder
        raise OutputError(f"{output} 含有 {'、'.join(held)}：请另选输出文件夹")
    if output.is_dir() and not (output / MARKER).is_file() and not _empty(output) \
            and not _last_build(config, output):
        raise OutputError(f"{output} 不是空文件夹，也不是以前的构建结果：构建会替换"
                          "整个文件夹；请清空它，或另选输出文件夹")


def _empty(folder: Path) -> bool:
    return next(folder.iterdir(), None) is None


def _last_build(config: Config, output: Path) -> bool:
    """A build made before builds were marked: the build manifest names it."""
    from .incremental import load_manifest

    return load_manifest(config, output) is not None


def _not_writable(output: Path, folder: Path, exc: OSError) -> OutputError:
    return OutputError(f"无法把站点写入 {output}：{folder} 不可写"
                       f"（{exc.strerror or exc}）")


@contextmanager
def build_lock(output: Path, wait: bool = True, log: Callable[[str], None] = _stderr) -> Iterator[None]:
    """Hold the lock of the output folder `output` (resolved) for a build; see the module."""
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(output.with_name(f".{output.name}.lock"), os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise _not_writable(output, output.parent, exc) from exc
    try:
        if fcntl is not None and not _try_lock(fd):
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            busy = f"{output} 的另一个构建正在进行（进程 {holder}）"
            if not wait:
                raise OutputError(f"{busy}：请等它结束后再试")
            log(f"{busy}，等待中")
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        os.close(fd)  # releases the lock


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def make_staging(output: Path) -> Path:
    """A new, empty staging folder next to `output`."""
    try:
        return Path(tempfile.mkdtemp(prefix=f".{output.name}-staging-", dir=output.parent))
    except OSError as exc:
        raise _not_writable(output, output.parent, exc) from exc


def swap_into_place(staging: Path, output: Path, keep: bool = False) -> subprocess.Popen | None:
    """Mark `staging` as a build and replace `output` with it so that readers see the old
    or the new site, never a mix.

    On Linux the two folders are exchanged in one atomic step (renameat2 with
    RENAME_EXCHANGE), so there is no instant without a site. Elsewhere two renames are
    used: the old site moves aside, the new one moves in; a crash between them leaves
    the previous site in `.<name>-old-*`, which the next build puts back
    (`recover_interrupted_swap`). `keep`: the replaced site becomes the spare
    (`spare_folder`), which the next build updates in place; otherwise it is deleted.
    Returns the process deleting the replaced site, if any.
    """
    (staging / MARKER).write_bytes(MARKER_TEXT)
    if output.exists() and _exchange(staging, output):
        if keep and _keep_as_spare(staging, output):
            return None
        return _remove_in_background(staging)  # now holds the previous site
    old = None
    if output.exists():
        old = output.with_name(f".{output.name}-old-{os.getpid()}")
        os.rename(output, old)
    os.rename(staging, output)
    if old is not None and not (keep and _keep_as_spare(old, output)):
        shutil.rmtree(old, ignore_errors=True)
    return None


def spare_folder(output: Path) -> Path:
    """Where the site replaced by the last build is kept (`swap_into_place(keep=True)`)."""
    return output.with_name(f".{output.name}-spare")


def _keep_as_spare(replaced: Path, output: Path) -> bool:
    spare = spare_folder(output)
    if spare.exists():  # not taken by this build (`take_spare`): out of date
        discard(spare, output)
    try:
        os.rename(replaced, spare)
    except OSError:
        return False
    return True


def take_spare(output: Path) -> Path | None:
    """The spare (`spare_folder`) as a new staging folder (renamed: a build killed while
    it changes the spare leaves a staging folder, which the next build deletes); None
    when there is none."""
    spare = spare_folder(output)
    if not spare.is_dir():
        return None
    staging = make_staging(output)
    try:
        os.rename(spare, staging)  # onto the empty folder just made
    except OSError:
        os.rmdir(staging)
        return None
    return staging


def discard(folder: Path, output: Path) -> None:
    """Delete `folder` (next to `output`, or inside a staging folder) by a process of its own."""
    trash = put_aside(folder, output)
    if trash is not None:
        _remove_in_background(trash)


def put_aside(folder: Path, output: Path) -> Path | None:
    """Move `folder` into a new `-trash-` folder next to `output` (which the next build
    deletes if nobody did: `recover_interrupted_swap`); returns that folder (None: there
    was nothing to move). `remove_later` deletes it."""
    if not folder.exists():
        return None
    trash = Path(tempfile.mkdtemp(prefix=f".{output.name}-trash-", dir=output.parent))
    try:
        os.rename(folder, trash / "x")
    except OSError:
        shutil.rmtree(trash, ignore_errors=True)
        return None
    return trash


def remove_later(folders: list[Path]) -> None:
    """Delete `folders` (`put_aside`) by processes of their own."""
    for folder in folders:
        _remove_in_background(folder)


# Run by `_remove_in_background` in a process of its own: argv = the folder to delete.
_REMOVE_SCRIPT = "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)"


def _remove_in_background(folder: Path) -> subprocess.Popen | None:
    """Delete a replaced site without making the caller wait (`serve` before its reload,
    `build` from the command line before it returns): it is renamed to an `-old-` name
    first, which the next build also clears, then deleted by a process of its own, in a
    session of its own, which outlives the build. Deleting a province's site takes
    seconds (over a minute on a busy shared disk): a hundred thousand links, and the
    bulk downloads' blocks freed. Returns the process (None: deleted here)."""
    trash = folder.with_name(folder.name.replace("-staging-", "-old-", 1))
    try:
        os.rename(folder, trash)
    except OSError:
        trash = folder
    try:
        return subprocess.Popen([sys.executable, "-c", _REMOVE_SCRIPT, str(trash)],
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError:
        shutil.rmtree(trash, ignore_errors=True)
        return None


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths (Linux renameat2); False where not available."""
    if sys.platform != "linux":
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return result == 0


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:  # just deleted (by the process of `_remove_in_background`)
        return 0.0


def recover_interrupted_swap(output: Path, wait: bool = True) -> None:
    """Undo what a killed build left behind: put a moved-aside site back, drop stale
    staging. Call it holding the output's lock (`build_lock`): then no live build owns
    a staging folder. `wait=False`: the folders are deleted by processes of their own
    (a replaced site the last build's deleting process may not have finished with)."""
    parent = output.parent
    if not parent.is_dir():
        return
    olds = sorted(parent.glob(f".{output.name}-old-*"), key=_mtime)
    if not output.exists() and olds:
        os.rename(olds.pop(), output)
    for stale in olds + list(parent.glob(f".{output.name}-staging-*")) \
            + list(parent.glob(f".{output.name}-trash-*")):
        if wait:
            shutil.rmtree(stale, ignore_errors=True)
        else:
            _remove_in_background(stale)
