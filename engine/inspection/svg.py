"""Charts as inline SVG text (no script, no network): stacked bars, a heatmap, a sparkline, a meter.

Every text that comes from input (district and domain names) is escaped here; the result is Markup
the dashboard template inserts as is.
"""
from __future__ import annotations

import unicodedata
from typing import Sequence

from markupsafe import Markup, escape

COLORS = {"met": "#2e7d32", "gap": "#c62828", "insufficient_facts": "#f9a825", "waived": "#1565c0",
          "not_applicable": "#9e9e9e"}


def stacked_bars(rows: Sequence[tuple[str, dict[str, int]]], keys: Sequence[str], labels: dict[str, str],
                 width: int = 760) -> Markup:
    """One horizontal bar per row, its segments the counts of `keys`; a legend above."""
    label_w = max([_text_width(name) for name, _ in rows] + [60]) + 16
    bar_h, gap, top = 22, 8, 30
    total = max((sum(c.get(k, 0) for k in keys) for _, c in rows), default=0) or 1
    scale = (width - label_w - 60) / total
    height = top + len(rows) * (bar_h + gap)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" viewBox="0 0 {width} {height}" '
           f'width="100%" style="max-width:{width}px">']
    x = label_w
    for k in keys:
        out.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{COLORS[k]}"/>'
                   f'<text x="{x + 16}" y="16" class="legend">{escape(labels[k])}</text>')
        x += 30 + 13 * len(labels[k])
    for i, (name, counts) in enumerate(rows):
        y = top + i * (bar_h + gap)
        out.append(f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end" class="label">{escape(name)}</text>')
        x = float(label_w)
        for k in keys:
            n = counts.get(k, 0)
            if n:
                w = n * scale
                out.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{COLORS[k]}">'
                           f'<title>{escape(name)} · {escape(labels[k])}: {n}</title></rect>')
                x += w
        out.append(f'<text x="{x + 6:.1f}" y="{y + 15}" class="value">{counts.get("gap", 0)}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def _text_width(text: str) -> int:
    """Approximate width in pixels at 12px: CJK characters are square, others about half."""
    return sum(12 if unicodedata.east_asian_width(ch) in "WF" else 7 for ch in text)


def heat_color(share: float | None) -> str:
    """Red (0% met) through amber to green (100%); grey when nothing was scored."""
    if share is None:
        return "#e0e0e0"
    s = max(0.0, min(100.0, share)) / 100
    if s < 0.5:
        r, g, b = 198, int(40 + (168 - 40) * s * 2), 40
    else:
        r, g, b = int(198 - (198 - 46) * (s - 0.5) * 2), int(168 - (168 - 125) * (s - 0.5) * 2), int(40 + (50 - 40) * (s - 0.5) * 2)
    return f"#{r:02x}{g:02x}{b:02x}"


def heatmap(rows: Sequence[tuple[str, Sequence[float | None], Sequence[int]]], columns: Sequence[str],
            cell_w: int = 74) -> Markup:
    """rows: (district, share met per domain, gaps per domain). Row labels only while they stay legible."""
    labelled = len(rows) <= 200
    cell_h = 18 if labelled else max(2, min(6, 1200 // max(len(rows), 1)))
    label_w = max([_text_width(name) for name, _, _ in rows] + [60]) + 12 if labelled else 10
    longest = max([_text_width(c) for c in columns] + [40])
    top = int(longest * 0.65) + 16  # the column names run up at 40°
    width = label_w + cell_w * len(columns) + int(longest * 0.77) + 10
    height = top + cell_h * len(rows) + 10
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart heatmap" viewBox="0 0 {width} {height}" '
           f'width="100%" style="max-width:{width}px">']
    for j, name in enumerate(columns):
        x = label_w + j * cell_w + cell_w / 2
        out.append(f'<text transform="translate({x:.0f},{top - 6}) rotate(-40)" class="label">{escape(name)}</text>')
    for i, (name, shares, gaps) in enumerate(rows):
        y = top + i * cell_h
        if labelled:
            out.append(f'<text x="{label_w - 6}" y="{y + cell_h - 5}" text-anchor="end" class="label">{escape(name)}</text>')
        for j, share in enumerate(shares):
            x = label_w + j * cell_w
            text = "—" if share is None else f"{share:g}%"
            out.append(f'<rect x="{x}" y="{y}" width="{cell_w - 1}" height="{cell_h - (1 if labelled else 0)}" '
                       f'fill="{heat_color(share)}"><title>{escape(name)} · {escape(columns[j])}: {text}, '
                       f'{gaps[j]} gap(s)</title></rect>')
            if labelled and gaps[j]:
                out.append(f'<text x="{x + cell_w / 2:.0f}" y="{y + cell_h - 5}" text-anchor="middle" class="cell">{gaps[j]}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def meter(share: float | None, width: int = 120, color: str = "#2e7d32") -> Markup:
    """A small horizontal bar for a percentage, with the figure beside it."""
    w = 0 if share is None else max(0.0, min(100.0, share)) * (width - 44) / 100
    text = "—" if share is None else f"{share:g}%"
    return Markup(f'<svg xmlns="http://www.w3.org/2000/svg" class="meter" width="{width}" height="14" viewBox="0 0 {width} 14">'
                  f'<rect x="0" y="2" width="{width - 44}" height="10" fill="#eee"/>'
                  f'<rect x="0" y="2" width="{w:.1f}" height="10" fill="{color}"/>'
                  f'<text x="{width - 40}" y="11" class="value">{text}</text></svg>')


def sparkline(values: Sequence[float], labels: Sequence[str], width: int = 160, height: int = 36) -> Markup:
    """Gaps per year as a line with its points; the first and last figures written."""
    if not values:
        return Markup("")
    top, bottom, left, right = 6, 12, 14, 14
    peak = max(values) or 1
    step = (width - left - right) / max(len(values) - 1, 1)
    points = [(left + i * step, top + (1 - v / peak) * (height - top - bottom)) for i, v in enumerate(values)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="spark" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}"><polyline points="{path}" fill="none" stroke="#c62828" stroke-width="1.5"/>']
    for (x, y), v, label in zip(points, values, labels):
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="#c62828"><title>{escape(label)}: {v:g}</title></circle>')
    out.append(f'<text x="{points[0][0]:.0f}" y="{height - 1}" text-anchor="middle" class="tiny">{escape(labels[0])}</text>')
    out.append(f'<text x="{points[-1][0]:.0f}" y="{height - 1}" text-anchor="middle" class="tiny">{escape(labels[-1])}</text>')
    out.append("</svg>")
    return Markup("".join(out))
