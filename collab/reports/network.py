"""The partner network as a picture: a server-rendered SVG (no JavaScript needed, prints, and
the same markup works in the page and for screen readers with the table behind it).

Layout: organisations on a circle, OPDs on the left half and partners on the right, each half
ordered by name, so the same data always gives the same picture and every edge across the
middle is an OPD–partner collaboration. Edge width grows with the number of shared programmes,
node size with the number of programmes.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

SIZE = 560
RADIUS = 210
CENTRE = SIZE / 2
MARGIN = 150  # room for the labels left and right of the circle


@dataclass(frozen=True)
class Node:
    id: int
    label: str
    name: str
    kind: str
    programmes: int
    x: float
    y: float
    r: float
    label_x: float
    label_y: float
    anchor: str


@dataclass(frozen=True)
class Edge:
    source: Node
    target: Node
    programmes: int
    width: float


def layout(nodes: list[dict], edges: list[dict]) -> tuple[list[Node], list[Edge]]:
    """Place the nodes of `collab.reports.services.partner_network()` and size the edges."""
    opds = sorted((n for n in nodes if n["kind"] == "opd"), key=lambda n: n["short_name"])
    others = sorted((n for n in nodes if n["kind"] != "opd"), key=lambda n: n["short_name"])
    placed: dict[int, Node] = {}

    def place(group: list[dict], start: float, end: float) -> None:
        for i, n in enumerate(group):
            angle = start + (end - start) * (i + 0.5) / len(group)
            x, y = CENTRE + RADIUS * math.cos(angle), CENTRE + RADIUS * math.sin(angle)
            lx, ly = CENTRE + (RADIUS + 22) * math.cos(angle), CENTRE + (RADIUS + 22) * math.sin(angle) + 8
            placed[n["id"]] = Node(n["id"], n["short_name"], n["name"], n["kind"], n["programmes"],
                                   round(x, 1), round(y, 1), round(9 + 4 * math.sqrt(n["programmes"]), 1),
                                   round(lx, 1), round(ly, 1), "start" if math.cos(angle) >= 0 else "end")

    if opds and others:  # OPDs on the left half (90°..270°), partners on the right (-90°..90°)
        place(opds, math.pi / 2, 3 * math.pi / 2)
        place(others, -math.pi / 2, math.pi / 2)
    else:
        place(opds or others, -math.pi / 2, 3 * math.pi / 2)
    laid = [Edge(placed[e["source"]], placed[e["target"]], e["programmes"], round(min(2 + 2 * e["programmes"], 12), 1))
            for e in edges if e["source"] in placed and e["target"] in placed]
    return [placed[n["id"]] for n in opds + others], laid
