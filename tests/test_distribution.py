"""The package as users get it: the sdist and the wheel built from this tree.

``python -m build`` makes the sdist, then the wheel from the sdist (as CI and PyPI users
get them), so a file the sdist forgets is missing from the wheel too. Every file of the
source packages must be in the wheel: code, data sets, licences beside data, templates and
page assets alike, so a forgotten file fails here rather than on a user's machine.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tarfile
import zipfile
from email.parser import HeaderParser
from pathlib import Path

import pytest

import autograd
import nn

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("autograd", "nn")
#: Names of files that carry a licence or a citation, at the root or beside shipped data.
LICENCE_NAME = re.compile(r"licen[cs]e|copying|notice|citation", re.IGNORECASE)


class Distribution:
    """The file names and the metadata of one built sdist and wheel."""

    def __init__(self, sdist: Path, wheel: Path) -> None:
        self.sdist_path = sdist
        self.wheel_path = wheel
        with tarfile.open(sdist) as archive:
            # Names inside the sdist start with "glassgrad-<version>/".
            self.sdist_names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
        with zipfile.ZipFile(wheel) as archive:
            self.wheel_names = set(archive.namelist())
            (self.dist_info,) = {
                name.split("/")[0] for name in self.wheel_names if ".dist-info/" in name
            }
            metadata = archive.read(f"{self.dist_info}/METADATA").decode()
            self.licence_text = archive.read(f"{self.dist_info}/licenses/LICENSE").decode()
        self.metadata = HeaderParser().parsestr(metadata)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Distribution:
    out = tmp_path_factory.mktemp("dist")
    # --no-isolation builds with this environment's hatchling (a dev dependency), offline.
    result = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(REPO)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (sdist,) = out.glob("*.tar.gz")
    (wheel,) = out.glob("*.whl")
    return Distribution(sdist, wheel)


def package_files() -> list[str]:
    """Every file under the source packages, as a path from the repository root."""
    files = []
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                files.append(path.relative_to(REPO).as_posix())
    return files


def test_wheel_carries_every_file_of_the_source_packages(built: Distribution) -> None:
    missing = [name for name in package_files() if name not in built.wheel_names]
    assert missing == [], f"files of the source tree missing from {built.wheel_path.name}"


def test_wheel_installs_only_the_two_packages_and_its_metadata(built: Distribution) -> None:
    tops = {name.split("/")[0] for name in built.wheel_names}
    assert tops == {*PACKAGES, built.dist_info}


def test_both_packages_are_marked_typed(built: Distribution) -> None:
    for package in PACKAGES:
        assert (REPO / package / "py.typed").is_file()
        assert f"{package}/py.typed" in built.wheel_names


def test_wheel_carries_the_mit_licence_text(built: Distribution) -> None:
    assert built.licence_text == (REPO / "LICENSE").read_text()
    assert built.licence_text.startswith("MIT License")
    assert built.metadata["License-Expression"] == "MIT"
    assert built.metadata.get_all("License-File") == ["LICENSE"]


def test_sdist_carries_the_licence_changelog_readme_and_package_files(
    built: Distribution,
) -> None:
    expected = ["LICENSE", "CHANGELOG.md", "README.md", "pyproject.toml", *package_files()]
    missing = [name for name in expected if name not in built.sdist_names]
    assert missing == [], f"files missing from {built.sdist_path.name}"


def test_built_version_is_the_version_readable_at_run_time(built: Distribution) -> None:
    assert built.metadata["Version"] == autograd.__version__
    assert nn.__version__ == autograd.__version__
    assert built.wheel_path.name.startswith(f"glassgrad-{autograd.__version__}-")


def test_changelog_starts_with_the_current_version() -> None:
    headings = re.findall(r"^## (\S+)", (REPO / "CHANGELOG.md").read_text(), re.MULTILINE)
    assert headings, "CHANGELOG.md has no '## <version>' heading"
    assert headings[0] == autograd.__version__


def test_every_licence_file_shipped_is_named_in_the_readme() -> None:
    """The root LICENSE and the licence or citation beside any shipped data."""
    shipped = ["LICENSE"] + [name for name in package_files() if LICENCE_NAME.search(name)]
    readme = (REPO / "README.md").read_text()
    unnamed = [name for name in shipped if f"`{name}`" not in readme]
    assert unnamed == [], "name these files, in backquotes, in the README's licence section"
