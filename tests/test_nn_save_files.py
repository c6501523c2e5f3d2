"""Module.save on the file system: modes, owners, symbolic links and special files."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

import nn

requires_root = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0,
    reason="making device nodes and giving files to other users needs root",
)


def model(seed: int = 0) -> nn.MLP:
    return nn.MLP(2, [3, 1], seed=seed)


def saved_by(seed: int, path: Path) -> bool:
    """Whether ``path`` holds the model of ``seed``."""
    loaded = model(seed=99)
    loaded.load(path)
    return loaded.state_dict() == model(seed).state_dict()


@pytest.fixture
def umask() -> Iterator[None]:
    """Restore the process's umask after a test that sets it."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.mark.parametrize("mask", [0o022, 0o077, 0o002, 0o027], ids=oct)
def test_a_new_file_gets_the_mode_open_gives_under_the_umask(
    tmp_path: Path, umask: None, mask: int
) -> None:
    os.umask(mask)
    model().save(tmp_path / "m.json")
    (tmp_path / "plain.txt").write_text("made by open()")
    mode = stat.S_IMODE((tmp_path / "m.json").stat().st_mode)
    assert mode == 0o666 & ~mask
    assert mode == stat.S_IMODE((tmp_path / "plain.txt").stat().st_mode)


@pytest.mark.parametrize("mode", [0o644, 0o600, 0o640, 0o604], ids=oct)
def test_overwriting_a_file_keeps_its_mode(tmp_path: Path, umask: None, mode: int) -> None:
    path = tmp_path / "m.json"
    model(seed=1).save(path)
    path.chmod(mode)
    model(seed=2).save(path)
    assert stat.S_IMODE(path.stat().st_mode) == mode
    assert saved_by(2, path)


@requires_root
def test_overwriting_another_users_file_keeps_its_owner(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    model(seed=1).save(path)
    os.chown(path, 4321, 8765)
    model(seed=2).save(path)
    assert (path.stat().st_uid, path.stat().st_gid) == (4321, 8765)
    assert saved_by(2, path)


def test_saving_through_a_symlink_writes_its_target_and_keeps_the_link(tmp_path: Path) -> None:
    models, links = tmp_path / "models", tmp_path / "links"
    models.mkdir()
    links.mkdir()
    target = models / "m.json"
    model(seed=1).save(target)
    target.chmod(0o640)
    (links / "m.json").symlink_to(Path("..") / "models" / "m.json")
    (links / "latest.json").symlink_to("m.json")  # a link to a link
    model(seed=2).save(links / "latest.json")
    assert os.readlink(links / "latest.json") == "m.json"
    assert os.readlink(links / "m.json") == os.path.join("..", "models", "m.json")
    assert saved_by(2, target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    # The temporary file was made beside the target, in the same file system, and is gone.
    assert sorted(p.name for p in links.iterdir()) == ["latest.json", "m.json"]
    assert [p.name for p in models.iterdir()] == ["m.json"]


def test_saving_through_a_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "link.json"
    link.symlink_to("new.json")
    model(seed=3).save(link)
    assert link.is_symlink()
    assert saved_by(3, tmp_path / "new.json")


def test_saving_to_a_fifo_is_refused_and_leaves_the_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(ValueError, match=r"cannot save to '.*pipe': it is a FIFO"):
        model().save(fifo)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]


def test_saving_through_a_symlink_to_a_fifo_is_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "link").symlink_to("pipe")
    with pytest.raises(ValueError, match=r"'.*link' \(a link to '.*pipe'\): it is a FIFO"):
        model().save(tmp_path / "link")
    assert stat.S_ISFIFO(os.stat(tmp_path / "pipe").st_mode)
    assert (tmp_path / "link").is_symlink()


@requires_root
@pytest.mark.parametrize("minor", [3, 7])  # the numbers of /dev/null and /dev/full
def test_saving_to_a_character_device_is_refused_and_leaves_it(tmp_path: Path, minor: int) -> None:
    # A node with /dev/null's (or /dev/full's) numbers in a scratch folder: the real ones
    # are shared by every process on the machine and must never be at risk in a test.
    device = tmp_path / "device"
    os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, minor))
    with pytest.raises(ValueError, match=r"it is a character device, not a regular file"):
        model().save(device)
    assert stat.S_ISCHR(os.stat(device).st_mode)
    assert os.stat(device).st_rdev == os.makedev(1, minor)
    assert [p.name for p in tmp_path.iterdir()] == ["device"]


def test_saving_to_a_directory_is_refused_and_says_nothing_was_written(tmp_path: Path) -> None:
    folder = tmp_path / "m.json"
    folder.mkdir()
    with pytest.raises(ValueError, match=r"it is a directory, .*nothing was written"):
        model().save(folder)
    assert folder.is_dir()
    assert list(folder.iterdir()) == []
    assert [p.name for p in tmp_path.iterdir()] == ["m.json"]


def test_saving_into_a_missing_folder_names_the_path_not_a_temporary_file(
    tmp_path: Path,
) -> None:
    path = tmp_path / "missing" / "m.json"
    with pytest.raises(FileNotFoundError, match=r"cannot save to '.*missing/m.json': No such"):
        model().save(path)
    assert list(tmp_path.iterdir()) == []
