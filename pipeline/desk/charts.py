"""Charts for the desk's dashboard, drawn as inline SVG on the server (no JavaScript, no chart
library): horizontal bars with their numbers, and grouped bars per month."""

from __future__ import annotations

from html import escape

from pipeline import words

PALETTE = ("#b3261e", "#d97706", "#2563eb", "#059669", "#7c3aed", "#db2777", "#0891b2", "#4b5563")


def bars(rows: list[tuple[str, int]], title: str, highlight: str | None = None, width: int = 560) -> str:
    """One horizontal bar per row, the label on the left and the count at the bar's end."""
    if not rows:
        return f'<p class="muted">{escape(words.desk.no_data(title))}</p>'
    label_width, row_height = 180, 26
    top = max(value for _, value in rows) or 1
    height = row_height * len(rows) + 30
    parts = [f'<svg role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" width="100%" '
             f'xmlns="http://www.w3.org/2000/svg" font-size="13"><title>{escape(title)}</title>']
    for n, (label, value) in enumerate(rows):
        y = 20 + n * row_height
        length = (width - label_width - 50) * value / top
        colour = PALETTE[0] if highlight is None or label == highlight else "#9ca3af"
        parts.append(f'<text x="{label_width - 8}" y="{y + 14}" text-anchor="end">{escape(label[:14])}</text>'
                     f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="18" rx="3" fill="{colour}"/>'
                     f'<text x="{label_width + length + 6:.1f}" y="{y + 14}">{value}</text>')
    parts.append("</svg>")
    return _figure(title, "".join(parts))


def _figure(title: str, svg: str) -> str:
    return f'<figure class="chart"><figcaption>{escape(title)}</figcaption>{svg}</figure>'


def grouped(months: list[str], series: list[tuple[str, list[int]]], title: str, width: int = 720) -> str:
    """Bars per month, one colour per series (e.g. reports and published), with a legend."""
    if not months:
        return f'<p class="muted">{escape(words.desk.no_data(title))}</p>'
    height, bottom, left = 240, 200, 40
    top = max((v for _, values in series for v in values), default=1) or 1
    slot = (width - left - 10) / len(months)
    bar = max(4.0, slot / (len(series) + 1))
    parts = [f'<svg role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" width="100%" '
             f'xmlns="http://www.w3.org/2000/svg" font-size="12"><title>{escape(title)}</title>',
             f'<line x1="{left}" y1="{bottom}" x2="{width - 5}" y2="{bottom}" stroke="#999"/>']
    for m, month in enumerate(months):
        x0 = left + m * slot
        for s, (_, values) in enumerate(series):
            value = values[m]
            h = (bottom - 30) * value / top
            parts.append(f'<rect x="{x0 + s * bar + 2:.1f}" y="{bottom - h:.1f}" width="{bar - 2:.1f}" height="{h:.1f}" '
                         f'fill="{PALETTE[s % len(PALETTE)]}"><title>{escape(month)} {value}</title></rect>')
        parts.append(f'<text x="{x0 + slot / 2:.1f}" y="{bottom + 16}" text-anchor="middle">{escape(month[2:])}</text>')
    for s, (name, _) in enumerate(series):
        parts.append(f'<rect x="{left + s * 110}" y="4" width="12" height="12" fill="{PALETTE[s % len(PALETTE)]}"/>'
                     f'<text x="{left + s * 110 + 16}" y="14">{escape(name)}</text>')
    parts.append("</svg>")
    return _figure(title, "".join(parts))
