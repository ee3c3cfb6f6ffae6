"""``check_image``: open an image, walk each platform's layers once, judge every convention."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from llmd_infra.image.checks import Result, run_checks
from llmd_infra.image.command import mentioned_files
from llmd_infra.image.config import ImageConfig
from llmd_infra.image.probe import Probe
from llmd_infra.image.rootfs import RootFs
from llmd_infra.image.source import ImageSource, Skipped, Target


@dataclass
class PlatformReport:
    target: Target
    results: list[Result]
    layers: int = 0
    entries: int = 0
    """Tar entries walked in all layers."""


@dataclass
class Report:
    image: str
    kind: str
    platforms: list[PlatformReport] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def results(self) -> list[tuple[PlatformReport, Result]]:
        return [(p, r) for p in self.platforms for r in p.results]

    def count(self, status: str) -> int:
        return sum(1 for _, r in self.results() if r.status == status)

    @property
    def failed(self) -> bool:
        return self.count("fail") > 0

    def to_json(self) -> dict[str, Any]:
        """The document of ``image-check --format json`` (documented in docs/image-check.md)."""
        return {
            "image": self.image,
            "source": self.kind,
            "platforms": [p.target.describe() for p in self.platforms],
            "skipped": [s.to_json() for s in self.skipped],
            "results": [{**r.to_json(), "platform": p.target.platform} for p, r in self.results()],
            "summary": {s: self.count(s) for s in ("pass", "fail", "unknown")},
        }


def probe_for(config: ImageConfig) -> Probe:
    """The files this image's conventions need, knowing its PATH and what its entrypoint runs."""
    paths, names = mentioned_files(config)
    return Probe(config.path_dirs, paths, names)


def check_target(source: ImageSource, target: Target) -> PlatformReport:
    fs: RootFs | None = None
    layers = entries = 0
    if target.layers is not None:
        probe = probe_for(target.config)
        fs = RootFs(probe)
        for summary in source.summaries(target, probe):
            fs.apply(summary)
            layers += 1
            entries += summary.entry_count
    return PlatformReport(target, run_checks(target.config, fs), layers, entries)


def check_image(path: str, platform: str | None = None) -> Report:
    """Judge the image at ``path`` (layout directory, archive or config JSON); raises ImageError on bad input."""
    with ImageSource(path) as source:
        report = Report(path, source.kind, skipped=list(source.layout.skipped))
        for target in source.targets(platform):
            report.platforms.append(check_target(source, target))
    return report
