"""What the tsv layout's table readers share (the document and its issues). The coded
tables themselves (表二/三/五/六/七, the fund tables, 上年结转结余) are read by the shared
pipeline (`tsv.read_shared`); this stays for the two-sided reader (`tsv_two_sided`)."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Document, Issue


@dataclass
class ReadContext:
    """The document being read, and issues on it."""

    doc: Document

    def issue(self, slug: str, message: str, line: int | None, key: str | None,
              severity: str = "warning") -> None:
        self.doc.issues.append(Issue(slug, message, self.doc.path, line, severity, key))
