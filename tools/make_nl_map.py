"""Make the map of the Netherlands that the reach charts draw (`publish/reach_charts.city_map`): the 12
province outlines and all 342 municipalities of 2023, as SVG paths in a compact JSON file committed at
src/netwerkdag/publish/data/nl_map.json. Nothing is fetched when the app runs; this tool is run by hand
when the map should change (the municipal map changes with every merger).

    .venv/bin/python tools/make_nl_map.py GEMEENTE.topojson PROVINCIE.topojson \
        [--out src/netwerkdag/publish/data/nl_map.json] [--unit 250] [--tolerance 0.8]

The source is the CBS "Wijk- en buurtkaart"/"gebiedsindelingen" of 2023 (CC-BY 4.0, via PDOK),
generalised with mapshaper and published as TopoJSON in the Dutch national grid (RD New, EPSG:28992) by
github.com/cartomap/nl: the files `rd/gemeente_2023.topojson` and `rd/provincie_2023.topojson` at commit
7234d7f822d98610d144184dbcd74a9ac5c6d730 (also served as https://cartomap.github.io/nl/rd/gemeente_2023.topojson
and .../rd/provincie_2023.topojson). They were read from a stored copy of that repository; their SHA-256
sums are in src/netwerkdag/publish/data/NL_MAP_LICENSE.md with the attribution the licence asks for.

What the tool does, in order:
1. decodes each file's arcs (delta-encoded integers, the TopoJSON `transform`) into RD metres;
2. projects them to SVG units: RD New is already a conformal projection of the Netherlands, so a unit is
   `--unit` metres, x grows eastwards and y southwards, the origin at the provinces' north-west corner;
3. simplifies every arc once with Douglas-Peucker (`--tolerance` SVG units), so that two neighbours still
   share the very same border, and rounds to whole units;
4. writes each area as a path with absolute moves and relative lines (`M x y l dx dy ... z`, one subpath
   per ring; holes are drawn with fill-rule evenodd), a municipality with its centroid (of its largest
   part: where a marker goes), one area per line so that a change shows in a diff.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

Point = tuple[float, float]

OUT = Path(__file__).resolve().parents[1] / "src" / "netwerkdag" / "publish" / "data" / "nl_map.json"
SOURCE = {
    "repository": "https://github.com/cartomap/nl",
    "commit": "7234d7f822d98610d144184dbcd74a9ac5c6d730",
    "files": ["rd/gemeente_2023.topojson", "rd/provincie_2023.topojson"],
    "data": "CBS Wijk- en buurtkaart / gebiedsindelingen 2023 (generalised), via PDOK",
    "licence": "CC-BY 4.0",
    "attribution": "Kaart: CBS en Kadaster (gebiedsindelingen 2023), CC-BY 4.0, via cartomap/nl",
    "year": 2023,
}


def decode_arcs(topology: dict[str, Any]) -> list[list[Point]]:
    """The arcs of a TopoJSON topology in its own coordinates (here RD metres): each arc's positions are
    deltas from the one before, quantised when a `transform` is given."""
    transform = topology.get("transform")
    scale = transform["scale"] if transform else [1, 1]
    translate = transform["translate"] if transform else [0, 0]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = (x + dx, y + dy) if transform else (dx, dy)
            points.append((x * scale[0] + translate[0], y * scale[1] + translate[1]))
        arcs.append(points)
    return arcs


def perpendicular(point: Point, start: Point, end: Point) -> float:
    """The distance from `point` to the line through `start` and `end` (to `start` when they coincide)."""
    (px, py), (ax, ay), (bx, by) = point, start, end
    dx, dy = bx - ax, by - ay
    length = math.hypot(dx, dy)
    if length == 0:
        return math.hypot(px - ax, py - ay)
    return abs(dy * px - dx * py + bx * ay - by * ax) / length


def douglas_peucker(points: Sequence[Point], tolerance: float) -> list[Point]:
    """`points` with every point left out that lies within `tolerance` of the simplified line; the ends
    stay (iterative, so that a long border does not hit the recursion limit)."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        worst, index = 0.0, 0
        for i in range(first + 1, last):
            distance = perpendicular(points[i], points[first], points[last])
            if distance > worst:
                worst, index = distance, i
        if worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def simplify_arc(points: Sequence[Point], tolerance: float) -> list[Point]:
    """An arc simplified; a closed arc (an island, a ring of its own) is cut at its point farthest from the
    start first, so that both halves keep their shape."""
    if len(points) > 3 and points[0] == points[-1]:
        far = max(range(len(points)), key=lambda i: math.dist(points[0], points[i]))
        return douglas_peucker(points[: far + 1], tolerance)[:-1] + douglas_peucker(points[far:], tolerance)
    return douglas_peucker(points, tolerance)


def ring_points(ring: Sequence[int], arcs: Sequence[Sequence[tuple[int, int]]]) -> list[tuple[int, int]]:
    """The closed ring that arc indices make (a negative index ~i is arc i backwards), without repeated
    points and without its closing point."""
    points: list[tuple[int, int]] = []
    for index in ring:
        arc = list(arcs[index]) if index >= 0 else list(arcs[~index])[::-1]
        for point in arc:
            if not points or points[-1] != point:
                points.append(point)
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    return points


def signed_area(points: Sequence[tuple[float, float]]) -> float:
    return (
        sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(points, [*points[1:], points[0]], strict=True))
        / 2
    )


def centroid(points: Sequence[tuple[float, float]]) -> tuple[int, int]:
    """The centroid of a ring's area (its vertices' mean when it has none)."""
    area = signed_area(points)
    if area == 0:
        return round(sum(p[0] for p in points) / len(points)), round(sum(p[1] for p in points) / len(points))
    pairs = zip(points, [*points[1:], points[0]], strict=True)
    cx = cy = 0.0
    for (x1, y1), (x2, y2) in pairs:
        cross = x1 * y2 - x2 * y1
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    return round(cx / (6 * area)), round(cy / (6 * area))


def path(rings: Sequence[Sequence[tuple[int, int]]]) -> str:
    """An SVG path: per ring an absolute move and relative lines, closed."""
    parts = []
    for ring in rings:
        (x0, y0), text = ring[0], []
        previous = ring[0]
        for x, y in ring[1:]:
            text.append(f"{x - previous[0]} {y - previous[1]}")
            previous = (x, y)
        parts.append(f"M{x0} {y0}l" + " ".join(text) + "z")
    return "".join(parts).replace(" -", "-")


def polygons(geometry: dict[str, Any]) -> list[list[list[int]]]:
    """A geometry's polygons (each a list of rings of arc indices), whether Polygon or MultiPolygon."""
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return list(geometry["arcs"])
    raise ValueError(f"unexpected geometry type {geometry['type']}")


def areas(
    topology: dict[str, Any], arcs: Sequence[Sequence[tuple[int, int]]]
) -> list[tuple[dict[str, Any], list[list[tuple[int, int]]], tuple[int, int]]]:
    """Each area of the topology's one object: its properties, its rings (degenerate ones left out: an
    islet that simplified to a line) and the centroid of its largest ring."""
    (collection,) = topology["objects"].values()
    result = []
    for geometry in collection["geometries"]:
        rings = [ring_points(ring, arcs) for polygon in polygons(geometry) for ring in polygon]
        rings = [r for r in rings if len(r) >= 3 and signed_area(r) != 0]
        largest = max(rings, key=lambda r: abs(signed_area(r)))
        result.append((geometry["properties"], rings, centroid(largest)))
    return result


def make_map(
    municipalities: dict[str, Any], provinces: dict[str, Any], *, unit: float, tolerance: float
) -> dict[str, Any]:
    """The map as the JSON document the charts read (see the module's docstring)."""
    municipal_arcs, province_arcs = decode_arcs(municipalities), decode_arcs(provinces)
    xs = [x for arc in province_arcs for x, _ in arc]
    ys = [y for arc in province_arcs for _, y in arc]
    west, north = min(xs), max(ys)

    def project(arcs: list[list[Point]]) -> list[list[tuple[int, int]]]:
        projected = []
        for arc in arcs:
            svg = [((x - west) / unit, (north - y) / unit) for x, y in arc]
            projected.append([(round(x), round(y)) for x, y in simplify_arc(svg, tolerance)])
        return projected

    width = math.ceil((max(xs) - west) / unit)
    height = math.ceil((north - min(ys)) / unit)
    return {
        "source": SOURCE,
        "unit_m": unit,
        "width": width,
        "height": height,
        "provinces": [
            {"code": props["statcode"], "name": props["statnaam"], "d": path(rings)}
            for props, rings, _ in areas(provinces, project(province_arcs))
        ],
        "municipalities": [
            {"code": props["statcode"], "name": props["statnaam"], "centroid": list(centre), "d": path(rings)}
            for props, rings, centre in sorted(
                areas(municipalities, project(municipal_arcs)), key=lambda a: str(a[0]["statcode"])
            )
        ],
    }


def dump(document: dict[str, Any]) -> str:
    """The document as JSON with one area per line."""

    def line(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    head = {k: v for k, v in document.items() if k not in ("provinces", "municipalities")}
    lines = ["{" + line(head)[1:-1] + ","]
    for key in ("provinces", "municipalities"):
        lines.append(f'"{key}":[')
        lines.append(",\n".join(line(item) for item in document[key]))
        lines.append("]," if key == "provinces" else "]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("municipalities", type=Path, help="rd/gemeente_2023.topojson")
    parser.add_argument("provinces", type=Path, help="rd/provincie_2023.topojson")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--unit", type=float, default=250.0, help="metres per SVG unit")
    parser.add_argument("--tolerance", type=float, default=0.8, help="Douglas-Peucker tolerance (SVG units)")
    args = parser.parse_args()
    sources = [args.municipalities.read_bytes(), args.provinces.read_bytes()]
    document = make_map(
        json.loads(sources[0]), json.loads(sources[1]), unit=args.unit, tolerance=args.tolerance
    )
    text = dump(document)
    args.out.write_text(text, encoding="utf-8")
    for name, data in zip(("municipalities", "provinces"), sources, strict=True):
        print(f"{name}: sha256 {hashlib.sha256(data).hexdigest()}")
    print(
        f"{args.out}: {len(text.encode())} bytes, {len(document['provinces'])} provinces, "
        f"{len(document['municipalities'])} municipalities, {document['width']}x{document['height']} units"
    )


if __name__ == "__main__":
    main()
