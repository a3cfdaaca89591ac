"""What the package already knows: units and regions by every name they are printed under."""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

# Suffixes printed after a unit's name that do not change the unit: "广州市人力资源和社会保障局（局本级）".
NAME_NOISE = re.compile(r"[（(](局本级|本级)[）)]$")


def _rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@dataclass
class Registry:
    units: dict[str, dict] = field(default_factory=dict)      # unit_id -> row
    regions: dict[str, dict] = field(default_factory=dict)    # region_id -> row
    names: dict[str, str] = field(default_factory=dict)       # printed name -> unit_id (the first with that name)
    candidates: dict[str, list[str]] = field(default_factory=dict)  # printed name -> every unit_id with that name
    region_names: dict[str, str] = field(default_factory=dict)  # "海珠区" -> "haizhu"

    @classmethod
    def from_package(cls, package_dir: Path) -> "Registry":
        reg = cls()
        data = Path(package_dir) / "data"
        for row in _rows(data / "regions.csv"):
            reg.regions[row["region_id"]] = row
            reg.region_names[row["name"]] = row["region_id"]
        for row in _rows(data / "units.csv"):
            reg.units[row["unit_id"]] = row
            for name in [row["name"], row["short_name"], *row["aliases"].split("|")]:
                if name.strip():
                    reg.names.setdefault(name.strip(), row["unit_id"])
                    if row["unit_id"] not in reg.candidates.setdefault(name.strip(), []):
                        reg.candidates[name.strip()].append(row["unit_id"])
        # District bureaus are printed as "海珠区人社局" (short name) and, in column heads, as bare "海珠区".
        for uid, row in reg.units.items():
            if row["kind"] == "district-bureau" and row["region_id"] in reg.regions:
                reg.names.setdefault(reg.regions[row["region_id"]]["name"], uid)
                reg.names.setdefault(reg.regions[row["region_id"]]["name"] + "人社局", uid)
        return reg

    def unit(self, printed: str, near: str = "") -> str:
        """The unit id for a printed name, or "".  A short name several units share ("市财政局") is
        read as the one in or under the region `near` (the document's region)."""
        text = re.sub(r"\s+", "", printed)
        text = NAME_NOISE.sub("", text)
        if text in self.names:
            options = self.candidates.get(text, [self.names[text]])
            if near and len(options) > 1:
                local = [u for u in options if near in self._region_chain(self.units[u].get("region_id", ""))]
                if local:
                    return local[0]
            return self.names[text]
        for prefix in ("广州市", "河源市"):       # "海珠区人力资源和社会保障局" for "广州市海珠区…"
            if prefix + text in self.names:
                return self.names[prefix + text]
        return ""

    def _region_chain(self, region_id: str) -> list[str]:
        chain = []
        while region_id and region_id not in chain:
            chain.append(region_id)
            region_id = self.regions.get(region_id, {}).get("parent_region_id", "")
        return chain

    def region_of_unit(self, unit_id: str) -> str:
        return self.units.get(unit_id, {}).get("region_id", "")

    def region(self, printed: str) -> str:
        """The region id of a printed district or city name ("从化区"), or ""."""
        text = re.sub(r"\s+", "", printed)
        return self.region_names.get(text) or self.region_names.get("广州市" + text, "")

    def districts_in(self, text: str) -> list[str]:
        return [rid for name, rid in self.region_names.items()
                if self.regions[rid]["level"] == "district" and name in text]

    def known_names(self) -> list[str]:
        """Every printed name, longest first (so "广州市技师学院" does not hide "广州市工贸技师学院")."""
        return sorted(self.names, key=len, reverse=True)
