"""Charts drawn on the server as inline SVG: WeasyPrint puts them in the PDF and browsers show
them on the dashboard. No JavaScript and no outside service (libraries run offline). Every chart
has a text title for screen readers, and the pages that show one also give its numbers as a
table."""

from __future__ import annotations

from markupsafe import Markup, escape

NAVY = "#1d3557"
INK = "#1b1f24"
MUTED = "#4f5b66"
GRID = "#d5dbe1"
FONT = "DejaVu Sans, Arial, sans-serif"


def _nice_max(value: float) -> int:
    """A round top for a four-step axis with whole-number steps: 7 -> 8, 43 -> 80, 1870 -> 2000."""
    raw = max(value, 1) / 4
    magnitude = 1
    while True:
        for step in (1, 2, 3, 4, 5):
            if step * magnitude >= raw:
                return step * magnitude * 4
        magnitude *= 10


def _fmt(value: float) -> str:
    """Short enough to sit on a column: 7, 1,850, 170k, 1.2M."""
    value = int(value)
    if value >= 1_000_000:
        return f"{value / 1_000_000:.1f}M".replace(".0M", "M")
    if value >= 10_000:
        return f"{round(value / 1000):,}k"
    return f"{value:,}"


def column_chart(
    points: list[tuple[str, int]],
    *,
    title: str,
    width: int = 640,
    height: int = 220,
    color: str = NAVY,
    unit: str = "",
) -> Markup:
    """Vertical columns, one per (label, value): requests per month, deletions per month."""
    peak = _nice_max(max((v for _l, v in points), default=0))
    left, right, top, bottom = 14 + 6 * len(_fmt(peak)), 8, 12, 34  # room for the widest axis label
    plot_w, plot_h = width - left - right, height - top - bottom
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="10">',
        f"<title>{escape(title)}</title>",
    ]
    for i in range(5):  # four gridlines and the axis
        value = peak * i / 4
        y = top + plot_h - plot_h * i / 4
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{GRID}" '
            f'stroke-width="{1 if i else 1.4}"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{y + 3.5:.1f}" text-anchor="end" '
            f'fill="{MUTED}">{_fmt(value)}</text>'
        )
    slot = plot_w / max(len(points), 1)
    bar = min(slot * 0.62, 48)
    for index, (label, value) in enumerate(points):
        x = left + slot * index + (slot - bar) / 2
        h = plot_h * value / peak if peak else 0
        y = top + plot_h - h
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{color}" '
            'rx="1.5">'
            f"<title>{escape(label)}: {value:,}{escape(unit)}</title></rect>"
        )
        if value:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle" fill="{INK}" '
                f'font-size="9">{_fmt(value)}</text>'
            )
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{height - bottom + 14}" text-anchor="middle" '
            f'fill="{MUTED}">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def bar_chart(
    rows: list[tuple[str, int]], *, title: str, width: int = 640, color: str = NAVY
) -> Markup:
    """Horizontal bars, one per (label, value), longest first as given: requests by kind."""
    label_w, right, row_h, top = 190, 56, 22, 6
    height = top * 2 + row_h * max(len(rows), 1)
    peak = max((v for _l, v in rows), default=0) or 1
    plot_w = width - label_w - right
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="10">',
        f"<title>{escape(title)}</title>",
    ]
    for index, (label, value) in enumerate(rows):
        y = top + row_h * index
        w = plot_w * value / peak
        parts.append(
            f'<text x="{label_w - 8}" y="{y + row_h / 2 + 3.5:.1f}" text-anchor="end" '
            f'fill="{INK}">{escape(label)}</text>'
        )
        parts.append(
            f'<rect x="{label_w}" y="{y + 4}" width="{max(w, 0.0):.1f}" height="{row_h - 8}" '
            f'fill="{color}" rx="1.5"/>'
        )
        parts.append(
            f'<text x="{label_w + w + 5:.1f}" y="{y + row_h / 2 + 3.5:.1f}" '
            f'fill="{INK}">{_fmt(value)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
