"""Resolution 257/2025/QH15: one national target programme for 2026–2035.

From 2026, New Rural Development (with OCOP, one of its contents), Sustainable Poverty
Reduction and the socio-economic development of ethnic-minority and mountain areas are
components of one national target programme (docs/DOMAIN.md#the-2026-2030-rules). Reports
of a span from 2026 present the portal's programmes as its components; earlier reports
stay as they were (``programme_of_year``). The ethnic-minority component has no figures
in the portal's catalogue yet; the civilised urban areas (DTVM) are not part of it.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .choices import Programme


@dataclass(frozen=True)
class MergedProgramme:
    name: str
    legal_basis: str
    first_year: int
    last_year: int
    components: tuple  # the catalogue's Programme codes that are its components

    def covers(self, code):
        return code in self.components


MERGED_2026_2035 = MergedProgramme(
    name=_("National target programme on new rural development, sustainable poverty "
           "reduction and the socio-economic development of ethnic-minority and mountain "
           "areas, 2026–2035"),
    legal_basis="Nghị quyết 257/2025/QH15",
    first_year=2026, last_year=2035,
    components=(Programme.NTM, Programme.OCOP, Programme.GNBV),
)


def programme_of_year(year):
    """The merged programme a report of ``year`` belongs to, or None (before 2026)."""
    if MERGED_2026_2035.first_year <= year <= MERGED_2026_2035.last_year:
        return MERGED_2026_2035
    return None


def programme_label(code, year):
    """A programme's heading in a report of ``year``: "Component: …" inside the merged
    programme, its plain name otherwise (and always before 2026)."""
    label = Programme(code).label
    merged = programme_of_year(year)
    if merged is not None and merged.covers(code):
        return _("Component: %(programme)s") % {"programme": label}
    return label
