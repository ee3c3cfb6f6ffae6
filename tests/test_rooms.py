"""The provider-room boundary: everything about a provider lives in providers/<name>/.

The core (``llmd_infra/``) reaches providers only through ``llmd_infra/registry.py``; these tests fail
when a core module names a provider's type tokens, SDK or machine types, or branches on its name, or
when a room's SDK-free part imports a cloud SDK.
"""

from __future__ import annotations

import re
import subprocess
import sys
import typing
from pathlib import Path

import pytest
import tomllib

from llmd_infra import registry
from llmd_infra.config.addons import SECTIONS
from llmd_infra.config.base import ClusterConfigBase
from llmd_infra.plan import fakes
from llmd_infra.policy.pack import ALL_POLICIES
from llmd_infra.policy.resources import readers

REPO = Path(__file__).resolve().parents[1]
CORE = REPO / "llmd_infra"
SDK_FREE = registry.PARTS
ALL_SDKS = sorted({m for mods in registry.SDKS.values() for m in mods})


def _core_sources() -> dict[str, str]:
    return {
        str(path.relative_to(REPO)): path.read_text(encoding="utf-8")
        for path in sorted(CORE.rglob("*.py"))
        if path.name != "registry.py"
    }


def _provider_tokens() -> set[str]:
    tokens: set[str] = set()
    for reader in readers():
        tokens |= reader.pool_types | reader.version_types | reader.cluster_types
    outputs, invokes, secrets = fakes._gathered()
    tokens |= set(outputs) | set(invokes) | set(secrets)
    for spec in ALL_POLICIES:
        if spec.family in registry.PROVIDERS:
            tokens |= spec.types
    return tokens


def test_core_names_no_provider_type_token() -> None:
    tokens = _provider_tokens()
    assert "gcp:container/cluster:Cluster" in tokens and "kubernetes:machine.openshift.io/v1beta1:MachineSet" in tokens
    found = [(name, token) for name, text in _core_sources().items() for token in tokens if token in text]
    assert found == []


def test_core_imports_and_names_no_cloud_sdk() -> None:
    found = [(name, sdk) for name, text in _core_sources().items() for sdk in ALL_SDKS if sdk in text]
    assert found == []


def test_core_names_no_machine_type() -> None:
    names = {name for _, room in registry.parts("catalog") for name in room.MACHINES}
    assert "a3-ultragpu-8g" in names and "p5.48xlarge" in names and "gpu-h100x1-80gb" in names
    found = [
        (path, name)
        for path, text in _core_sources().items()
        for name in names
        if re.search(rf"(?<![\w.-]){re.escape(name)}(?![\w-])", text)
    ]
    assert found == []


_BRANCH = re.compile(
    r"""(==|!=)\s*["'](%s)["']|["'](%s)["']\s*(==|!=)|\bin\s*\(\s*["'](%s)["']"""
    % ((("|".join(registry.PROVIDERS)),) * 3)
)


def test_core_never_branches_on_a_provider_name() -> None:
    found = [
        (name, line.strip())
        for name, text in _core_sources().items()
        for line in text.splitlines()
        if _BRANCH.search(line)
    ]
    assert found == []


@pytest.mark.parametrize("provider", registry.PROVIDERS)
def test_sdk_free_parts_import_no_cloud_sdk(provider: str) -> None:
    parts = [f"llmd_infra.providers.{provider}.{part}" for part in SDK_FREE]
    code = (
        "import importlib, importlib.util, sys\n"
        f"for m in {parts!r}:\n"
        "    if importlib.util.find_spec(m) is not None: importlib.import_module(m)\n"
        f"import llmd_infra.providers.{provider}\n"
        f"loaded = [m for m in {ALL_SDKS!r} if m in sys.modules]\n"
        "print(loaded); sys.exit(1 if loaded else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("provider", [p for p, _ in registry.parts("config")])
def test_room_config_is_a_tagged_cluster_model_that_places_every_addon_section(provider: str) -> None:
    room = registry.part(provider, "config")
    assert room is not None
    model = room.ClusterConfig
    assert issubclass(model, ClusterConfigBase)
    assert typing.get_args(model.model_fields["provider"].annotation) == (provider,)
    assert "name" in model.model_fields
    support = room.ADDONS
    assert not (support.installs & set(support.refuses)), "a section both installed and refused"
    assert sorted(support.installs | set(support.refuses)) == sorted(SECTIONS)
    assert all(reason.strip() for reason in support.refuses.values())


def test_every_room_is_packaged_and_every_provider_has_a_room() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert config["package-dir"] == {"llmd_infra.providers": "providers"}
    rooms = sorted(p.name for p in (REPO / "providers").iterdir() if (p / "__init__.py").is_file())
    assert rooms == sorted(registry.PROVIDERS)
    core = sorted(
        "llmd_infra" + "".join(f".{part}" for part in p.relative_to(CORE).parts)
        for p in [CORE, *CORE.rglob("*")]
        if p.is_dir() and (p / "__init__.py").is_file()
    )
    expected = [*core, "llmd_infra.providers", *(f"llmd_infra.providers.{name}" for name in rooms)]
    assert sorted(config["packages"]) == sorted(expected)
    assert not (CORE / "providers").exists(), "providers/ is mapped by pyproject, not linked"
