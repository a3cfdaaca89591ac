"""The one error model of the build: a Problem is one line a maintainer can act on."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """A data problem, printed as `path:row:field: error-type: message`.

    row is the CSV line number (the header is line 1), or 0 when the problem
    concerns a whole file; field is "-" when no single field is at fault.
    """

    path: str
    row: int
    field: str
    kind: str
    message: str

    def line(self) -> str:
        row = str(self.row) if self.row else "-"
        return f"{self.path}:{row}:{self.field or '-'}: {self.kind}: {self.message}"


def summary(problems: list[Problem]) -> str:
    files = len({p.path for p in problems})
    noun = "problem" if len(problems) == 1 else "problems"
    fnoun = "file" if files == 1 else "files"
    return f"Build aborted: {len(problems)} {noun} in {files} {fnoun}. The published site was not changed."
